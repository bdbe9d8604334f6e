/**
 * The left rail: the agent's own conversations on top (with unread counts), then the team
 * inbox: tabs Queue / Mine / All / Resolved / Stuck, a search box and filters (severity,
 * status, age, label), compact cards. Every view comes from the server (`inbox`); the Queue
 * tab without a search also follows the live `queue` snapshot.
 */

import { clear, el, elapsed, parseTime } from "../shared/dom.js";

const SEVERITY_LABEL = { severe: "Severe", elevated: "Elevated", none: "Calm" };
export const VIEWS = [
  ["unassigned", "Queue"], ["mine", "Mine"], ["all", "All"], ["resolved", "Resolved"], ["stuck", "Stuck"],
];
const AGES = [
  ["", "Any age"], ["min:300", "Waiting 5 min+"], ["min:1800", "Waiting 30 min+"],
  ["max:86400", "Last 24 h"], ["max:604800", "Last 7 days"],
];
const STATUSES = [["", "Any status"], ["queued", "Queued"], ["assigned", "Assigned"], ["bot", "With the assistant"],
  ["resolved", "Resolved"]];

export function severityBadge(severity) {
  const key = SEVERITY_LABEL[severity] ? severity : "none";
  return el("span", { class: `badge badge-${key}`, text: SEVERITY_LABEL[key] });
}

export function labelChips(labels, onRemove = null) {
  return (labels || []).map((label) => el("span", { class: "label-chip" }, label,
    onRemove ? el("button", { type: "button", class: "label-remove", "aria-label": `Remove label ${label}`,
      text: "×", onclick: () => onRemove(label) }) : null));
}

/** Wait start as a local timestamp: `waiting_s` at `receivedAt` (immune to clock skew), else `waiting_since`. */
function waitStart(item) {
  if (Number.isFinite(Number(item.waiting_s)) && item.waiting_s !== null && item.waiting_s !== undefined) {
    return (item.receivedAt || Date.now()) - 1000 * Number(item.waiting_s);
  }
  const since = parseTime(item.waiting_since || item.updated_at);
  return Number.isNaN(since) ? Date.now() : since;
}

function lastText(item) {
  const last = item.last_message;
  if (!last) return "";
  return typeof last === "string" ? last : last.text || "";
}

export class QueueView {
  /**
   * @param {object} nodes `queue` (the card list), `mine`, `tabs`, `search`, `filters` from `shell.workspace()`
   * @param {{claim: Function, open: Function, select: Function, query: (q: object) => Promise<object>,
   *   changed: (state: object) => void}} actions
   * @param {object} state the saved `{view, q, severity, status, age, label}`
   */
  constructor(nodes, actions, state = {}) {
    this.nodes = nodes;
    this.queueList = nodes.queue;
    this.mineList = nodes.mine;
    this.actions = actions;
    this.items = [];
    this.state = { view: "unassigned", q: "", severity: "", status: "", age: "", label: "", ...state };
    this.counts = {};
    this.labels = [];
    this.serial = 0;
    this._build();
    this.timer = setInterval(() => this.tick(), 1000);
  }

  _build() {
    this.tabs = new Map();
    clear(this.nodes.tabs);
    for (const [view, label] of VIEWS) {
      const count = el("span", { class: "tab-count" });
      const tab = el("button", { type: "button", role: "tab", class: "inbox-tab", id: `inbox-tab-${view}`,
        dataset: { view }, onclick: () => this.setState({ view }) }, label, count);
      this.tabs.set(view, { tab, count });
      this.nodes.tabs.append(tab);
    }
    const search = el("input", { id: "inbox-q", type: "search", placeholder: "Search name, e-mail, text, order, reason",
      maxlength: 200, value: this.state.q, autocomplete: "off" });
    let debounce = null;
    search.addEventListener("input", () => {
      // Kept at once (a reload right after typing restores it); the server is asked after a pause.
      if (this.actions.changed) this.actions.changed({ ...this.state, q: search.value.trim() });
      clearTimeout(debounce);
      debounce = setTimeout(() => this.setState({ q: search.value.trim() }), 300);
    });
    const select = (id, label, options, key) => {
      const node = el("select", { id, "aria-label": label, onchange: () => this.setState({ [key]: node.value }) },
        options.map(([value, text]) => el("option", { value, text })));
      node.value = this.state[key] || "";
      return node;
    };
    this.labelSelect = select("inbox-label", "Label", [["", "Any label"]], "label");
    clear(this.nodes.search).append(
      el("label", { for: "inbox-q", class: "visually-hidden", text: "Search conversations" }), search,
      el("div", { class: "inbox-filters" },
        select("inbox-severity", "Severity", [["", "Any severity"], ["severe", "Severe"], ["elevated", "Elevated"],
          ["none", "Calm"]], "severity"),
        select("inbox-status", "Status", STATUSES, "status"),
        select("inbox-age", "Age", AGES, "age"),
        this.labelSelect));
    this._markTab();
  }

  _markTab() {
    for (const [view, { tab }] of this.tabs) {
      tab.setAttribute("aria-selected", String(view === this.state.view));
      tab.classList.toggle("active", view === this.state.view);
    }
    this.queueList.setAttribute("aria-label", `${(VIEWS.find(([v]) => v === this.state.view) || [0, ""])[1]} conversations`);
  }

  /** True when the Queue tab shows the live snapshot as it is (no search, no filter). */
  _live() {
    const s = this.state;
    return s.view === "unassigned" && !s.q && !s.severity && !s.status && !s.age && !s.label;
  }

