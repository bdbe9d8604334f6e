/**
 * The customer's transcript, ordered by the server's sequence numbers.
 *
 * Messages arrive live, again in a replay after a reconnect, and (for the customer's own
 * messages) first as a local "pending" entry before the server acknowledges them. The
 * transcript keeps one entry per `seq` (and per `client_msg_id`), so nothing is ever
 * shown twice, and tells the view where each new entry belongs.
 */

export class Transcript {
  constructor() {
    /** @type {Array<object>} entries in display order */
    this.entries = [];
    this.bySeq = new Map();
    this.byClientId = new Map();
  }

  /** Highest sequence number seen so far (0 when none). */
  get lastSeq() {
    let last = 0;
    for (const seq of this.bySeq.keys()) last = Math.max(last, seq);
    return last;
  }

  /**
   * Add or update a message.
   * @param {object} message with `seq` (server) and/or `clientMsgId` (customer's own).
   * @returns {{entry: object, index: number, isNew: boolean} | null} null when the message
   *   is a duplicate that changes nothing.
   */
  upsert(message) {
    const seq = Number.isInteger(message.seq) ? message.seq : null;
    const existing =
      (seq !== null && this.bySeq.get(seq)) ||
      (message.clientMsgId && this.byClientId.get(message.clientMsgId)) ||
      null;
    if (existing) {
      if (seq === null || existing.seq === seq) {
        if (!existing.pending || message.pending) return null;
      }
      Object.assign(existing, message, { pending: Boolean(message.pending) });
      if (seq !== null) this.bySeq.set(seq, existing);
      this.entries.splice(this.entries.indexOf(existing), 1);
      const index = this._insertIndex(existing);
      this.entries.splice(index, 0, existing);
      return { entry: existing, index, isNew: false };
    }
    const entry = { ...message };
    if (seq !== null) this.bySeq.set(seq, entry);
    if (entry.clientMsgId) this.byClientId.set(entry.clientMsgId, entry);
    const index = this._insertIndex(entry);
    this.entries.splice(index, 0, entry);
    return { entry, index, isNew: true };
  }

  /** Remove a customer message the server refused; returns the removed entry or null. */
  removePending(clientMsgId) {
    const entry = this.byClientId.get(clientMsgId);
    if (!entry || !entry.pending) return null;
    this.byClientId.delete(clientMsgId);
    this.entries.splice(this.entries.indexOf(entry), 1);
    return entry;
  }

  /** Entries still waiting for the server's acknowledgement, oldest first. */
  pending() {
    return this.entries.filter((entry) => entry.pending);
  }

  /** Where `entry` goes: by seq among acknowledged messages; pending ones stay last. */
  _insertIndex(entry) {
    if (!Number.isInteger(entry.seq)) return this.entries.length;
    for (let i = 0; i < this.entries.length; i += 1) {
      const other = this.entries[i];
      if (!Number.isInteger(other.seq) || other.seq > entry.seq) return i;
    }
    return this.entries.length;
  }
}
