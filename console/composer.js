/**
 * The agent's composer: suggested replies (the three best fits in full, the rest behind
 * "More"), the team's canned replies by shortcut ("/late" expands), reply / private note
 * modes, and typing signals to the customer.
 *
 * Every text here comes from the server already filled from verified context and checked
 * against what this agent may promise (handoff/service/replies.py): the console never fills
 * names or orders itself.
 */

import { ACCEPT } from "../shared/attachments.js";
import { clear, el } from "../shared/dom.js";
import { saveDraft, savedDraft } from "./session.js";

const SITUATION_LABELS = {
  late_delivery: "Late delivery",
  damaged: "Damaged item",
  wrong_item: "Wrong item",
  billing: "Billing",
  confusion: "Confusion / set-up",
  account_access: "Account access",
  general: "General",
  severe: "Very upset",
};

/** How a promise the agent can't keep here is named in a warning. */
const CLAIM_LABELS = {
  order: "an order",
  gift: "a gift",
  paid_shipping: "paid shipping",
  shipping_credit: "a shipping credit",
  replacement: "a replacement",
  order_refund: "a full refund",
  duplicate_refund: "a refund of a duplicate charge",
};

/** How many suggestions are shown in full before "More suggestions". */
export const BEST_FITS = 3;

const SHORTCUT_AT_CARET = /(^|\s)\/([a-z0-9_-]*)$/i;

export class Composer {
  /**
   * @param {HTMLElement} root
   * @param {{send: (text: string, asNote: boolean) => Promise<string|null>, sendFile: (file: File) => Promise<?string>,
   *   typing: (on: boolean) => void, manageCanned: () => void}} actions
   */
  constructor(root, actions) {
    this.actions = actions;
    this.view = null;
    this.lastTyping = 0;
    this.situation = el("select", { id: "suggest-situation", "aria-label": "Situation for suggestions",
      onchange: () => this._renderSuggestions() });
    this.facts = el("p", { class: "reply-facts" });
    this.suggestions = el("div", { class: "suggestions", role: "group", "aria-label": "Suggested replies" });
    this.input = el("textarea", { id: "composer-input", rows: 2, maxlength: 2000,
      placeholder: "Write to the customer… (Enter sends, Shift+Enter for a new line, / for canned replies)" });
    this.hints = el("ul", { class: "canned-hints", id: "canned-hints", "aria-label": "Canned replies", hidden: true });
    this.note = el("input", { type: "checkbox", id: "composer-note" });
    this.sendButton = el("button", { type: "submit", class: "btn btn-primary", text: "Send" });
    this.fileInput = el("input", { type: "file", accept: ACCEPT, id: "composer-file", class: "visually-hidden",
      onchange: () => this._sendFile() });
    this.attachButton = el("button", { type: "button", class: "btn", text: "Attach photo or PDF",
      title: "Send the customer a photo (PNG, JPEG, WebP, GIF) or a PDF", onclick: () => this.fileInput.click() });
    this.feedback = el("p", { class: "form-feedback", role: "alert" });
    const form = el("form", { class: "composer-form" },
      el("label", { for: "composer-input", class: "visually-hidden", text: "Message" }),
      this.input, this.hints,
      el("div", { class: "composer-row" },
        el("label", { class: "note-toggle", for: "composer-note" }, this.note, " Private note (only agents see it)"),
        this.attachButton, this.fileInput, this.sendButton),
      this.feedback);
    form.addEventListener("submit", (event) => { event.preventDefault(); this._send(); });
    this.input.addEventListener("keydown", (event) => this._keydown(event));
    this.input.addEventListener("input", () => {
      this._renderHints();
      if (this.view) saveDraft(this.view.id, this.input.value); // a reload keeps what was typed
      const now = Date.now();
      if (!this.note.checked && now - this.lastTyping > 2500 && this.input.value.trim()) {
        this.lastTyping = now;
        this.actions.typing(true);
      }
    });
    this.note.addEventListener("change", () => {
      form.classList.toggle("is-note", this.note.checked);
      this.sendButton.textContent = this.note.checked ? "Add note" : "Send";
    });
    const manage = el("button", { type: "button", class: "btn btn-ghost btn-small", id: "manage-canned",
      text: "Canned replies", onclick: () => this.actions.manageCanned() });
    clear(root).append(
      el("div", { class: "suggest-head" }, el("h3", { text: "Suggested replies" }),
        el("div", { class: "suggest-tools" }, this.situation, manage)),
      this.facts, this.suggestions, form);
  }

