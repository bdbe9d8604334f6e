/**
 * The insights page (/console/insights): support metrics, charts, empathy gaps linked to
 * their transcripts, and conversation review. Signs in like the console (the same session
 * token in sessionStorage), so an agent coming from the console is already signed in.
 */

import { login } from "./agent-client.js";
import { tokenStore } from "./session.js";
import * as charts from "./insights-charts.js";
import { report } from "./insights-api.js";
import { Review } from "./insights-review.js";
import { signInScreen } from "./shell.js";
import { clear, el } from "../shared/dom.js";

const app = document.getElementById("app");
const PERIODS = [["7d", "Last 7 days"], ["30d", "Last 30 days"], ["90d", "Last 90 days"]];

const pct = (v) => (v === null || v === undefined ? "–" : `${Math.round(v * 100)}%`);
const usd = (v) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(v || 0);
function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  return seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}
const mean = (v) => (v === null || v === undefined ? "–" : v.toFixed(1));

function card(label, value, detail, key) {
  return el("div", { class: "kpi", dataset: { key } }, el("span", { class: "kpi-label", text: label }),
    el("strong", { class: "kpi-value", text: value }), el("span", { class: "kpi-detail", text: detail || "" }));
}

function chartBox(title, id) {
  const canvas = el("canvas", { id, role: "img", "aria-label": title });
  return { canvas, box: el("figure", { class: "chart" }, el("figcaption", { text: title }), el("div", { class: "chart-area" }, canvas)) };
}

class InsightsPage {
  constructor(token) {
    this.token = token;
    this.period = el("select", { id: "period", "aria-label": "Period" },
      ...PERIODS.map(([value, label]) => el("option", { value, text: label })));
    this.period.value = "30d";
    this.period.addEventListener("change", () => this.load());
    const signOut = el("button", { type: "button", class: "btn btn-ghost btn-small", text: "Sign out" });
    signOut.addEventListener("click", () => showSignIn());
    this.notice = el("p", { class: "insights-notice", role: "status" });
    this.kpis = el("section", { class: "kpis", "aria-label": "Key figures" });
    this.charts = {
      daily: chartBox("Conversations per day", "chart-daily"), reasons: chartBox("Why conversations were handed off", "chart-reasons"),
      escalation: chartBox("Handed off, by topic", "chart-escalation"), csat: chartBox("CSAT ratings", "chart-csat"),
      grants: chartBox("Grants by kind (amount)", "chart-grants"),
    };
    this.gaps = el("ol", { class: "gaps", "aria-label": "Empathy gaps" });
    const reviewRoot = el("section", { class: "review panel", id: "review" });
    clear(app).append(
      el("header", { class: "topbar" },
        el("div", { class: "brand" }, el("span", { class: "brand-mark", "aria-hidden": "true", text: "◆" }), "Support insights"),
        el("div", { class: "topbar-right" }, el("a", { class: "topbar-link", href: "/console", text: "Console" }), this.period, signOut)),
      el("main", { class: "insights" }, this.notice, this.kpis,
        el("section", { class: "charts", "aria-label": "Charts" }, ...Object.values(this.charts).map((c) => c.box)),
        el("section", { class: "panel" }, el("h2", { text: "Empathy gaps" }),
          el("p", { class: "panel-sub", text: "Where the transcripts show our wording letting customers down. Open an example to read it." }),
          this.gaps),
        reviewRoot));
    this.review = new Review(reviewRoot, () => this.token, (error) => this.fail(error));
    this.load();
  }

  fail(error) {
    if (error.status === 401) showSignIn("Your session expired. Please sign in again.");
    else this.notice.textContent = error.message;
  }

  async load() {
    this.notice.textContent = "Loading…";
    let data;
    try {
      data = await report(this.token, this.period.value);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.review.since = this.period.value;
    this.notice.textContent = data.demo_conversations
      ? `${data.demo_conversations} of these ${data.conversations} conversations are generated demo history.` : "";
    this.renderFigures(data);
    charts.daily(this.charts.daily.canvas, data.daily);
    charts.reasons(this.charts.reasons.canvas, data.handoff_reasons);
    charts.escalation(this.charts.escalation.canvas, data.escalation_by_intent);
    charts.csat(this.charts.csat.canvas, data.csat.distribution);
    charts.grants(this.charts.grants.canvas, data.grants.by_kind);
    this.renderGaps(data.empathy_gaps);
    this.review.setIntents(Object.keys(data.escalation_by_intent).filter((name) => name !== "unknown").sort());
    document.body.dataset.loaded = this.period.value;
  }

  renderFigures(d) {
    const t = d.time_to_first_agent_reply_s;
    const r = d.resolution_time_s;
    const g = d.grants;
    clear(this.kpis).append(
      card("Conversations", String(d.conversations), `${d.open_conversations} open with a person`, "conversations"),
      card("Contained by the bot", pct(d.contained_rate), "ended without a person", "contained_rate"),
      card("Handed off", pct(d.handoff_rate), `${Object.values(d.handoff_reasons).reduce((a, b) => a + b, 0)} handoffs`, "handoff_rate"),
      card("First agent reply", duration(t.p50), `p90 ${duration(t.p90)} · ${t.count} replies`, "time_to_first_agent_reply_s"),
      card("Resolution time", duration(r.p50), `p90 ${duration(r.p90)} · ${r.count} resolved`, "resolution_time_s"),
      card("CSAT", mean(d.csat.mean), `bot only ${mean(d.csat.bot_only.mean)} (${d.csat.bot_only.count}) · ` +
        `with a person ${mean(d.csat.with_person.mean)} (${d.csat.with_person.count})`, "csat"),
      card("Reopened within 7 days", pct(d.reopened_within_7d_rate), `${d.reopened_within_7d.reopened} of ${d.reopened_within_7d.resolved} resolved`, "reopened_within_7d_rate"),
      card("Grants", usd(g.amount), `${g.count} · bot ${usd(g.by_actor.bot.amount)} · agents ${usd(g.by_actor.agent.amount)}`, "grants"));
  }

  renderGaps(gaps) {
    if (!gaps.length) {
      clear(this.gaps).append(el("li", { class: "gap-empty", text: "No empathy gaps stand out in this period." }));
      return;
    }
    clear(this.gaps).append(...gaps.map((gap) => el("li", { class: `gap gap-${gap.kind}` },
      el("p", { class: "gap-finding", text: gap.finding }),
      el("p", { class: "gap-examples" }, "Examples: ", ...gap.conversation_ids.slice(0, 6).map((id) => {
        const link = el("button", { type: "button", class: "btn btn-small gap-example", text: `#${id}` });
        link.addEventListener("click", () => this.review.open(id));
        return link;
      })))));
  }
}

function showSignIn(notice = "") {
  tokenStore.clear();
  clear(app).append(signInScreen(async (username, password) => {
    try {
      const { token } = await login(username, password);
      tokenStore.set(token);
      new InsightsPage(token);
      return null;
    } catch (error) {
      return error.message;
    }
  }, notice));
  document.getElementById("username").focus();
}

const saved = tokenStore.get();
if (saved) new InsightsPage(saved);
else showSignIn();
