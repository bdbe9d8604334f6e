/**
 * The handoff summary at the top of an open conversation (`view.summary`, built by the
 * service: handoff/service/summary.py): who the customer is, what they want, what the bot
 * already did, how their mood moved, what they wait for; the next best action (a grant with
 * one click, through the console's own grant request) and a recap sentence to send.
 * Text only (shared/dom.js); the panel sits right under the conversation header.
 */

import { clear, el } from "../shared/dom.js";

/**
 * @typedef {object} SummaryActions
 * @property {(grant: object) => Promise<?string>} grant the console's grant request; resolves to an error text or null
 * @property {(text: string) => Promise<?string>} send sends `text` to the customer; an error text or null
 */

export class SummaryView {
  /**
   * @param {HTMLElement} conversation the conversation section (the panel goes after its `.conv-header`)
   * @param {SummaryActions} actions
   */
  constructor(conversation, actions) {
    this.actions = actions;
    this.root = el("section", { class: "handoff-summary", "aria-label": "Handoff summary", hidden: true });
    const header = conversation.querySelector(".conv-header");
    if (header) header.after(this.root);
    else conversation.prepend(this.root);
    this.collapsed = new Set(); // conversation ids the agent folded
    this.variant = new Map(); // conversation id -> recap wording shown
  }

  /** @param {object} view the conversation view @param {boolean} mine whether the agent holds it */
  render(view, mine) {
    const summary = view && view.summary;
    clear(this.root);
    this.root.hidden = !summary;
    if (!summary) return;
    const id = view.id;
    const toggle = el("button", { type: "button", class: "btn btn-ghost btn-small summary-toggle",
      "aria-expanded": String(!this.collapsed.has(id)), text: this.collapsed.has(id) ? "Show" : "Hide" });
    toggle.addEventListener("click", () => {
      if (this.collapsed.has(id)) this.collapsed.delete(id); else this.collapsed.add(id);
      this.render(view, mine);
    });
    this.root.append(el("div", { class: "summary-head" },
      el("h3", { text: "Handoff summary" }), el("p", { class: "summary-want", text: summary.want || "" }), toggle));
    if (this.collapsed.has(id)) return;
    const mood = summary.mood || {};
    const facts = el("dl", { class: "summary-facts" },
      fact("Who", summary.who && summary.who.text),
      fact("Done so far", list(summary.done, "Nothing yet beyond the conversation.")),
      fact("Mood", mood.text ? el("span", { class: `summary-mood mood-${mood.now || "none"}`, text: mood.text }) : "No detector findings yet."),
      mood.peak_reasons && mood.peak_reasons.length ? fact("Strongest signs", mood.peak_reasons.join(" · ")) : null,
      fact("Waiting for", list(summary.waiting_for, "Nothing pending.")));
    this.root.append(facts, this._nextAction(summary.next_best_action, mine), this._recap(id, summary.recap, mine));
  }

  _nextAction(action, mine) {
    if (!action) return null;
    const feedback = el("p", { class: "form-feedback", role: "alert" });
    const box = el("div", { class: `summary-action summary-action-${action.kind}` },
      el("h4", { text: "Next best action" }),
      el("p", { class: "summary-action-label", text: action.label }),
      action.kind === "grant" && action.why ? el("p", { class: "ctx-small", text: action.why }) : null);
    if (action.kind === "grant" && action.grant) {
      const button = el("button", { type: "button", class: "btn btn-primary", id: "summary-grant",
        disabled: !mine, text: mine ? action.label : "Claim to grant" });
      button.addEventListener("click", async () => {
        button.disabled = true;
        feedback.textContent = "";
        const error = await this.actions.grant(action.grant);
        button.disabled = false;
        if (error) feedback.textContent = error;
      });
      box.append(button, feedback);
    }
    return box;
  }

  _recap(id, recap, mine) {
    if (!recap || !recap.text) return null;
    const variations = recap.variations && recap.variations.length ? recap.variations : [recap.text];
    const start = Math.max(0, variations.indexOf(recap.text));
    const index = this.variant.has(id) ? this.variant.get(id) % variations.length : start;
    const text = variations[index];
    const quote = el("blockquote", { class: "summary-recap-text", text });
    const feedback = el("p", { class: "form-feedback", role: "alert" });
    const send = el("button", { type: "button", class: "btn", id: "summary-send-recap", disabled: !mine,
      text: mine ? "Send recap" : "Claim to send" });
    send.addEventListener("click", async () => {
      send.disabled = true;
      feedback.textContent = "";
      const error = await this.actions.send(text);
      send.disabled = false;
      if (error) feedback.textContent = error;
      else { feedback.classList.add("ok"); feedback.textContent = "Recap sent."; }
    });
    const other = variations.length > 1 ? el("button", { type: "button", class: "btn btn-ghost btn-small",
      text: "Other wording", onclick: () => { this.variant.set(id, index + 1); this._swap(id, recap, mine); } }) : null;
    return el("div", { class: "summary-recap" }, el("h4", { text: "Recap to check you've understood" }), quote,
      el("div", { class: "flow-row" }, send, other), feedback);
  }

  _swap(id, recap, mine) {
    const old = this.root.querySelector(".summary-recap");
    if (old) old.replaceWith(this._recap(id, recap, mine));
  }
}

function fact(term, value) {
  return [el("dt", { text: term }), el("dd", {}, value || "")];
}

function list(items, empty) {
  return items && items.length ? el("ul", {}, items.map((item) => el("li", { text: item }))) : empty;
}
