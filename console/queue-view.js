/**
 * The left rail: the waiting queue (severity, reasons, ticking wait, customer and value)
 * and the agent's own open conversations with unread counts.
 */

import { clear, el, elapsed, parseTime } from "../shared/dom.js";

const SEVERITY_LABEL = { severe: "Severe", elevated: "Elevated", none: "Calm" };

export function severityBadge(severity) {
  const key = SEVERITY_LABEL[severity] ? severity : "none";
  return el("span", { class: `badge badge-${key}`, text: SEVERITY_LABEL[key] });
}

/** Wait start as a local timestamp: `waiting_s` at `receivedAt` (immune to clock skew), else `waiting_since`. */
function waitStart(item) {
  if (Number.isFinite(Number(item.waiting_s)) && item.waiting_s !== null) {
    return (item.receivedAt || Date.now()) - 1000 * Number(item.waiting_s);
  }
  const since = parseTime(item.waiting_since);
  return Number.isNaN(since) ? Date.now() : since;
}

export class QueueView {
  /**
   * @param {HTMLElement} queueList `<ol>` for waiting conversations
   * @param {HTMLElement} mineList `<ol>` for the agent's open conversations
   * @param {{claim: (id: number) => void, open: (id: number) => void, select: (id: number) => void}} actions
   */
  constructor(queueList, mineList, actions) {
    this.queueList = queueList;
    this.mineList = mineList;
    this.actions = actions;
    this.items = [];
    this.timer = setInterval(() => this.tick(), 1000);
  }

  /** Replace the queue snapshot. */
  setQueue(items) {
    const now = Date.now();
    this.items = (items || []).filter((item) => item.status === undefined || item.status === "queued")
      .map((item) => ({ ...item, receivedAt: now }));
    this.renderQueue();
  }

  renderQueue() {
    clear(this.queueList);
    if (!this.items.length) {
      this.queueList.append(el("li", { class: "empty", text: "No one is waiting. New handoffs appear here." }));
      return;
    }
    for (const item of this.items) this.queueList.append(this._queueItem(item));
  }

  _queueItem(item) {
    const customer = item.customer || {};
    const name = customer.name || "Anonymous visitor";
    const value = customer.lifetime_value !== undefined && customer.lifetime_value !== null
      ? ` · $${Number(customer.lifetime_value).toLocaleString("en-US")}` : "";
    const tier = customer.tier && customer.tier !== "standard" ? el("span", { class: "badge badge-tier", text: customer.tier.toUpperCase() }) : null;
    const reasons = (item.reasons || []).slice(0, 3).map((reason) => el("li", { text: reason }));
    const wait = el("span", { class: "wait", dataset: { since: String(waitStart(item)) }, text: elapsed(waitStart(item)) });
    return el("li", { class: `queue-item sev-${item.severity || "none"}`,
      dataset: { conversationId: item.conversation_id, sessionId: item.session_id || "" } },
      el("div", { class: "queue-top" }, severityBadge(item.severity), tier,
        el("span", { class: "queue-name", text: name }), wait),
      el("p", { class: "queue-value", text: `${customer.email || (customer.id ? `Customer #${customer.id}` : "Not signed in")}${value}` }),
      item.last_message ? el("p", { class: "queue-last", text: `“${item.last_message}”` }) : null,
      reasons.length ? el("ul", { class: "reasons", "aria-label": "Why this was handed off" }, reasons) : null,
      el("div", { class: "queue-actions" },
        el("button", { type: "button", class: "btn btn-primary btn-small", text: "Claim",
          "aria-label": `Claim conversation with ${name}`, onclick: () => this.actions.claim(item.conversation_id) }),
        el("button", { type: "button", class: "btn btn-small", text: "Preview",
          "aria-label": `Preview conversation with ${name}`, onclick: () => this.actions.open(item.conversation_id) })));
  }

  /**
   * Render the agent's conversations.
   * @param {Array<{id: number, name: string, status: string, unread: number, severity: string}>} mine
   * @param {?number} activeId
   */
  setMine(mine, activeId) {
    clear(this.mineList);
    if (!mine.length) {
      this.mineList.append(el("li", { class: "empty", text: "Claim a conversation to start." }));
      return;
    }
    for (const item of mine) {
      const unread = item.unread > 0
        ? el("span", { class: "unread", "aria-label": `${item.unread} unread`, text: String(item.unread) }) : null;
      this.mineList.append(el("li", {},
        el("button", {
          type: "button", class: `mine-item${item.id === activeId ? " active" : ""}`,
          "aria-current": item.id === activeId ? "true" : null,
          dataset: { conversationId: item.id },
          onclick: () => this.actions.select(item.id),
        }, severityBadge(item.severity), el("span", { class: "mine-name", text: item.name }),
        el("span", { class: "mine-status", text: item.status }), unread)));
    }
  }

  tick() {
    for (const node of this.queueList.querySelectorAll(".wait")) {
      node.textContent = elapsed(Number(node.dataset.since));
    }
  }

  destroy() {
    clearInterval(this.timer);
  }
}
