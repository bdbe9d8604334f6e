/**
 * The widget's DOM: header with connection state, handoff banner, the message log (an
 * ARIA live region), quick replies, typing indicator, follow-up / rating forms, composer.
 *
 * The view knows nothing about sockets: the widget entry wires it to a `ChatClient`.
 */

import { ACCEPT, attachmentNode } from "../shared/attachments.js";
import { clear, clockTime, el, randomId } from "../shared/dom.js";
import { followUpForm, ratingForm } from "./panels.js";
import { describeStatus } from "./status-text.js";
import { Transcript } from "./transcript.js";

const CONNECTION_TEXT = {
  connecting: "Connecting…",
  online: "Online",
  offline: "Offline — reconnecting. Your messages will be sent when we're back.",
};

const HANDLED_BY_FORMS = ["/csat", "/continue_with_bot", "/follow_up"];

let viewCount = 0;

export class WidgetView {
  /**
   * @param {HTMLElement} container
   * @param {{title?: string, open?: boolean}} options
   * @param {{send: Function, sendFile: Function, typing: Function, rate: Function, followUp: Function,
   *   continueWithBot: Function, newConversation: Function}} actions
   */
  constructor(container, options, actions) {
    viewCount += 1;
    this.id = `sw-${viewCount}`;
    this.actions = actions;
    this.transcript = new Transcript();
    this.nodes = new Map(); // entry -> <li>
    this.typingTimer = null;
    this.lastTypingSent = 0;
    this.root = this._build(options.title || "Support");
    clear(container).append(this.root);
    this.setOpen(options.open !== false);
  }

  setOpen(open) {
    this.root.classList.toggle("sw-open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    this.panel.hidden = !open;
    if (open) this.input.focus({ preventScroll: true });
  }

  setConnection(state) {
    this.root.dataset.connection = state;
    this.connection.textContent = CONNECTION_TEXT[state] || state;
    this.sendButton.disabled = false;
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
    this.typingTimer = setTimeout(() => { this.typingLine.hidden = true; }, 8000);
  }

  showStatus(status) {
    const described = describeStatus(status);
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

  _build(title) {
    this.launcher = el("button", {
      type: "button", class: "sw-launcher", "aria-controls": `${this.id}-panel`, text: "Chat with us",
      onclick: () => this.setOpen(this.panel.hidden),
    });
    this.connection = el("p", { class: "sw-connection", text: CONNECTION_TEXT.connecting });
    const close = el("button", {
      type: "button", class: "sw-close", "aria-label": "Minimise chat", text: "–",
      onclick: () => { this.setOpen(false); this.launcher.focus(); },
    });
    const header = el("header", { class: "sw-header" },
      el("div", {}, el("h2", { id: `${this.id}-title`, text: title }), this.connection), close);
    this.banner = el("p", { class: "sw-banner", role: "status", hidden: true });
    this.log = el("ol", { class: "sw-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    this.quickReplies = el("div", { class: "sw-quick-replies", role: "group", "aria-label": "Suggested replies" });
    this.typingText = el("span", {});
    this.typingLine = el("p", { class: "sw-typing", hidden: true, "aria-live": "polite" },
      el("span", { class: "sw-dots", "aria-hidden": "true" }, el("i"), el("i"), el("i")), this.typingText);
    this.extra = el("div", { class: "sw-extra" });
    this.error = el("p", { class: "sw-error", role: "alert", hidden: true });
    this.scroller = el("div", { class: "sw-scroller" }, this.log, this.quickReplies, this.typingLine, this.extra);
    this.panel = el("section", {
      id: `${this.id}-panel`, class: "sw-panel", "aria-labelledby": `${this.id}-title`,
    }, header, this.banner, this.scroller, this.error, this._composer());
    return el("div", { class: "sw-root", dataset: { connection: "connecting", handoff: "bot" } }, this.panel, this.launcher);
  }

  _composer() {
    const inputId = `${this.id}-input`;
    this.input = el("textarea", {
      id: inputId, rows: 1, maxlength: 2000, placeholder: "Write a message…", autocomplete: "off",
    });
    this.sendButton = el("button", { type: "submit", class: "sw-send", text: "Send" });
    this.fileInput = el("input", { type: "file", accept: ACCEPT, class: "sw-visually-hidden", tabindex: "-1",
      "aria-hidden": "true", onchange: () => this._pickedFile() });
    this.attachButton = el("button", { type: "button", class: "sw-attach", "aria-label": "Attach a photo or PDF",
      title: "Attach a photo or PDF", text: "📎", onclick: () => this.fileInput.click() });
    const form = el("form", { class: "sw-composer" },
      el("label", { for: inputId, class: "sw-visually-hidden", text: "Your message" }),
      this.attachButton, this.fileInput, this.input, this.sendButton);
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

  _submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.showError("");
    this.input.value = "";
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
    return el("p", { class: "sw-text", text: this._displayText(entry) });
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
