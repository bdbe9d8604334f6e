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
import { uploadFile } from "../shared/attachments.js";
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
  EMAIL_TRANSCRIPT: "email_transcript",
  NOTIFY_ME: "notify_me",
  STRUGGLE: "struggle",
});

const ACK_TIMEOUT_MS = 8000;

/**
 * @typedef {object} ChatListener
 * @property {(state: "connecting"|"online"|"offline") => void} onConnection
 * @property {(message: object) => void} onMessage a normalised message (see `normalise`)
 * @property {(status: object) => void} onHandoffStatus
 * @property {(typing: {typing: boolean, sender: string, name?: string}) => void} onTyping
 * @property {(error: {message: string}) => void} onError
 * @property {(limits: {maxMessageChars: number}) => void} [onLimits] the server's limits, once per session
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
    this.maxFileBytes = null; // the service's limit, from the session_request ack
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

  /** The highest `seq` the customer has seen while looking (see attention.js); kept with the session. */
  get seenSeq() {
    return Number.isInteger(this.state.seenSeq) ? this.state.seenSeq : Number.MAX_SAFE_INTEGER;
  }

  markSeen(seq) {
    if (Number.isInteger(seq) && !(seq <= this.state.seenSeq)) {
      this.state.seenSeq = seq;
      this._save();
    }
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
      // Storage from before the seen mark existed: what is already there counts as seen.
      if (!Number.isInteger(this.state.seenSeq) && data && Number.isInteger(data.last_seq)) this.markSeen(data.last_seq);
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
    this.state = { sessionId: null, outbox: [], seenSeq: 0, resumeToken: null };
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

  /**
   * Send a photo or PDF (over HTTP, as this session). Resolves with the stored message
   * (`{ok: true, message}`, normalised) or `{ok: false, message}` with the server's reason.
   */
  async sendFile(file, clientMsgId = randomId()) {
    if (!this.sessionId) return { ok: false, message: "We're still connecting. Please try again in a moment." };
    if (this.maxFileBytes && file.size > this.maxFileBytes) {
      const mb = Math.max(1, Math.round(this.maxFileBytes / (1024 * 1024)));
      return { ok: false, message: `That file is too big to send here; files can be up to ${mb} MB.` };
    }
    const headers = { "X-Session-Id": this.sessionId };
    if (this.identityToken) headers["X-Identity-Token"] = this.identityToken;
    const ack = await uploadFile(this.server, file, { headers, query: { client_msg_id: clientMsgId } });
    if (ack.ok === false) return { ok: false, message: errorText(ack) };
    const message = normalise(ack.message, "customer");
    if (Number.isInteger(message.seq)) this.lastSeq = Math.max(this.lastSeq, message.seq);
    return { ok: true, message: { ...message, clientMsgId, pending: false } };
  }

  /** Tell the service whether the customer is typing (rate limited by the caller). */
  typing(isTyping) {
    if (this.confirmed) this.socket.emit(EVENTS.TYPING, { typing: isTyping });
  }

  /** Rate the conversation (1..5). Resolves with the server's ack. */
  rate(rating) {
    return this._request(EVENTS.CSAT, { score: rating });
  }

  /** Ask for a follow-up e-mail when no agent is online (without `email`: the address the conversation knows). */
  followUp(email) {
    return this._request(EVENTS.FOLLOW_UP, email ? { email } : {});
  }

  /** Decline to wait: the assistant takes the conversation back. */
  continueWithBot() {
    return this._request(EVENTS.CONTINUE_WITH_BOT, {});
  }

  /** E-mail the transcript: to the address the conversation knows, else `email` (`email_required` first). */
  emailTranscript(email) {
    return this._request(EVENTS.EMAIL_TRANSCRIPT, email ? { email } : {});
  }

  /** One e-mail per absence when an agent replies after the customer left (same address rule). */
  notifyMe(email) {
    return this._request(EVENTS.NOTIFY_ME, email ? { email } : {});
  }

  /**
   * Report a struggle signal from the page (see struggle.js). Resolves with the server's ack:
   * `{ok: true, offered: true, seq}` when it answered with an offer of help.
   */
  struggle(signal, count, context = {}) {
    return this._request(EVENTS.STRUGGLE, { signal, count, context });
  }

  _requestSession() {
    const request = { session_id: this.sessionId, last_seq: this.lastSeq };
    const customData = {};
    if (this.identityToken) customData.identity_token = this.identityToken;
    if (this.state.resumeToken) customData.resume_token = this.state.resumeToken;
    if (Object.keys(customData).length) request.customData = customData;
    emitWithAck(this.socket, EVENTS.SESSION_REQUEST, request, ACK_TIMEOUT_MS).then((ack) => {
      if (ack && Number.isInteger(ack.max_attachment_bytes)) this.maxFileBytes = ack.max_attachment_bytes;
      if (ack.ok !== false && Number.isInteger(ack.max_message_chars) && this.listener.onLimits) {
        this.listener.onLimits({ maxMessageChars: ack.max_message_chars });
      }
    });
  }

  _confirmed(data) {
    const sessionId = typeof data === "string" ? data : data && data.session_id;
    if (sessionId && sessionId !== this.sessionId) {
      if (this.state.sessionId) this.state.seenSeq = 0; // the server started a new conversation
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
    if (ack.ok !== false) return ack;
    return { ok: false, code: ack.error && ack.error.code, message: errorText(ack) };
  }

  _load() {
    try {
      const stored = JSON.parse(localStorage.getItem(this.storageKey) || "null");
      if (stored && typeof stored === "object") {
        const outbox = Array.isArray(stored.outbox) ? stored.outbox : [];
        const sessionId = typeof stored.sessionId === "string" ? stored.sessionId : null;
        const seenSeq = Number.isInteger(stored.seenSeq) ? stored.seenSeq : sessionId ? null : 0;
        const resumeToken = typeof stored.resumeToken === "string" ? stored.resumeToken : null;
        return { sessionId, resumeToken, outbox: outbox.map(({ inFlight, ...item }) => item), seenSeq };
      }
    } catch {
      /* unreadable storage: start afresh */
    }
    const state = { sessionId: null, outbox: [], seenSeq: 0, resumeToken: null };
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
      const { sessionId, seenSeq, resumeToken } = this.state;
      localStorage.setItem(this.storageKey, JSON.stringify({ sessionId, resumeToken: resumeToken || null, outbox, seenSeq }));
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
