/**
 * Struggle signals a shop page reports to the support service (`struggle`, docs/protocol.md).
 *
 * The service decides whether a signal is worth an offer of help (policy/proactive.yml);
 * this module only notices and reports, with a `context` that says where, never what the
 * customer typed (no passwords, no card numbers):
 *
 * - `failures(report, signal, context)`: call the returned function on each failed sign-in
 *   (`login_failed`) or payment (`payment_error`); it reports the running count.
 * - `watchRageClicks(root, report)`: `rage_click` when one element is clicked at least
 *   `clicks` times within `withinMs` (count = the clicks in that burst).
 * - `watchDwell(section, report)`: `help_dwell` every `everyS` seconds the pointer or the
 *   keyboard focus stays on `section` (count = the seconds so far, at most `maxReports` times).
 *
 * `report(signal, count, context)` is the caller's (the demo shop sends it through the chat).
 * Each watcher returns a function that stops it.
 */

/** A short, non-sensitive name for an element: its label or text, trimmed. */
export function describe(element) {
  const named = element.getAttribute("aria-label") || element.dataset.struggleName || element.textContent || "";
  const text = named.replace(/\s+/g, " ").trim().slice(0, 60);
  return { element: text || element.tagName.toLowerCase(), id: element.id || undefined };
}

/** A counter of failures of one kind; each call reports the new count. */
export function failures(report, signal, context = {}) {
  let count = 0;
  return () => {
    count += 1;
    report(signal, count, { ...context });
    return count;
  };
}

/** The element a click counts for: the nearest button, link or labelled control. */
function clickTarget(event) {
  const start = event.target instanceof Element ? event.target : null;
  return start ? start.closest("button, a, [role='button'], input, select, label, [data-struggle-name]") || start : null;
}

/**
 * Report bursts of clicks on one element.
 * @param {EventTarget} root usually `document`
 * @param {Function} report
 * @param {{clicks?: number, withinMs?: number, now?: () => number}} [options]
 */
export function watchRageClicks(root, report, { clicks = 3, withinMs = 1000, now = () => performance.now() } = {}) {
  let target = null;
  let times = [];
  let reported = false;
  const onClick = (event) => {
    const element = clickTarget(event);
    if (!element || element.closest("[data-support-chat]")) return; // the chat itself never counts
    const at = now();
    if (element !== target) {
      target = element;
      times = [];
      reported = false;
    }
    times = times.filter((t) => at - t < withinMs);
    times.push(at);
    if (times.length < clicks) {
      if (times.length === 1) reported = false; // a new burst
      return;
    }
    if (!reported) {
      reported = true;
      report("rage_click", times.length, describe(element));
    }
  };
  root.addEventListener("click", onClick, true);
  return () => root.removeEventListener("click", onClick, true);
}

/**
 * Report time spent on a help section (pointer over it, or focus inside it).
 * @param {HTMLElement} section
 * @param {Function} report
 * @param {{everyS?: number, maxReports?: number}} [options]
 */
export function watchDwell(section, report, { everyS = 10, maxReports = 3 } = {}) {
  let timer = null;
  let seconds = 0;
  let reports = 0;
  let hovered = false;
  let focused = false;
  const context = { section: section.dataset.struggleName || section.id || "help" };
  const tick = () => {
    seconds += everyS;
    reports += 1;
    report("help_dwell", seconds, { ...context });
    if (reports >= maxReports) stop();
  };
  const update = () => {
    const staying = hovered || focused;
    if (staying && timer === null && reports < maxReports) timer = setInterval(tick, everyS * 1000);
    if (!staying && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
  const handlers = {
    mouseenter: () => { hovered = true; update(); },
    mouseleave: () => { hovered = false; update(); },
    focusin: () => { focused = true; update(); },
    focusout: (event) => { focused = section.contains(event.relatedTarget); update(); },
  };
  for (const [name, handler] of Object.entries(handlers)) section.addEventListener(name, handler);
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    for (const [name, handler] of Object.entries(handlers)) section.removeEventListener(name, handler);
  }
  return stop;
}
