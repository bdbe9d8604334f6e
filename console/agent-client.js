/**
 * The agent side of the handoff service (docs/protocol.md, namespace "/agent").
 *
 * Log in over HTTP, connect with the token, send acknowledged requests. Every request
 * resolves to the server's ack (`{ok: true, ...}` or `{ok: false, error: {code, message}}`)
 * and never rejects (`shared/ack.js`), so callers show one message per failure.
 */

import { emitWithAck, failure } from "../shared/ack.js";

const ACK_TIMEOUT_MS = 10000;

/** Wire event names, in one place. */
export const AGENT_EVENTS = Object.freeze({
  AGENT_STATE: "agent_state",
  QUEUE: "queue",
  HANDOFF_OFFERED: "handoff_offered",
  MESSAGE: "message",
  TYPING: "typing",
  CONVERSATION_UPDATED: "conversation_updated",
  CONVERSATION_ASSIGNED: "conversation_assigned",
  LABELS_CHANGED: "labels_changed",
  SIGNED_OUT: "signed_out",
  INBOX: "inbox",
  TEAM: "team",
  ADD_LABEL: "add_label",
  REMOVE_LABEL: "remove_label",
  SIGN_OUT: "sign_out",
  RETURN_TO_QUEUE: "return_to_queue",
  CLAIM: "claim",
  OPEN: "open",
  SEND: "send",
  NOTE: "note",
  GRANT: "grant",
  HAND_BACK: "hand_back",
  TRANSFER: "transfer",
  RESOLVE: "resolve",
  SET_STATUS: "set_status",
  CANNED_REPLIES: "canned_replies",
  CANNED_LIST: "canned_list",
  CANNED_SAVE: "canned_save",
  CANNED_DELETE: "canned_delete",
});

/** POST /api/agents/login; returns `{token, agent}` or throws an Error with the server's words. */
export async function login(username, password) {
  let response;
  try {
    response = await fetch("/api/agents/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new Error("We can't reach the server. Check your connection and try again.");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body && body.error && body.error.message;
    throw new Error(response.status === 401 ? "That username and password don't match." : message || "Sign-in failed.");
  }
  return body;
}

/** GET a JSON document; null on failure. */
export async function fetchJson(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

export class AgentClient {
  /**
   * @param {Function} io the Socket.IO client factory
   * @param {string} token JWT from `login`
   * @param {Object<string, Function>} handlers called with each server event's payload,
   *   keyed by event name, plus `connection(state)` and `unauthorized()`.
   */
  constructor(io, token, handlers) {
    this.handlers = handlers;
    this.socket = io("/agent", {
      path: "/socket.io",
      auth: { token },
      transports: ["websocket", "polling"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    const on = (name) => (payload) => handlers[name] && handlers[name](payload || {});
    for (const name of [AGENT_EVENTS.AGENT_STATE, AGENT_EVENTS.QUEUE, AGENT_EVENTS.HANDOFF_OFFERED,
      AGENT_EVENTS.MESSAGE, AGENT_EVENTS.TYPING, AGENT_EVENTS.CONVERSATION_UPDATED, AGENT_EVENTS.CANNED_REPLIES,
      AGENT_EVENTS.CONVERSATION_ASSIGNED, AGENT_EVENTS.LABELS_CHANGED, AGENT_EVENTS.SIGNED_OUT]) {
      this.socket.on(name, on(name));
    }
    this.socket.on("connect", () => handlers.connection && handlers.connection("online"));
    this.socket.on("disconnect", () => handlers.connection && handlers.connection("offline"));
    this.socket.on("connect_error", (error) => {
      // python-socketio refuses an unauthenticated connect; the token is not worth retrying.
      if (/unauthori|invalid|expired|token/i.test(String(error && error.message))) {
        this.close();
        if (handlers.unauthorized) handlers.unauthorized();
      } else if (handlers.connection) handlers.connection("offline");
    });
  }

  /** Send an acknowledged request; resolves with the ack (never rejects). */
  request(event, body = {}) {
    if (!this.socket || !this.socket.connected) {
      return Promise.resolve(failure("offline", "You're offline; reconnecting…"));
    }
    return emitWithAck(this.socket, event, body, ACK_TIMEOUT_MS);
  }

  /** Fire-and-forget (typing). */
  emit(event, body) {
    if (this.socket && this.socket.connected) this.socket.emit(event, body);
  }

  close() {
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.disconnect();
      this.socket = null;
    }
  }
}
