/**
 * Conversation review: search transcripts (text, intent, reason, dates, CSAT), read one,
 * and download it as a Rasa test story. All text is set with textContent.
 */

import { downloadStory, searchConversations, transcript } from "./insights-api.js";
import { clear, el } from "../shared/dom.js";

const SENDERS = { customer: "Customer", bot: "Assistant", agent: "Agent", system: "System" };

function field(id, label, input) {
  input.id = id;
  input.name = id;
  return el("div", { class: "field" }, el("label", { for: id, text: label }), input);
}

export class Review {
  /**
   * @param {HTMLElement} root where the panel goes
   * @param {() => string} token the session token
   * @param {(error: Error) => void} onError shows a failure (401 signs out)
   */
  constructor(root, token, onError) {
    this.token = token;
    this.onError = onError;
    this.since = "30d";
    this.inputs = {
      text: el("input", { type: "search", placeholder: "words in the transcript" }),
      intent: el("select", {}, el("option", { value: "", text: "any intent" })),
      reason: el("input", { type: "search", placeholder: "e.g. detector, chargeback" }),
      from: el("input", { type: "date" }),
      to: el("input", { type: "date" }),
      csat_min: el("select", {}, ...["", "1", "2", "3", "4", "5"].map((v) => el("option", { value: v, text: v || "any" }))),
      csat_max: el("select", {}, ...["", "1", "2", "3", "4", "5"].map((v) => el("option", { value: v, text: v || "any" }))),
    };
    const form = el("form", { class: "review-form", "aria-label": "Search transcripts" },
      field("q-text", "Text", this.inputs.text), field("q-intent", "Intent", this.inputs.intent),
      field("q-reason", "Handoff reason", this.inputs.reason), field("q-from", "From", this.inputs.from),
      field("q-to", "To", this.inputs.to), field("q-csat-min", "CSAT at least", this.inputs.csat_min),
      field("q-csat-max", "CSAT at most", this.inputs.csat_max),
      el("button", { type: "submit", class: "btn btn-primary", text: "Search" }));
    form.addEventListener("submit", (event) => { event.preventDefault(); this.search(); });
    this.count = el("p", { class: "review-count", "aria-live": "polite" });
    this.results = el("ol", { class: "review-results", "aria-label": "Matching conversations" });
    this.detail = el("section", { class: "review-detail", "aria-label": "Transcript", hidden: true });
    root.append(el("h2", { text: "Conversation review" }), form,
      el("div", { class: "review-grid" }, el("div", {}, this.count, this.results), this.detail));
  }

  /** Offer the period's intents in the filter. */
  setIntents(intents) {
    const keep = this.inputs.intent.value;
    clear(this.inputs.intent).append(el("option", { value: "", text: "any intent" }),
      ...intents.map((name) => el("option", { value: name, text: name })));
    this.inputs.intent.value = intents.includes(keep) ? keep : "";
  }

  async search() {
    const filters = Object.fromEntries(Object.entries(this.inputs).map(([k, input]) => [k, input.value.trim()]));
    filters.since = this.since;
    try {
      const found = await searchConversations(this.token(), filters);
      this.count.textContent = `${found.total} conversation${found.total === 1 ? "" : "s"}` +
        (found.total > found.results.length ? ` (newest ${found.results.length} shown)` : "");
      clear(this.results).append(...found.results.map((row) => this.row(row)));
    } catch (error) {
      this.onError(error);
    }
  }

  row(row) {
    const meta = [row.created_at.replace("T", " "), row.handed_off ? `handed off (${row.sources.join(", ")})` : "bot only",
      row.csat ? `CSAT ${row.csat}` : null, row.demo ? "demo" : null].filter(Boolean).join(" · ");
    const open = el("button", { type: "button", class: "review-open", dataset: { id: String(row.id) } },
      el("strong", { text: `#${row.id}` }), el("span", { class: "review-meta", text: meta }),
      el("span", { class: "review-snippet", text: row.snippet }));
    open.addEventListener("click", () => this.open(row.id));
    return el("li", {}, open);
  }

  /** Show one transcript with its story button. */
  async open(id) {
    let conv;
    try {
      conv = await transcript(this.token(), id);
    } catch (error) {
      this.onError(error);
      return;
    }
    const story = el("button", { type: "button", class: "btn", id: "download-story", text: "Download test story" });
    const status = el("span", { class: "review-meta", role: "status" });
    story.addEventListener("click", async () => {
      try {
        await downloadStory(this.token(), conv.id);
        status.textContent = `Saved conversation-${conv.id}.yml: fix it, then add it to tests/stories/.`;
      } catch (error) {
        status.textContent = error.message;
      }
    });
    const facts = [conv.status, conv.disposition, conv.csat ? `CSAT ${conv.csat}` : null, conv.demo ? "generated demo data" : null,
      ...conv.handoffs.map((h) => `handoff: ${h.source}${h.reasons.length ? ` (${h.reasons.join(", ")})` : ""}`)];
    const lines = conv.lines.map((line) => el("li", { class: `line line-${line.sender}${line.private ? " line-private" : ""}` },
      el("span", { class: "line-who", text: `${SENDERS[line.sender] || line.sender}${line.private ? " (note)" : ""}` }),
      el("span", { class: "line-text", text: line.text }),
      line.sender === "customer" ? el("span", { class: `line-tag sev-${line.severity}`,
        text: [line.intent, line.severity !== "none" ? line.severity : null].filter(Boolean).join(" · ") }) : null));
    clear(this.detail).append(
      el("div", { class: "review-detail-head" }, el("h3", { id: "review-title", text: `Conversation #${conv.id}` }), story),
      el("p", { class: "review-meta", text: facts.filter(Boolean).join(" · ") }), status,
      el("ol", { class: "review-lines", "aria-labelledby": "review-title" }, ...lines));
    this.detail.hidden = false;
    this.detail.scrollIntoView({ block: "nearest" });
  }
}
