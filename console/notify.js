/**
 * Visible and audible notices for agents: a toast, a title badge, a WebAudio beep (no audio
 * file, nothing inline: CSP holds) and, while the tab is in the background, a system
 * notification when the agent allowed them. Browsers only allow sound after a user gesture;
 * the sign-in click is one (and asks for the notification permission).
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

/** Ask once, from a user gesture, whether system notifications may be shown. */
export function askForNotifications() {
  if ("Notification" in window && Notification.permission === "default") {
    Notification.requestPermission().catch(() => {});
  }
}

const TONES = { handoff: [660, 880], message: [880, 740] };
const MIN_BEEP_GAP_MS = 1500; // a burst of messages chimes once (a handoff still chimes its own)
const lastBeep = {};

/** Two short tones (rising for a handoff, falling for a message). Returns true when a sound was scheduled. */
export function beep(kind = "handoff") {
  if (!audio || audio.state !== "running") return false;
  const now = Date.now();
  if (now - (lastBeep[kind] || 0) < MIN_BEEP_GAP_MS) return false;
  lastBeep[kind] = now;
  const start = audio.currentTime;
  (TONES[kind] || TONES.handoff).forEach((frequency, i) => {
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

/** True while the agent is looking at this tab. */
export function pageVisible() {
  return document.visibilityState === "visible";
}

/** A system notification while the tab is in the background (when allowed); true when shown. */
export function systemNotice(title, body, tag, onClick) {
  if (pageVisible() || !("Notification" in window) || Notification.permission !== "granted") return false;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      notification.close();
      onClick();
    };
  } catch {
    return false; // some browsers only allow notifications from a service worker
  }
  window.__supportConsoleNotifications = (window.__supportConsoleNotifications || 0) + 1;
  return true;
}

/**
 * A new customer message in a conversation the agent isn't looking at: one toast per
 * conversation (updated, not stacked), a chime, and a system notification in the background.
 * @param {HTMLElement} region
 * @param {{conversationId: number, name: string, text: string, count: number}} notice
 * @param {Function} open called when the agent clicks Open (or the system notification)
 */
export function messageNotice(region, { conversationId, name, text, count }, open) {
  const title = count > 1 ? `${count} new messages from ${name}` : `New message from ${name}`;
  const body = text.length > 140 ? `${text.slice(0, 139)}…` : text;
  for (const old of region.querySelectorAll(`[data-message-for="${Number(conversationId)}"]`)) old.remove();
  beep("message");
  systemNotice(title, body, `conversation-${conversationId}`, open);
  const notice = toast(region, { title, body, action: { label: "Open", run: open } });
  notice.dataset.messageFor = String(conversationId);
  return notice;
}

/** "(2) Support console" while there is something new to look at (waiting customers, unread messages). */
export function titleBadge(count) {
  const base = "Support console";
  document.title = count > 0 ? `(${count}) ${base}` : base;
}
