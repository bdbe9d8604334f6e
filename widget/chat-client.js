/**
 * The customer side of the handoff service's Socket.IO protocol (docs/protocol.md).
 *
 * It is Rasa's socketio channel protocol plus extensions: a `session_request` carrying
 * the identity token and the last sequence number seen (the server replays what came
 * after), `client_msg_id` on every customer message so that a retry after a lost
 * connection is stored once, acks, typing, handoff status, CSAT and follow-up.
 *
 * The client only translates wire events into calls on a listener object; it holds no
 * DOM. Messages the customer sends while offline wait in an outbox (kept in
 * localStorage with the session) and are re-sent with the same `client_msg_id`.
 */

import { emitWithAck, errorText, timedOut } from "../shared/ack.js";
import { randomId } from "../shared/dom.js";
import { normalise, normaliseTyping } from "./wire.js";

/** Wire event names, in one place. */
export const EVENTS = Object.freeze({
  SESSION_REQUEST: "session_request",
  SESSION_CONFIRM: "session_confirm",
  SESSION_REJECTED: "session_rejected",
  TRANSCRIPT: "transcript",
  USER_UTTERED: "user_uttered",
  BOT_UTTERED: "bot_uttered",
  HANDOFF_STATUS: "handoff_status",
  TYPING: "typing",
  CSAT: "csat",
  FOLLOW_UP: "follow_up",
  CONTINUE_WITH_BOT: "continue_with_bot",
});

const ACK_TIMEOUT_MS = 8000;

/**
 * @typedef {object} ChatListener
 * @property {(state: "connecting"|"online"|"offline") => void} onConnection
 * @property {(message: object) => void} onMessage a normalised message (see `normalise`)
 * @property {(status: object) => void} onHandoffStatus
 * @property {(typing: {typing: boolean, sender: string, name?: string}) => void} onTyping
 * @property {(error: {message: string}) => void} onError
 */

export class ChatClient {
  /**
   * @param {object} options
   * @param {Function} options.io the Socket.IO client factory (`window.io`)
   * @param {string} options.server origin of the handoff service
   * @param {string} options.storageKey localStorage key for this visitor's session
   * @param {string|null} options.identityToken signed demo-customer token, or null
   * @param {string|null} [options.resumeToken] the link token of a check-in e-mail: opens that
   *   conversation (kept with the session, so reconnects and reloads reopen it too)
   * @param {ChatListener} options.listener
   */
  constructor({ io, server, storageKey, identityToken, resumeToken, listener }) {
    this.io = io;
    this.server = server;
    this.storageKey = storageKey;
    this.identityToken = identityToken || null;
    this.listener = listener;
    this.socket = null;
    this.confirmed = false;
    this.lastSeq = 0;
    this.state = this._load();
    if (resumeToken) {
      this.state.resumeToken = resumeToken;
      this._save();
    }
  }

  /** The session id kept in localStorage (given by the server; null before the first chat). */
  get sessionId() {
    return this.state.sessionId;
  }

  /** Messages not yet acknowledged by the server (restored after a reload). */
  get outbox() {
    return this.state.outbox;
  }

