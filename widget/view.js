/**
 * The widget's DOM: header with connection state, handoff banner, the message log (an
 * ARIA live region), quick replies, typing indicator, follow-up / rating / e-mail forms,
 * composer with a character counter; the unread count while minimised (attention.js).
 *
 * The view knows nothing about sockets: the widget entry wires it to a `ChatClient`.
 */

import { ACCEPT, attachmentNode } from "../shared/attachments.js";
import { clear, clockTime, el, linkedText, randomId } from "../shared/dom.js";
import { Attention } from "./attention.js";
import { emailRequest, followUpForm, ratingForm } from "./panels.js";
import { describeStatus, headerText } from "./status-text.js";
import { Transcript } from "./transcript.js";

const HANDLED_BY_FORMS = ["/csat", "/continue_with_bot", "/follow_up"];
// The counter shows from this share of the limit on; the limit itself comes from the server.
const COUNTER_FROM = 0.8;
const DEFAULT_MAX_CHARS = 2000;
const TYPING_FALLBACK_MS = { agent: 8000, bot: 30000 };

let viewCount = 0;

export class WidgetView {
  /**
   * @param {HTMLElement} container
   * @param {{title?: string, open?: boolean, server: string}} options `server`: the origin the
   *   messages come from (site paths in them link there)
   * @param {{send: Function, sendFile: Function, typing: Function, rate: Function, followUp: Function,
   *   continueWithBot: Function, newConversation: Function, emailTranscript: Function,
   *   notifyMe: Function, seen: () => number, markSeen: (seq: number) => void,
   *   opened: (open: boolean) => void}} actions
   */
  constructor(container, options, actions) {
    viewCount += 1;
    this.id = `sw-${viewCount}`;
    this.actions = actions;
    this.server = options.server;
    this.transcript = new Transcript();
    this.nodes = new Map(); // entry -> <li>
    this.typingTimer = null;
    this.lastTypingSent = 0;
    this.maxChars = DEFAULT_MAX_CHARS;
    this.connectionState = "connecting";
    this.status = { status: "bot" };
    this.root = this._build(options.title || "Support");
    this.attention = new Attention({ badge: this.badge, launcher: this.launcher, seen: actions.seen, markSeen: actions.markSeen });
    clear(container).append(this.root);
    // Opening at load never takes the focus from the page; only the customer's own click does.
    this.setOpen(options.open !== false, { focus: false });
  }

