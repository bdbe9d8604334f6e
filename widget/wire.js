/**
 * The customer protocol's wire shapes, turned into the widget's (docs/protocol.md).
 *
 * `bot_uttered` and every `transcript` entry are Rasa's socketio shapes (`{text}`,
 * `{text, quick_replies}`, `{attachment}`); our extensions (`sender`, `seq`,
 * `agent_name`, `client_msg_id`, `created_at`, `attachment`) travel only under `metadata`.
 */

import { readAttachment } from "../shared/attachments.js";

/**
 * Turn a wire message into the view's shape.
 * @returns {{seq: ?number, sender: string, text: string, agentName: ?string,
 *   buttons: Array<{title: string, payload: string}>, clientMsgId: ?string, at: ?string,
 *   attachment: ?{kind: string, url: string, name: ?string}}}
 */
export function normalise(data, fallbackSender = "bot") {
  const body = data && typeof data === "object" ? data : { text: String(data ?? "") };
  const meta = body.metadata && typeof body.metadata === "object" ? body.metadata : {};
  const buttons = asList(body.quick_replies)
    .filter((b) => b && typeof b === "object")
    .map((b) => ({ title: String(b.title ?? b.payload ?? ""), payload: String(b.payload ?? b.title ?? "") }));
  let text = body.text ?? "";
  if (typeof text !== "string") text = String(text);
  const sender = String(meta.sender || fallbackSender);
  return {
    seq: Number.isInteger(meta.seq) ? meta.seq : null,
    sender: sender === "user" ? "customer" : sender,
    text,
    agentName: meta.agent_name || null,
    buttons,
    clientMsgId: meta.client_msg_id || null,
    at: meta.created_at || null,
    attachment: readAttachment(body.attachment, meta.attachment),
    pending: false,
  };
}

function asList(value) {
  return Array.isArray(value) ? value : [];
}

export function normaliseTyping(data) {
  const body = data && typeof data === "object" ? data : {};
  return {
    typing: body.typing !== false,
    sender: String(body.sender || "bot"),
    name: body.agent_name || body.name || null,
  };
}
