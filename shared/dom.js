/**
 * Tiny DOM helpers shared by the widget and the console (served at `/shared/dom.js`).
 *
 * Every piece of data reaches the page through `textContent` or an attribute: there is
 * no `innerHTML` anywhere, so `<script>` or `[x](javascript:...)` typed by anyone shows
 * literally.
 */

/**
 * Create an element.
 * @param {string} tag
 * @param {Object<string, any>} [props] attributes; `class`, `text`, `dataset` and `on*`
 *   (event listeners) are handled specially; `false`/`null` values are skipped.
 * @param {...(Node|string|null|undefined|false)} children strings become text nodes.
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  append(node, ...children);
  return node;
}

/** Append children (strings become text nodes, falsy values are skipped). */
export function append(parent, ...children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return parent;
}

/** Remove every child of `node`. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A random id for idempotent retries (`client_msg_id`). */
export function randomId() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * Milliseconds since the epoch for a Date, a number or an ISO string; a string without a
 * zone is read as UTC (the server stores naive UTC). NaN when unreadable.
 */
export function parseTime(value) {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  if (typeof value !== "string" || !value) return NaN;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(value) || !value.includes("T") ? value : `${value}Z`;
  return Date.parse(zoned);
}

/** "09:41" in the visitor's locale. */
export function clockTime(value) {
  const date = new Date(value ? parseTime(value) : Date.now());
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** "42 s", "3 min", "1 h 5 min" since `since` (Date, ISO string or ms). */
export function elapsed(since, now = Date.now()) {
  const start = parseTime(since);
  if (Number.isNaN(start)) return "";
  const seconds = Math.max(0, Math.round((now - start) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "$24.99" for a number or numeric string; "" for nothing. */
export function money(amount, currency = "USD") {
  if (amount === null || amount === undefined || amount === "") return "";
  const value = Number(amount);
  if (Number.isNaN(value)) return String(amount);
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

// An https URL, or a site path ("/returns/1060/label") standing on its own (not "and/or", not "1/2").
const LINKABLE = /https:\/\/[^\s<>"'`]+|(?<![\w/.:])\/[A-Za-z0-9][A-Za-z0-9._~%\-/]*/g;
const TRAILING = /[.,;:!?)\]'"]+$/;

/**
 * A safe href for `candidate`, or null: a path resolved against `base` stays on `base`'s origin;
 * an absolute URL must be https. Nothing else (javascript:, data:, other schemes) is ever a link.
 */
export function safeHref(candidate, base) {
  try {
    const origin = new URL(base).origin;
    const url = new URL(candidate, base);
    if (candidate.startsWith("/")) return url.origin === origin ? url.href : null;
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * `text` as nodes: plain text, with each https URL or site path in it as an `<a>` (built with
 * `el`, href from `safeHref`, opened in a new tab without an opener). Never parses HTML.
 * @param {string} text
 * @param {string} base the origin paths belong to (the server that sent the text)
 * @returns {Array<Node|string>}
 */
export function linkedText(text, base) {
  const parts = [];
  let last = 0;
  for (const match of String(text).matchAll(LINKABLE)) {
    const found = match[0].replace(TRAILING, "");
    const href = found && safeHref(found, base);
    if (!href) continue;
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(el("a", { href, target: "_blank", rel: "noopener noreferrer", text: found }));
    last = match.index + found.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