  /**
   * Open or minimise the panel.
   * @param {boolean} open
   * @param {{focus?: boolean, byCustomer?: boolean}} [how] `focus`: move focus into the input;
   *   `byCustomer`: the customer chose it (remembered for the next page).
   */
  setOpen(open, { focus = true, byCustomer = false } = {}) {
    this.root.classList.toggle("sw-open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    this.panel.hidden = !open;
    this.attention.setOpen(open);
    if (byCustomer && this.actions.opened) this.actions.opened(open);
    if (open && focus) this.input.focus({ preventScroll: true });
  }

  /** Nothing of this view stays behind (listeners, the page title). */
  destroy() {
    this.attention.destroy();
    clearTimeout(this.typingTimer);
  }

  setConnection(state) {
    this.connectionState = state;
    this.root.dataset.connection = state;
    this._renderHeader();
    this.sendButton.disabled = false;
  }

  /** The server's limits (from the session's ack). */
  setLimits({ maxMessageChars }) {
    if (Number.isInteger(maxMessageChars) && maxMessageChars > 0) this.maxChars = maxMessageChars;
    this._renderCounter();
  }

  /** Add or update a message; duplicates (same seq / client id) are ignored. */
  addMessage(message) {
    const placed = this.transcript.upsert(message);
    if (!placed) return;
    const { entry, index } = placed;
    const old = this.nodes.get(entry);
    const node = this._messageNode(entry);
    this.nodes.set(entry, node);
    if (old) old.remove();
    const next = this.transcript.entries[index + 1];
    const nextNode = next && this.nodes.get(next);
    if (nextNode && nextNode.parentNode === this.log) this.log.insertBefore(node, nextNode);
    else this.log.append(node);
    if (entry.sender !== "customer") this.showTyping({ typing: false });
    this.attention.note(entry);
    this._renderQuickReplies();
    this._scrollToEnd();
  }

  showTyping({ typing, sender, name }) {
    clearTimeout(this.typingTimer);
    if (!typing) {
      this.typingLine.hidden = true;
      return;
    }
    const who = sender === "agent" ? name || "Our agent" : "The assistant";
    this.typingText.textContent = `${who} is typing…`;
    this.typingLine.hidden = false;
    this._scrollToEnd();
    // The assistant's typing always ends with a "stopped" from the server; this covers one that got lost.
    const fallback = TYPING_FALLBACK_MS[sender] || TYPING_FALLBACK_MS.agent;
    this.typingTimer = setTimeout(() => { this.typingLine.hidden = true; }, fallback);
  }

  showStatus(status) {
    const described = describeStatus(status);
    this.status = status;
    this._renderHeader();
    this._renderNotifyOffer(status);
    this.root.dataset.handoff = status.status || "bot";
    this.banner.textContent = described.text;
    this.banner.dataset.tone = described.tone;
    this.banner.hidden = !described.text;
    // Rebuild the forms only when what is offered changes: a queue-position update must
    // not wipe an e-mail address being typed.
    const offer = `${described.offerFollowUp}/${described.askRating}`;
    if (offer === this.offer) return;
    this.offer = offer;
    clear(this.extra);
    if (described.offerFollowUp) {
      this.extra.append(followUpForm({ onSubmit: this.actions.followUp, onContinue: this.actions.continueWithBot }));
    }
    if (described.askRating) {
      this.extra.append(
        ratingForm({ onRate: this.actions.rate }),
        el("button", { type: "button", class: "sw-link", text: "Start a new conversation", onclick: () => this.actions.newConversation() }),
      );
    }
    this._scrollToEnd();
  }

  /** The server refused a message: take it out of the log and give the text back. */
  refuse(clientMsgId, text, reason) {
    const entry = this.transcript.removePending(clientMsgId);
    if (entry) {
      const node = this.nodes.get(entry);
      if (node) node.remove();
      this.nodes.delete(entry);
    }
    if (text && !this.input.value.trim()) this.input.value = text;
    this.showError(reason);
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  _renderHeader() {
    this.connection.textContent = headerText(this.connectionState, this.status);
  }

  /** "E-mail me if they reply after I've left": offered while a person is coming or here. */
  _renderNotifyOffer(status) {
    const noOne = describeStatus(status).offerFollowUp; // the follow-up form covers that case
    const offer = (status.status === "queued" && !noOne) || status.status === "assigned";
    this.notifyArea.hidden = !offer;
    if (!offer || this.notifyArea.firstChild) return;
    this.notifyArea.append(emailRequest({
      label: "E-mail me when our team replies",
      buttonText: "E-mail me if they reply after I've left",
      inputLabel: "Your e-mail for the reply notice",
      send: (email) => this.actions.notifyMe(email),
      done: (ack) => `We'll e-mail ${ack.notify} once if a reply comes after you've left.`,
    }));
  }

  _openTranscriptMail() {
    this.setOpen(true, { focus: false });
    clear(this.mailArea).append(emailRequest({
      label: "E-mail me the transcript",
      inputLabel: "Your e-mail for the transcript",
      send: (email) => this.actions.emailTranscript(email),
      done: (ack) => `We've sent the transcript to ${ack.sent_to}.`,
    }));
    this._scrollToEnd();
  }

  _build(title) {
    this.badge = el("span", { class: "sw-badge", hidden: true, "aria-hidden": "true" });
    this.launcher = el("button", {
      type: "button", class: "sw-launcher", "aria-controls": `${this.id}-panel`, "aria-label": "Chat with us",
      onclick: () => this.setOpen(this.panel.hidden, { byCustomer: true }),
    }, "Chat with us", this.badge);
    this.connection = el("p", { class: "sw-connection", text: headerText("connecting", this.status) });
    const mail = el("button", {
      type: "button", class: "sw-icon", "aria-label": "E-mail me the transcript", title: "E-mail me the transcript",
      text: "✉", onclick: () => this._openTranscriptMail(),
    });
    const close = el("button", {
      type: "button", class: "sw-close", "aria-label": "Minimise chat", text: "–",
      onclick: () => this._minimise(),
    });
    const header = el("header", { class: "sw-header" },
      el("div", {}, el("h2", { id: `${this.id}-title`, text: title }), this.connection),
      el("div", { class: "sw-header-actions" }, mail, close));
    this.banner = el("p", { class: "sw-banner", role: "status", hidden: true });
    this.log = el("ol", { class: "sw-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    this.quickReplies = el("div", { class: "sw-quick-replies", role: "group", "aria-label": "Suggested replies" });
    this.typingText = el("span", {});
    this.typingLine = el("p", { class: "sw-typing", hidden: true, "aria-live": "polite" },
      el("span", { class: "sw-dots", "aria-hidden": "true" }, el("i"), el("i"), el("i")), this.typingText);
    this.extra = el("div", { class: "sw-extra" });
    this.notifyArea = el("div", { class: "sw-extra", hidden: true });
    this.mailArea = el("div", { class: "sw-extra" });
    this.error = el("p", { class: "sw-error", role: "alert", hidden: true });
    this.scroller = el("div", { class: "sw-scroller" }, this.log, this.quickReplies, this.typingLine, this.extra,
      this.notifyArea, this.mailArea);
    this.panel = el("section", {
      id: `${this.id}-panel`, class: "sw-panel", "aria-labelledby": `${this.id}-title`,
    }, header, this.banner, this.scroller, this.error, this._composer());
    const root = el("div", { class: "sw-root", dataset: { connection: "connecting", handoff: "bot" } }, this.panel, this.launcher);
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.panel.hidden && !event.isComposing) {
        event.preventDefault();
        this._minimise();
      }
    });
    return root;
  }

  _minimise() {
    this.setOpen(false, { byCustomer: true });
    this.launcher.focus();
  }

  _composer() {
    const inputId = `${this.id}-input`;
    // No maxlength: a long paste is kept whole and the counter says what is over, never cut silently.
    this.counter = el("p", { class: "sw-counter", id: `${this.id}-counter`, hidden: true, "aria-live": "polite" });
    this.input = el("textarea", {
      id: inputId, rows: 1, placeholder: "Write a message…", autocomplete: "off",
      "aria-describedby": `${this.id}-counter`,
    });
    this.sendButton = el("button", { type: "submit", class: "sw-send", text: "Send" });
    this.fileInput = el("input", { type: "file", accept: ACCEPT, class: "sw-visually-hidden", tabindex: "-1",
      "aria-hidden": "true", onchange: () => this._pickedFile() });
    this.attachButton = el("button", { type: "button", class: "sw-attach", "aria-label": "Attach a photo or PDF",
      title: "Attach a photo or PDF", text: "📎", onclick: () => this.fileInput.click() });
    const form = el("form", { class: "sw-composer" },
      el("label", { for: inputId, class: "sw-visually-hidden", text: "Your message" }),
      this.attachButton, this.fileInput, this.input, this.sendButton,
      this.counter);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this._submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this._submit();
      }
    });
    this.input.addEventListener("input", () => {
      this._renderCounter();
      const now = Date.now();
      if (now - this.lastTypingSent > 2500 && this.input.value.trim()) {
        this.lastTypingSent = now;
        this.actions.typing(true);
      }
    });
    return form;
  }

  /** Send the picked file: shown at once as "sending…", then as the server stored it (or taken back). */
  async _pickedFile() {
    const [file] = this.fileInput.files || [];
    this.fileInput.value = "";
    if (!file) return;
    this.showError("");
    const clientMsgId = randomId();
    this.addMessage({ seq: null, clientMsgId, sender: "customer", text: `Sending ${file.name}…`,
      at: new Date().toISOString(), pending: true });
    const sent = await this.actions.sendFile(file, clientMsgId);
    if (sent.ok) this.addMessage(sent.message);
    else this.refuse(clientMsgId, null, sent.message);
  }

  /** Characters as the server counts them (code points), against its limit. */
  _length() {
    return [...this.input.value].length;
  }

  _renderCounter() {
    const length = this._length();
    const over = length - this.maxChars;
    const shown = length >= this.maxChars * COUNTER_FROM;
    this.counter.hidden = !shown;
    this.counter.dataset.over = String(over > 0);
    if (over > 0) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
    if (!shown) return;
    const n = (value) => value.toLocaleString("en-US");
    this.counter.textContent = over > 0
      ? `${n(length)} / ${n(this.maxChars)} — that's ${n(over)} character${over === 1 ? "" : "s"} over the limit. ` +
        "Could you shorten it, or send it in two parts? Nothing you wrote is lost."
      : `${n(length)} / ${n(this.maxChars)} characters`;
  }

  _submit() {
    const text = this.input.value.trim();
    if (!text) return;
    if (this._length() > this.maxChars) {
      this._renderCounter();
      this.input.focus();
      return;
    }
    this.showError("");
    this.input.value = "";
    this._renderCounter();
    this.lastTypingSent = 0;
    this.actions.typing(false);
    this.actions.send(text);
  }

  _messageNode(entry) {
    const sender = ["customer", "bot", "agent", "system"].includes(entry.sender) ? entry.sender : "bot";
    const who = {
      customer: "You",
      bot: "Assistant",
      agent: entry.agentName ? `${entry.agentName} · Support team` : "Support team",
      system: "Update",
    }[sender];
    const meta = el("p", { class: "sw-meta" }, el("span", { class: "sw-who", text: who }),
      el("time", { text: entry.pending ? "sending…" : clockTime(entry.at) }));
    return el("li", {
      class: `sw-msg sw-from-${sender}${entry.pending ? " sw-pending" : ""}`,
      dataset: { seq: entry.seq ?? "", sender },
    }, meta, this._body(entry));
  }

  /** The message's text, or its photo / document. */
  _body(entry) {
    const shown = entry.attachment && attachmentNode(entry.attachment, "sw");
    if (shown) return el("div", { class: "sw-text sw-has-attachment" }, shown);
    return this._textNode(entry);
  }

  /** The message's text; in what the assistant, an agent or the service said, links are links. */
  _textNode(entry) {
    const text = this._displayText(entry);
    if (entry.sender === "customer" || !this.server) return el("p", { class: "sw-text", text });
    return el("p", { class: "sw-text" }, linkedText(text, this.server));
  }

  /** A quick reply the customer clicked is stored as its payload; show its title instead. */
  _displayText(entry) {
    if (entry.sender !== "customer" || !entry.text.startsWith("/")) return entry.text;
    for (const other of this.transcript.entries) {
      const match = (other.buttons || []).find((button) => button.payload === entry.text);
      if (match) return match.title;
    }
    return entry.text;
  }

  /** Quick replies belong to the latest message only, and only if it came from the bot. */
  _renderQuickReplies() {
    clear(this.quickReplies);
    const last = this.transcript.entries[this.transcript.entries.length - 1];
    if (!last || last.sender === "customer" || !last.buttons || !last.buttons.length) return;
    // Rating and "continue with the assistant" have their own forms (see panels.js).
    const buttons = last.buttons.filter((b) => !HANDLED_BY_FORMS.some((prefix) => b.payload.startsWith(prefix)));
    for (const button of buttons) {
      this.quickReplies.append(el("button", {
        type: "button", class: "sw-quick", text: button.title,
        onclick: () => {
          clear(this.quickReplies);
          this.actions.send(button.title, { payload: button.payload });
        },
      }));
    }
  }

  _scrollToEnd() {
    requestAnimationFrame(() => { this.scroller.scrollTop = this.scroller.scrollHeight; });
  }
}