  connect() {
    this.listener.onConnection("connecting");
    this.socket = this.io(this.server, {
      path: "/socket.io",
      transports: ["websocket", "polling"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    const socket = this.socket;
    socket.on("connect", () => this._requestSession());
    socket.on("disconnect", () => {
      this.confirmed = false;
      this.listener.onConnection("offline");
    });
    socket.on("connect_error", () => this.listener.onConnection("offline"));
    socket.io.on("reconnect_attempt", () => this.listener.onConnection("connecting"));
    socket.on(EVENTS.SESSION_REJECTED, (data) => {
      this.lastSeq = 0;
      if (data && data.code === "link_expired" && this.state.resumeToken) {
        this.state.resumeToken = null;
        this._save();
      }
      this.listener.onRejected({ message: errorText(data) });
    });
    socket.on(EVENTS.SESSION_CONFIRM, (data) => this._confirmed(data));
    socket.on(EVENTS.TRANSCRIPT, (data) => {
      const messages = data && Array.isArray(data.messages) ? data.messages : [];
      for (const message of messages) this._received(message, "bot");
    });
    socket.on(EVENTS.BOT_UTTERED, (data) => this._received(data, "bot"));
    socket.on(EVENTS.HANDOFF_STATUS, (data) => this.listener.onHandoffStatus(data || {}));
    socket.on(EVENTS.TYPING, (data) => this.listener.onTyping(normaliseTyping(data)));
  }

  disconnect() {
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.io.removeAllListeners();
      this.socket.disconnect();
      this.socket = null;
    }
  }

  /** Forget this session: the next `connect()` starts a new conversation. */
  resetSession() {
    this.state = { sessionId: null, outbox: [], resumeToken: null };
    this.lastSeq = 0;
    this._save();
  }

  /**
   * Send a customer message (text typed, or a quick reply's payload with its title).
   * @returns {object} the pending message, to show at once.
   */
  send(text, { payload = null } = {}) {
    const item = { clientMsgId: randomId(), text, payload, at: new Date().toISOString() };
    this.state.outbox.push(item);
    this._save();
    this._flushOne(item);
    return { ...pendingMessage(item) };
  }

  /** Tell the service whether the customer is typing (rate limited by the caller). */
  typing(isTyping) {
    if (this.confirmed) this.socket.emit(EVENTS.TYPING, { typing: isTyping });
  }

  /** Rate the conversation (1..5). Resolves with the server's ack. */
  rate(rating) {
    return this._request(EVENTS.CSAT, { score: rating });
  }

  /** Ask for a follow-up e-mail when no agent is online. */
  followUp(email) {
    return this._request(EVENTS.FOLLOW_UP, { email });
  }

  /** Decline to wait: the assistant takes the conversation back. */
  continueWithBot() {
    return this._request(EVENTS.CONTINUE_WITH_BOT, {});
  }

  _requestSession() {
    const request = { session_id: this.sessionId, last_seq: this.lastSeq };
    const customData = {};
    if (this.identityToken) customData.identity_token = this.identityToken;
    if (this.state.resumeToken) customData.resume_token = this.state.resumeToken;
    if (Object.keys(customData).length) request.customData = customData;
    this.socket.emit(EVENTS.SESSION_REQUEST, request);
  }

  _confirmed(data) {
    const sessionId = typeof data === "string" ? data : data && data.session_id;
    if (sessionId && sessionId !== this.sessionId) {
      this.state.sessionId = sessionId;
      this._save();
    }
    this.confirmed = true;
    this.listener.onConnection("online");
    for (const item of [...this.state.outbox]) this._flushOne(item);
  }

  _received(data, fallbackSender) {
    const message = normalise(data, fallbackSender);
    if (Number.isInteger(message.seq)) this.lastSeq = Math.max(this.lastSeq, message.seq);
    if (message.clientMsgId) this._acknowledged(message.clientMsgId);
    this.listener.onMessage(message);
  }

  _flushOne(item) {
    if (!this.confirmed || item.inFlight) return;
    item.inFlight = true;
    const customData = { client_msg_id: item.clientMsgId };
    if (item.payload) customData.title = item.text;
    if (this.identityToken) customData.identity_token = this.identityToken;
    const wire = { message: item.payload || item.text, session_id: this.sessionId, customData };
    const socket = this.socket;
    emitWithAck(socket, EVENTS.USER_UTTERED, wire, ACK_TIMEOUT_MS).then((ack) => {
      item.inFlight = false;
      if (timedOut(ack)) {
        // No ack: not committed (or lost). Retry with the same client_msg_id while connected.
        if (this.socket === socket && this.confirmed) this._flushOne(item);
        return;
      }
      if (ack.ok === false) {
        this._drop(item.clientMsgId);
        this.listener.onError({ message: errorText(ack), clientMsgId: item.clientMsgId, text: item.text });
        return;
      }
      this._acknowledged(item.clientMsgId);
      const seq = Number.isInteger(ack.seq) ? ack.seq : null;
      if (seq !== null) {
        this.lastSeq = Math.max(this.lastSeq, seq);
        this.listener.onMessage({ ...pendingMessage(item), seq, pending: false });
      }
    });
  }

  _acknowledged(clientMsgId) {
    this._drop(clientMsgId);
  }

  _drop(clientMsgId) {
    const before = this.state.outbox.length;
    this.state.outbox = this.state.outbox.filter((item) => item.clientMsgId !== clientMsgId);
    if (this.state.outbox.length !== before) this._save();
  }

  /** An acknowledged request; a failure resolves to `{ok: false, message}` (the panels show it). */
  async _request(event, body) {
    if (!this.socket || !this.confirmed) {
      return { ok: false, message: "We're offline right now. Please try again in a moment." };
    }
    const ack = await emitWithAck(this.socket, event, body, ACK_TIMEOUT_MS, "No answer from the server. Please try again.");
    return ack.ok === false ? { ok: false, message: errorText(ack) } : ack;
  }

  _load() {
    try {
      const stored = JSON.parse(localStorage.getItem(this.storageKey) || "null");
      if (stored && typeof stored === "object") {
        const outbox = Array.isArray(stored.outbox) ? stored.outbox : [];
        const sessionId = typeof stored.sessionId === "string" ? stored.sessionId : null;
        const resumeToken = typeof stored.resumeToken === "string" ? stored.resumeToken : null;
        return { sessionId, resumeToken, outbox: outbox.map(({ inFlight, ...item }) => item) };
      }
    } catch {
      /* unreadable storage: start afresh */
    }
    const state = { sessionId: null, outbox: [], resumeToken: null };
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(state));
    } catch {
      /* private mode: the session lives as long as the page */
    }
    return state;
  }

  _save() {
    try {
      const outbox = this.state.outbox.map(({ inFlight, ...item }) => item);
      const { sessionId, resumeToken } = this.state;
      localStorage.setItem(this.storageKey, JSON.stringify({ sessionId, resumeToken: resumeToken || null, outbox }));
    } catch {
      /* storage full or disabled: keep going in memory */
    }
  }
}

function pendingMessage(item) {
  return {
    seq: null,
    clientMsgId: item.clientMsgId,
    sender: "customer",
    text: item.text,
    at: item.at,
    pending: true,
  };
}
