/**
 * The head of an open conversation: who, status and why it was handed off.
 */

import { clear, el } from "../shared/dom.js";
import { severityBadge } from "./queue-view.js";

const SOURCES = {
  detector: "handed off: the customer is upset",
  customer: "handed off: the customer asked for a person",
  bot: "handed off by the assistant",
  fallback: "handed off: the assistant kept missing the point",
  rasa_down: "handed off: the assistant was unavailable",
  high_stakes: "handed off: high-stakes topic",
};

/** The customer's name, or "Anonymous visitor". */
export function customerName(view) {
  return (view.customer && view.customer.name) || "Anonymous visitor";
}

/**
 * Fill the header nodes for `view`.
 * @param {object} nodes from `shell.workspace()`
 * @param {object} view the conversation view
 * @param {boolean} mine whether the signed-in agent holds it
 * @param {{claim: Function, close: Function}} actions
 */
export function renderHeader(nodes, view, mine, actions) {
  nodes.convTitle.textContent = customerName(view);
  const source = view.handoff && view.handoff.source;
  const intents = (view.last_intents || []).filter((i) => i.intent).slice(-3).map((i) => i.intent);
  clear(nodes.convMeta).append(severityBadge(view.severity),
    ` ${mine ? "Assigned to you" : view.status}${source ? ` · ${SOURCES[source] || source}` : ""}`,
    intents.length ? ` · recent intents: ${intents.join(", ")}` : "");
  const reasons = view.reasons || (view.handoff && view.handoff.reasons) || [];
  clear(nodes.convReasons).append(reasons.length
    ? el("div", { class: "reasons-box", role: "note" }, el("strong", { text: "Why it was handed off: " }),
      el("ul", { class: "reasons" }, reasons.map((r) => el("li", { text: r }))))
    : el("p", { class: "ctx-small", text: "No detector reasons recorded." }));
  clear(nodes.convHeaderActions);
  if (!mine && view.status === "queued") {
    nodes.convHeaderActions.append(el("button", { type: "button", class: "btn btn-primary", text: "Claim", onclick: actions.claim }));
  }
  nodes.convHeaderActions.append(el("button", { type: "button", class: "btn btn-ghost btn-small", text: "Close tab", onclick: actions.close }));
}
