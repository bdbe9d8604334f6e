/**
 * The customer protocol's wire shapes, turned into the widget's (docs/protocol.md).
 *
 * Messages arrive as Rasa's `bot_uttered` (`metadata.sender`, `metadata.seq`) or as
 * transcript message objects (`sender`, `seq` at the top level); both become one shape.
 */

/**
 * Turn a wire message into the view's shape.
 * @returns {{seq: ?number, sender: string, text: string, agentName: ?string,
 *   buttons: Array<{title: string, payload: string}>, clientMsgId: ?string, at: ?string}}
 */
export function normalise(data, fallbackSender = "bot") {
  const body = data && typeof data === "object" ? data : { text: String(data ?? "") };
  const meta = body.metadata && typeof body.metadata === "object" ? body.metadata : {};
  const seqValue = body.seq ?? meta.seq;
  const rawButtons = asList(body.quick_replies).length ? body.quick_replies : asList(body.buttons);
  const buttons = rawButtons
    .filter((b) => b && typeof b === "object")
    .map((b) => ({ title: String(b.title ?? b.payload ?? ""), payload: String(b.payload ?? b.title ?? "") }));
  let text = body.text ?? body.message ?? "";
  if (typeof text !== "string") text = String(text);
  const sender = String(meta.sender || body.sender || fallbackSender);
  return {
    seq: Number.isInteger(seqValue) ? seqValue : null,
    sender: sender === "user" ? "customer" : sender,
    text: sender === "customer" && body.customData && body.customData.title ? body.customData.title : text,
    agentName: meta.agent_name || body.agent_name || null,
    buttons,
    clientMsgId: body.client_msg_id || meta.client_msg_id || null,
    at: body.created_at || meta.created_at || body.at || null,
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