  setState(change) {
    this.state = { ...this.state, ...change };
    this._markTab();
    if (this.actions.changed) this.actions.changed(this.state);
    this.refresh();
  }

  /** The server query for the current state (docs/protocol.md, "Inbox"). */
  query() {
    const s = this.state;
    const q = { view: s.view };
    if (s.q) q.q = s.q;
    for (const key of ["severity", "status", "label"]) if (s[key]) q[key] = s[key];
    if (s.age) {
      const [kind, seconds] = s.age.split(":");
      q[kind === "min" ? "min_age_s" : "max_age_s"] = Number(seconds);
    }
    return q;
  }

  /** Ask the server for the current view (the latest answer wins). */
  async refresh() {
    const serial = ++this.serial;
    const ack = await this.actions.query(this.query());
    if (serial !== this.serial || !ack || !ack.ok) return;
    this.counts = ack.counts || {};
    this.setLabels(ack.labels || []);
    this._renderCounts();
    const now = Date.now();
    this.items = (ack.items || []).map((item) => ({ ...item, receivedAt: now }));
    this.render();
  }

  setLabels(labels) {
    const current = this.state.label;
    this.labels = [...new Set([...labels, ...(current ? [current] : [])])];
    clear(this.labelSelect).append(el("option", { value: "", text: "Any label" }),
      ...this.labels.map((label) => el("option", { value: label, text: label })));
    this.labelSelect.value = current || "";
  }

  _renderCounts() {
    for (const [view, { count }] of this.tabs) {
      const n = this.counts[view];
      count.textContent = n ? ` ${n}` : "";
    }
    if (this.nodes.queueCount) this.nodes.queueCount.textContent = String(this.counts.unassigned || 0);
  }

  /** The live queue snapshot (`queue` event). */
  setQueue(items) {
    this.counts.unassigned = (items || []).length;
    this._renderCounts();
    if (!this._live()) {
      this.refresh();
      return;
    }
    const now = Date.now();
    this.items = (items || []).filter((item) => item.status === undefined || item.status === "queued")
      .map((item) => ({ ...item, receivedAt: now }));
    this.render();
  }

  render() {
    clear(this.queueList);
    if (!this.items.length) {
      const empty = this._live() ? "No one is waiting. New handoffs appear here."
        : this.state.q ? "Nothing matches that search." : "No conversations here.";
      this.queueList.append(el("li", { class: "empty", text: empty }));
      return;
    }
    for (const item of this.items) this.queueList.append(this._card(item));
  }

  _card(item) {
    const customer = item.customer || {};
    const name = customer.name || "Anonymous visitor";
    const queued = item.status === "queued";
    const tier = customer.tier && customer.tier !== "standard" ? el("span", { class: "badge badge-tier", text: customer.tier.toUpperCase() }) : null;
    const wait = el("span", { class: "wait", dataset: { since: String(waitStart(item)) }, text: elapsed(waitStart(item)),
      title: queued ? "Waiting" : "Since the last activity" });
    const assignee = item.assignee;
    const who = !queued && assignee ? `with ${assignee.display_name}${assignee.status === "offline" ? " (offline)" : ""}`
      : !queued ? item.status : "";
    const why = (item.reasons || [])[0];
    const buttons = queued
      ? [el("button", { type: "button", class: "btn btn-primary btn-tiny", text: "Claim",
        "aria-label": `Claim conversation with ${name}`, onclick: () => this.actions.claim(item.conversation_id) }),
      el("button", { type: "button", class: "btn btn-tiny", text: "Preview",
        "aria-label": `Preview conversation with ${name}`, onclick: () => this.actions.open(item.conversation_id) })]
      : [el("button", { type: "button", class: "btn btn-tiny", text: "Open",
        "aria-label": `Open conversation with ${name}`, onclick: () => this.actions.open(item.conversation_id) })];
    if (item.status === "assigned" && assignee && assignee.status === "offline" && this.actions.returnToQueue) {
      buttons.unshift(el("button", { type: "button", class: "btn btn-tiny", text: "Return to queue",
        "aria-label": `Return the conversation with ${name} to the queue`,
        onclick: () => this.actions.returnToQueue(item.conversation_id) }));
    }
    return el("li", { class: `${queued ? "queue-item " : ""}inbox-card sev-${item.severity || "none"}`,
      dataset: { conversationId: item.conversation_id, sessionId: item.session_id || "", status: item.status || "" } },
      el("div", { class: "queue-top" }, severityBadge(item.severity), tier,
        el("span", { class: "queue-name", text: name, title: customer.email || "" }),
        item.returned_at ? el("span", { class: "badge badge-returned", text: "Back", title: "Returned to the queue: first in line" }) : null,
        wait),
      el("p", { class: "queue-last", text: lastText(item) ? `“${lastText(item)}”` : customer.email || "" }),
      el("div", { class: "card-sub" },
        el("span", { class: "card-why", text: [who, why].filter(Boolean).join(" · ") }),
        labelChips(item.labels), el("span", { class: "card-actions" }, buttons)));
  }

  /**
   * Render the agent's conversations.
   * @param {Array<{id: number, name: string, status: string, unread: number, severity: string}>} mine
   * @param {?number} activeId
   */
  setMine(mine, activeId) {
    clear(this.mineList);
    if (this.nodes.mineCount) this.nodes.mineCount.textContent = String(mine.filter((m) => m.status === "yours").length);
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