  /**
   * Show a conversation view's suggestions and canned replies.
   * @param {object} view the conversation view (`situation`, `replies_by_situation`, `reply_facts`, `canned_replies`)
   */
  load(view, { freshSituation = false } = {}) {
    const sameConversation = this.view && this.view.id === view.id;
    this.view = view;
    if (!sameConversation) {
      this.input.value = savedDraft(view.id);
      this.feedback.textContent = "";
    }
    const offered = view.replies_by_situation || {};
    const situations = Object.keys(offered).length ? Object.keys(offered) : [view.situation || "general"];
    const keep = sameConversation && !freshSituation ? this.situation.value : null;
    const current = keep && situations.includes(keep) ? keep
      : situations.includes(view.situation) ? view.situation : situations[0];
    clear(this.situation);
    for (const key of situations) {
      this.situation.append(el("option", { value: key, selected: key === current || null, text: SITUATION_LABELS[key] || key }));
    }
    this.situation.value = current || "";
    this._renderFacts();
    this._renderSuggestions();
    this._renderHints();
  }

  _renderFacts() {
    const facts = (this.view && this.view.reply_facts) || {};
    const parts = [];
    if (facts.first_name) parts.push(`${facts.first_name} (signed in)`);
    if (facts.order_number) parts.push(`order #${facts.order_number}`);
    this.facts.textContent = parts.length
      ? `Filled in from verified details: ${parts.join(" · ")}.`
      : "No verified name or order yet, so suggestions are worded without them.";
  }

  _texts() {
    const view = this.view || {};
    const key = this.situation.value;
    const offered = view.replies_by_situation || {};
    if (offered[key]) return offered[key];
    return key === view.situation ? (view.suggested_replies || []) : [];
  }

  _card(text) {
    return el("li", {}, el("button", {
      type: "button", class: "suggestion", text, disabled: this.input.disabled || null,
      title: "Insert into the reply box (you can edit it before sending)",
      onclick: () => this.insert(text),
    }));
  }

  _renderSuggestions() {
    clear(this.suggestions);
    const texts = this._texts();
    if (!texts.length) {
      this.suggestions.append(el("p", { class: "ctx-small", text: "No suggestions for this situation." }));
      return;
    }
    this.suggestions.append(el("ol", { class: "best-fits", "aria-label": "Best fits" },
      texts.slice(0, BEST_FITS).map((t) => this._card(t))));
    const rest = texts.slice(BEST_FITS);
    if (rest.length) {
      this.suggestions.append(el("details", { class: "more-suggestions" },
        el("summary", { text: `More suggestions (${rest.length})` }),
        el("ol", { class: "more-fits" }, rest.map((t) => this._card(t)))));
    }
  }

  /** The canned replies of this conversation (filled by the server). */
  _canned() {
    return (this.view && this.view.canned_replies) || [];
  }

  /** `{start, shortcut}` of a "/word" just before the caret, or null. */
  _shortcutAtCaret() {
    const caret = this.input.selectionStart ?? this.input.value.length;
    const match = SHORTCUT_AT_CARET.exec(this.input.value.slice(0, caret));
    if (!match) return null;
    return { start: caret - match[2].length - 1, end: caret, shortcut: match[2].toLowerCase() };
  }

  _matches(at) {
    return at ? this._canned().filter((c) => c.shortcut.startsWith(at.shortcut)).slice(0, 6) : [];
  }

