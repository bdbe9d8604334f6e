/**
 * Attachments, shared by the widget and the console (served at `/shared/attachments.js`):
 * the upload (`POST /api/attachments`, multipart) and how a received attachment is shown.
 *
 * The server decides what a file is (by its first bytes) and who may open it (the link it
 * sends carries a signed grant); here we only refuse links that are not http(s), show
 * images as an `<img>` and documents as a link, and never put data in HTML.
 */

import { el } from "./dom.js";
import { failure } from "./ack.js";

/** What the file picker offers (the server checks again, by content). */
export const ACCEPT = "image/png,image/jpeg,image/webp,image/gif,application/pdf";

/**
 * Upload one file.
 * @param {string} server origin of the handoff service
 * @param {File} file
 * @param {{headers?: Object<string, string>, query?: Object<string, any>}} [who] the
 *   customer's `X-Session-Id` (+ `X-Identity-Token`) or the agent's `Authorization`, and
 *   `conversation_id` / `client_msg_id`
 * @returns {Promise<object>} the server's ack, or `{ok: false, error}` (never rejects)
 */
export async function uploadFile(server, file, { headers = {}, query = {} } = {}) {
  const url = new URL("/api/attachments", server);
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, String(value));
  }
  const body = new FormData();
  body.append("file", file, file.name || "file");
  try {
    const response = await fetch(url.href, { method: "POST", body, headers });
    const data = await response.json().catch(() => null);
    if (response.ok && data && data.ok !== false) return data;
    return data && data.error ? { ok: false, error: data.error } : failure(`http_${response.status}`, "We couldn't send that file. Please try again.");
  } catch {
    return failure("offline", "We couldn't send that file just now. Please check your connection and try again.");
  }
}

/** `url` when it is an absolute http(s) URL, else null (a `javascript:` link is never shown). */
export function safeUrl(url) {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The node showing an attachment: an image inline (opening full size in a new tab), or a
 * link to the document.
 * @param {{kind: string, url: string, name?: string}} attachment
 * @param {string} prefix the UI's class prefix (`sw` for the widget, `cv` for the console)
 * @returns {HTMLElement|null} null when the link is not http(s)
 */
export function attachmentNode(attachment, prefix) {
  const href = safeUrl(attachment && attachment.url);
  if (!href) return null;
  const name = String(attachment.name || (attachment.kind === "image" ? "photo" : "document"));
  if (attachment.kind === "image") {
    return el("a", { class: `${prefix}-attachment ${prefix}-image-link`, href, target: "_blank", rel: "noopener noreferrer" },
      el("img", { class: `${prefix}-image`, src: href, alt: `Photo: ${name}`, loading: "lazy" }));
  }
  return el("a", { class: `${prefix}-attachment ${prefix}-file`, href, target: "_blank", rel: "noopener noreferrer",
    download: name, text: `📄 ${name}` });
}

/**
 * The attachment of a wire message in one shape, from Rasa's `{attachment: {type, payload: {src}}}`
 * (and `metadata.attachment`'s details when the service sent them), or null.
 */
export function readAttachment(attachment, details) {
  if (!attachment || typeof attachment !== "object") return null;
  const payload = attachment.payload && typeof attachment.payload === "object" ? attachment.payload : {};
  const url = (details && details.url) || payload.src || payload.url || attachment.url;
  if (!url) return null;
  const kind = attachment.type === "image" ? "image" : "file";
  const name = (details && details.name) || payload.title || attachment.name || null;
  return { kind, url: String(url), name: name ? String(name) : null };
}
