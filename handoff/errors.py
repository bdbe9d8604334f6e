"""Domain errors, and their one mapping to HTTP answers and Socket.IO error acks."""

from __future__ import annotations

from typing import Any, Dict, Optional


class HandoffError(Exception):
    """Base of every error a client may be told about.

    Attributes:
        code: stable machine-readable code (docs/protocol.md, "Error codes").
        status: the HTTP status the code maps to.
    """

    code = "internal"
    status = 500
    default_message = "Something went wrong on our side."
    retryable = False  # True: a Socket.IO event gets no ack, so the client sends it again

    def __init__(self, message: Optional[str] = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message


class InvalidPayload(HandoffError):
    code, status, default_message = "invalid_payload", 400, "That request was not in the expected shape."


class EmptyMessage(HandoffError):
    code, status, default_message = "empty_message", 400, "The message is empty."


class TooLong(HandoffError):
    code, status, default_message = "too_long", 413, "That message is too long."


class EmptyFile(HandoffError):
    code, status, default_message = "empty_file", 400, "That file is empty; please choose another one."


class FileTooLarge(HandoffError):
    code, status, default_message = "file_too_large", 413, "That file is too big to send here."


class UnsupportedType(HandoffError):
    code, status, default_message = ("unsupported_type", 415,
                                     "We can take photos (PNG, JPEG, WebP, GIF) and PDF documents; "
                                     "that file is none of these.")


class EmailRequired(HandoffError):
    code, status, default_message = ("email_required", 400,
                                     "Which e-mail address should we use? Type it in and we'll send it there.")


class RateLimited(HandoffError):
    code, status, default_message = "rate_limited", 429, "You're sending messages very fast; please wait a moment."


class NoSession(HandoffError):
    code, status, default_message = "no_session", 409, "Start a session first (session_request)."


class SessionForbidden(HandoffError):
    code, status, default_message = ("session_forbidden", 403,
                                     "This conversation belongs to someone else. We've started a new one for you.")


class LinkExpired(HandoffError):
    code, status, default_message = ("link_expired", 410,
                                     "That link has expired or isn't valid any more. You can still tell us here "
                                     "how things are, and we'll help from there.")


class Unauthorized(HandoffError):
    code, status, default_message = "unauthorized", 401, "Please sign in again."


class Forbidden(HandoffError):
    code, status, default_message = "forbidden", 403, "That conversation is not yours."


class NotFound(HandoffError):
    code, status, default_message = "not_found", 404, "Not found."


class AlreadyClaimed(HandoffError):
    code, status, default_message = "already_claimed", 409, "Another agent already took this conversation."


class InvalidState(HandoffError):
    code, status, default_message = "invalid_state", 409, "That does not fit the conversation's current state."


class AtCapacity(HandoffError):
    code, status, default_message = "at_capacity", 409, "You already have as many conversations as you can take."


class OverBudget(HandoffError):
    code, status, default_message = "over_budget", 409, "That is more than you may grant for this incident."


class Unavailable(HandoffError):
    code, status, default_message = "unavailable", 503, "A service we depend on is not answering."


class RasaUnavailable(Unavailable):
    """Rasa did not answer (connection refused, timeout, 5xx)."""


class StoreFailed(Unavailable):
    """The database failed (mapped from SQLAlchemy's errors by ``Service.run``); worth retrying."""

    retryable = True
    default_message = "We couldn't save that just now; it will be retried."


class DuplicateWrite(StoreFailed):
    """A unique constraint refused the write (e.g. the same ``client_msg_id`` committed concurrently)."""


def error_body(exc: HandoffError) -> Dict[str, Any]:
    """``{"code", "message"}`` of an error."""
    return {"code": exc.code, "message": exc.message}


def error_ack(exc: HandoffError) -> Dict[str, Any]:
    """The Socket.IO acknowledgement for a refused event."""
    return {"ok": False, "error": error_body(exc)}
