/**
 * The agent's composer: suggested validating replies (inserted with one click, editable
 * before sending), reply / private note modes, and typing signals to the customer.
 */

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

/**
 * Fill the phrase bank's placeholders: `{name}` (the customer's first name), `{order}`
 * ("#1042"), `{agent}`. A phrase without a known name still reads naturally.
 */
export function personalise(text, { firstName, order, agent }) {
  return String(text)
    .replace(/\{name\},\s*/g, firstName ? `${firstName}, ` : "")
    .replace(/,\s*\{name\}/g, firstName ? `, ${firstName}` : "")
    .replace(/\{(first_)?name\}/g, firstName || "")
    .replace(/\{order\}/g, order ? `#${order}` : "your order")
    .replace(/\{agent\}/g, agent || "")
    .replace(/^\s*([a-z])/, (m, c) => c.toUpperCase())
    .replace(/\s{2,}/g, " ");
}

export class Composer {
  /**
   * @param {HTMLElement} root
   * @param {{send: (text: string, asNote: boolean) => Promise<boolean>, typing: (on: boolean) => void}} actions
   */
  constructor(root, actions) {
    this.actions = actions;
    this.phraseBank = null;
    this.people = {};
    this.lastTyping = 0;
    this.situation = el("select", { id: "suggest-situation", "aria-label": "Situation for suggestions",
      onchange: () => this._renderSuggestions() });
    this.suggestions = el("div", { class: "suggestions", role: "group", "aria-label": "Suggested replies" });
    this.input = el("textarea", { id: "composer-input", rows: 2, maxlength: 2000,
      placeholder: "Write to the customer… (Enter sends, Shift+Enter for a new line)" });
    this.note = el("input", { type: "checkbox", id: "composer-note" });
    this.sendButton = el("button", { type: "submit", class: "btn btn-primary", text: "Send" });
    this.feedback = el("p", { class: "form-feedback", role: "alert" });
    const form = el("form", { class: "composer-form" },
      el("label", { for: "composer-input", class: "visually-hidden", text: "Message" }),
      this.input,
      el("div", { class: "composer-row" },
        el("label", { class: "note-toggle", for: "composer-note" }, this.note, " Private note (only agents see it)"),
        this.sendButton),
      this.feedback);
    form.addEventListener("submit", (event) => { event.preventDefault(); this._send(); });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); this._send(); }
    });
    this.input.addEventListener("input", () => {
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
    clear(root).append(
      el("div", { class: "suggest-head" }, el("h3", { text: "Suggested replies" }), this.situation),
      this.suggestions, form);
  }

  setPhraseBank(bank) {
    this.phraseBank = bank;
    if (this.view) this.load(this.view, this.people, { freshSituation: true });
  }

  /**
   * The service's situation, unless it is only "general" while an earlier intent names a
   * specific one (e.g. "request_human" after "delivery_late": the late delivery still matters).
   */
  _situationFor(view) {
    const mapping = (this.phraseBank && this.phraseBank.intents) || {};
    if (view.situation && view.situation !== "general") return view.situation;
    for (const { intent } of [...(view.last_intents || [])].reverse()) {
      const situation = intent && mapping[intent];
      if (situation && situation !== "general") return situation;
    }
    return view.situation || "general";
  }

  /**
   * Show suggestions for a conversation view.
   * @param {object} view the conversation view (`situation`, `suggested_replies`)
   * @param {{firstName?: string, order?: string, agent?: string}} people
   */
  load(view, people, { freshSituation = false } = {}) {
    const sameConversation = this.view && this.view.id === view.id;
    this.view = view;
    this.people = people;
    if (!sameConversation) {
      this.input.value = savedDraft(view.id);
      this.feedback.textContent = "";
    }
    const keep = sameConversation && !freshSituation ? this.situation.value : null;
    clear(this.situation);
    const situations = Object.keys((this.phraseBank && this.phraseBank.agent_replies) || SITUATION_LABELS);
    const current = keep && situations.includes(keep) ? keep
      : situations.includes(this._situationFor(view)) ? this._situationFor(view) : situations[0];
    for (const key of situations) {
      this.situation.append(el("option", { value: key, selected: key === current || null, text: SITUATION_LABELS[key] || key }));
    }
    this.situation.value = current || "";
    this._renderSuggestions();
  }

  _renderSuggestions() {
    clear(this.suggestions);
    const key = this.situation.value;
    const fromView = key === (this.view && this.view.situation) ? (this.view.suggested_replies || []) : [];
    const bank = this.phraseBank || {};
    const fuller = (bank.agent_replies && bank.agent_replies[key]) || [];
    const short = (bank.situations && bank.situations[key]) || [];
    const seen = new Set();
    for (const phrase of [...fromView, ...fuller, ...short]) {
      const text = personalise(typeof phrase === "string" ? phrase : phrase.text || "", this.people);
      if (!text || seen.has(text)) continue;
      seen.add(text);
      this.suggestions.append(el("button", {
        type: "button", class: "suggestion", text,
        title: "Insert into the reply box (you can edit it before sending)",
        onclick: () => this.insert(text),
      }));
    }
    if (!seen.size) this.suggestions.append(el("p", { class: "ctx-small", text: "No suggestions for this situation." }));
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

  setEnabled(enabled, reason = "") {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
    for (const button of this.suggestions.querySelectorAll("button")) button.disabled = !enabled;
    this.input.placeholder = enabled ? "Write to the customer… (Enter sends, Shift+Enter for a new line)" : reason;
  }
}
