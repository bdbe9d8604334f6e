/**
 * Acknowledged Socket.IO requests, shared by the widget and the console (served at `/shared/ack.js`).
 *
 * Every request resolves to the server's ack (`{ok: true, ...}` or `{ok: false, error: {code, message}}`)
 * and never rejects: no ack within the timeout resolves to `{ok: false, error: {code: "timeout"}}`, so
 * callers show one message per failure and can tell "not answered" from "refused".
 */

const GENERIC = "Something went wrong. Please try again.";

/** A failed ack of our own making (offline, timeout). */
export function failure(code, message) {
  return { ok: false, error: { code, message } };
}

/**
 * Emit `event` with `body` and wait for the ack.
 * @param {object} socket a connected Socket.IO client socket
 * @param {number} timeoutMs how long to wait for the ack
 * @param {string} [timeoutMessage] the error message when none comes
 * @returns {Promise<object>} the ack (`{ok: true}` when the server acked with nothing)
 */
export function emitWithAck(socket, event, body, timeoutMs, timeoutMessage = "The server didn't answer. Please try again.") {
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, body, (err, ack) => {
      if (err) resolve(failure("timeout", timeoutMessage));
      else resolve(ack && typeof ack === "object" ? ack : { ok: true });
    });
  });
}

/** True when `ack` is the timeout `emitWithAck` made up (the server may not have seen the request). */
export function timedOut(ack) {
  return Boolean(ack && ack.ok === false && ack.error && ack.error.code === "timeout");
}

/** The human-readable message of an error ack or event (`{error: {code, message}}`, a string, ...). */
export function errorText(data) {
  if (!data) return GENERIC;
  if (typeof data === "string") return data;
  const error = data.error && typeof data.error === "object" ? data.error : data.error || data;
  if (typeof error === "string") return error;
  return String(error.message || data.message || error.code || GENERIC);
}