  _renderHints() {
    clear(this.hints);
    const at = this._shortcutAtCaret();
    const matches = this._matches(at);
    this.hints.hidden = !matches.length;
    for (const item of matches) {
      this.hints.append(el("li", {}, el("button", {
        type: "button", class: "canned-hint", dataset: { shortcut: item.shortcut },
        onmousedown: (event) => event.preventDefault(), // keep the caret in the reply box
        onclick: () => this.expand(item, this._shortcutAtCaret()),
      }, el("span", { class: "canned-key", text: `/${item.shortcut}` }), ` ${item.title}`)));
    }
  }

  /** Enter, Tab or Space right after an exact "/shortcut" expands it (Enter never sends "/late"). */
  _keydown(event) {
    const at = ["Enter", "Tab", " "].includes(event.key) && !event.shiftKey && !event.isComposing
      ? this._shortcutAtCaret() : null;
    if (at && at.shortcut) {
      const matches = this._matches(at);
      const exact = matches.find((c) => c.shortcut === at.shortcut)
        || (event.key === "Tab" && matches.length === 1 ? matches[0] : null);
      if (exact) {
        event.preventDefault();
        this.expand(exact, at);
        return;
      }
    }
    if (event.key === "Escape" && !this.hints.hidden) {
      this.hints.hidden = true;
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); this._send(); }
  }

  /** Replace the "/shortcut" at the caret by the canned reply's text. */
  expand(item, at) {
    const value = this.input.value;
    const start = at ? at.start : value.length;
    const end = at ? at.end : value.length;
    const before = value.slice(0, start);
    const after = value.slice(end);
    this.input.value = `${before}${item.text}${after}`;
    const caret = before.length + item.text.length;
    this.input.focus();
    this.input.setSelectionRange(caret, caret);
    const unkept = (item.unkept || []).map((c) => CLAIM_LABELS[c] || c);
    this.feedback.textContent = unkept.length
      ? `Check before sending: /${item.shortcut} mentions ${unkept.join(" and ")}, which doesn't hold in this conversation.`
      : "";
    this._renderHints();
  }

  /** Put `text` into the reply box (appended after what is there) and focus it for editing. */
  insert(text) {
    this.note.checked = false;
    this.note.dispatchEvent(new Event("change"));
    const current = this.input.value.trim();
    this.input.value = current ? `${current} ${text}` : text;
    this.input.focus();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
  }

  async _send() {
    const text = this.input.value.trim();
    if (!text || this.sending) return;
    const asNote = this.note.checked;
    const id = this.view && this.view.id;
    // Clear at once so the agent can keep typing; a refused message comes back.
    this.sending = true;
    this.input.value = "";
    saveDraft(id, "");
    this.feedback.textContent = "";
    this.hints.hidden = true;
    this.lastTyping = 0;
    if (!asNote) this.actions.typing(false);
    const error = await this.actions.send(text, asNote);
    this.sending = false;
    if (error) {
      this.feedback.textContent = error;
      this.input.value = this.input.value.trim() ? `${text}\n${this.input.value}` : text; // nothing is lost
      saveDraft(id, this.input.value);
    } else if (asNote) {
      this.note.checked = false; // a note is a one-off: the next message goes to the customer again
      this.note.dispatchEvent(new Event("change"));
    }
  }

  /** Send the picked file to the customer; the server's reason shows when it refuses. */
  async _sendFile() {
    const [file] = this.fileInput.files || [];
    this.fileInput.value = "";
    if (!file || this.sending) return;
    this.sending = true;
    this.feedback.textContent = `Sending ${file.name}…`;
    const error = await this.actions.sendFile(file);
    this.sending = false;
    this.feedback.textContent = error || "";
  }

  setEnabled(enabled, reason = "") {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
    this.attachButton.disabled = !enabled;
    for (const button of this.suggestions.querySelectorAll("button")) button.disabled = !enabled;
    this.input.placeholder = enabled
      ? "Write to the customer… (Enter sends, Shift+Enter for a new line, / for canned replies)" : reason;
  }
}
