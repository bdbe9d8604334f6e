/**
 * The insights charts (Chart.js, vendored in console/vendor, read as the global `Chart`).
 * Each function replaces the chart on its canvas; animation is off so what you see is final.
 */

const COLORS = { accent: "#2f5d62", soft: "#8fd3cf", warn: "#b54708", severe: "#b42318", muted: "#98a2b3" };
const charts = new Map();

function draw(canvas, config) {
  if (charts.has(canvas)) charts.get(canvas).destroy();
  const Chart = globalThis.Chart;
  const chart = new Chart(canvas, {
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } }, ...config.options },
  });
  charts.set(canvas, chart);
  return chart;
}

export function daily(canvas, days) {
  return draw(canvas, {
    type: "bar",
    data: {
      labels: days.map((d) => d.date.slice(5)),
      datasets: [
        { label: "Contained by the bot", data: days.map((d) => d.conversations - d.handed_off), backgroundColor: COLORS.soft, stack: "c" },
        { label: "Handed to a person", data: days.map((d) => d.handed_off), backgroundColor: COLORS.accent, stack: "c" },
      ],
    },
    options: { scales: { x: { stacked: true, ticks: { maxTicksLimit: 12 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

export function reasons(canvas, counts) {
  const labels = Object.keys(counts);
  return draw(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: "Handoffs", data: labels.map((k) => counts[k]), backgroundColor: COLORS.accent }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

export function escalation(canvas, byIntent) {
  const rows = Object.entries(byIntent).filter(([, v]) => v.conversations >= 3).slice(0, 10);
  return draw(canvas, {
    type: "bar",
    data: {
      labels: rows.map(([intent, v]) => `${intent === "unknown" ? "no clear topic" : intent} (${v.conversations})`),
      datasets: [{ label: "Handed off", data: rows.map(([, v]) => Math.round((v.rate || 0) * 100)), backgroundColor: COLORS.warn }],
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } } },
  });
}

export function csat(canvas, distribution) {
  const labels = ["1", "2", "3", "4", "5"];
  return draw(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: "Ratings", data: labels.map((k) => distribution[k] || 0),
      backgroundColor: [COLORS.severe, COLORS.warn, COLORS.muted, COLORS.soft, COLORS.accent] }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

export function grants(canvas, byKind) {
  const labels = Object.keys(byKind);
  return draw(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: "Amount (USD)", data: labels.map((k) => byKind[k].amount), backgroundColor: COLORS.accent }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  });
}
