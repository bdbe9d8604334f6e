/**
 * A conversation's transcript for the agent: customer, bot, agent, system and private
 * notes look different, and the detector's finding is shown inline under the customer
 * message where it fired (with the bot's reading of the intent).
 */

import { attachmentNode } from "../shared/attachments.js";
import { clockTime, el } from "../shared/dom.js";

const WHO = { customer: "Customer", bot: "Assistant", agent: "Agent", system: "System" };

/** One transcript row. */
export function messageRow(message, customerName) {
  const sender = WHO[message.sender] ? message.sender : "system";
  const isNote = Boolean(message.private);
  let who = WHO[sender];
  if (sender === "customer" && customerName) who = customerName;
  if (sender === "agent" && message.agent_name) who = message.agent_name;
  if (isNote) who = sender === "system" ? "System note" : `Private note · ${message.agent_name || "agent"}`;
  const detection = message.detection && message.detection.severity && message.detection.severity !== "none"
    ? message.detection : null;
  const parse = message.parse && message.parse.intent ? message.parse : null;
  const buttons = message.quick_replies || message.buttons || [];
  return el("li", {
    class: `msg msg-${sender}${isNote ? " msg-note" : ""}`,
    dataset: { seq: message.seq ?? "", sender, private: isNote ? "true" : "false" },
  },
  el("div", { class: "msg-meta" },
    el("span", { class: "msg-who", text: who }),
    el("time", { text: clockTime(message.created_at) }),
    parse ? el("span", { class: "msg-intent", title: "The assistant's reading of this message",
      text: `${parse.intent}${parse.confidence !== undefined ? ` ${Math.round(Number(parse.confidence) * 100)}%` : ""}` }) : null),
  body(message),
  buttons.length ? el("p", { class: "msg-buttons", text: `Offered: ${buttons.map((b) => b.title).join(" · ")}` }) : null,
  detection ? el("div", { class: `detection detection-${detection.severity}`, role: "note" },
    el("strong", { text: `Detector: ${detection.severity}${detection.score !== undefined ? ` (${Number(detection.score).toFixed(2)})` : ""}` }),
    el("ul", {}, (detection.reasons || []).map((reason) => el("li", { text: reason })))) : null);
}

/** The message's text, or its photo (inline) / document (a link). */
function body(message) {
  const shown = message.attachment && message.attachment.url ? attachmentNode(message.attachment, "msg") : null;
  if (shown) return el("div", { class: "msg-text msg-has-attachment" }, shown);
  return el("p", { class: "msg-text", text: message.text || "" });
}

export class TranscriptView {
  /** @param {HTMLElement} list the `<ol>` to fill */
  constructor(list) {
    this.list = list;
    this.seqs = new Set();
    this.messages = [];
    this.customerName = null;
  }

  /** Replace everything with `messages` (a conversation view's transcript). */
  reset(messages, customerName) {
    this.list.replaceChildren();
    this.seqs.clear();
    this.messages = [];
    this.customerName = customerName;
    for (const message of [...messages].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) this.add(message);
  }

  /** A clicked quick reply is stored as its payload ("/affirm"): show the button's title too. */
  _displayText(message) {
    const text = message.text || "";
    if (message.sender !== "customer" || !text.startsWith("/")) return text;
    for (const other of this.messages) {
      const match = (other.quick_replies || other.buttons || []).find((b) => b.payload === text);
      if (match) return `${match.title} (${text})`;
    }
    return text;
  }

  /** Add one message in seq order; a seq already shown is ignored. */
  add(message) {
    if (Number.isInteger(message.seq)) {
      if (this.seqs.has(message.seq)) return false;
      this.seqs.add(message.seq);
    }
    this.messages.push(message);
    const row = messageRow({ ...message, text: this._displayText(message) }, this.customerName);
    const later = Number.isInteger(message.seq)
      ? [...this.list.children].find((node) => Number(node.dataset.seq) > message.seq) : null;
    if (later) this.list.insertBefore(row, later);
    else this.list.append(row);
    this.list.parentElement.scrollTop = this.list.parentElement.scrollHeight;
    return true;
  }
}
