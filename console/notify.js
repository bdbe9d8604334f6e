/**
 * Visible and audible notices for agents: a toast, a title badge and a WebAudio beep
 * (no audio file). Browsers only allow sound after a user gesture; the sign-in click is one.
 */

import { el } from "../shared/dom.js";

let audio = null;

/** Create (or resume) the audio context; call from a user gesture such as sign-in. */
export function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  if (!audio) audio = new Context();
  if (audio.state === "suspended") audio.resume().catch(() => {});
}

/** Two short rising tones. Returns true when a sound was scheduled. */
export function beep() {
  if (!audio || audio.state !== "running") return false;
  const start = audio.currentTime;
  [660, 880].forEach((frequency, i) => {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    const t = start + i * 0.16;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.14);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(t);
    oscillator.stop(t + 0.15);
  });
  window.__supportConsoleBeeps = (window.__supportConsoleBeeps || 0) + 1;
  return true;
}

/**
 * Show a toast in `region` (an ARIA live region) for `ms` milliseconds.
 * @param {HTMLElement} region
 * @param {{title: string, body?: string, tone?: string, action?: {label: string, run: Function}}} notice
 */
export function toast(region, { title, body, tone = "info", action }, ms = 9000) {
  const close = el("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", text: "×" });
  const node = el("div", { class: `toast toast-${tone}`, role: tone === "alert" ? "alert" : "status" },
    el("div", { class: "toast-body" }, el("strong", { text: title }), body ? el("p", { text: body }) : null),
    action ? el("button", { type: "button", class: "btn btn-primary btn-small", text: action.label,
      onclick: () => { node.remove(); action.run(); } }) : null,
    close);
  close.addEventListener("click", () => node.remove());
  region.append(node);
  setTimeout(() => node.remove(), ms);
  return node;
}

/**
 * The toast and beep for a new handoff, with a Claim button.
 * @param {HTMLElement} region
 * @param {object} item a queue item (`conversation_id`, `customer`, `severity`, `reasons`, `last_message`)
 * @param {Function} claim called when the agent clicks Claim
 */
export function handoffNotice(region, item, claim) {
  const name = (item.customer && item.customer.name) || "A visitor";
  const why = (item.reasons || [])[0] || item.last_message || "asked for help";
  beep();
  const notice = toast(region, {
    title: `New handoff: ${name} (${item.severity || "none"})`, body: why, tone: item.severity === "severe" ? "alert" : "info",
    action: { label: "Claim", run: claim },
  });
  notice.dataset.conversationId = String(item.conversation_id);
  return notice;
}

/** "(2) Support console" while there is something new to look at. */
export function titleBadge(count) {
  const base = "Support console";
  document.title = count > 0 ? `(${count}) ${base}` : base;
}
