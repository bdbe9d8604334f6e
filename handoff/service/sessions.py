"""Customer sessions: bind a socket to its conversation, replay, identity checks."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any, Dict, Optional

from sqlalchemy.orm import Session

from common.identity import verify_identity
from handoff import errors
from handoff import events as ev
from handoff.service import ratelimit
from handoff.service.attachment_links import links_for_customer
from handoff.service.context import CustomerConn, Service
from handoff.service.queue import status_payload
from store import conversations as conv_store
from store import customer_presence

# A client-chosen id is the only key to an anonymous transcript: long enough to be unguessable
# (rasa-webchat and our widget send a uuid4 hex, 32 characters).
CLIENT_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def owned_by(conv: Any, customer_id: Optional[int]) -> bool:
    """The one binding rule: a session belongs to the identity that opened it (a customer, or anonymity)."""
    return bool(conv.customer_id == customer_id)


def new_session_id() -> str:
    """A server-chosen, unguessable session id."""
    return uuid.uuid4().hex


async def open_session(svc: Service, sid: str, session_id: Optional[str], last_seq: Optional[int],
                       identity_token: Optional[str], address: str = "unknown") -> Dict[str, Any]:
    """Answer ``session_request``: the same conversation back, or a fresh one.

    A session bound to another identity (or to anonymity, when a signed-in customer asks,
    and vice versa) is refused: ``session_rejected`` and no replay. An id too short to be
    unguessable (:data:`CLIENT_SESSION_ID`) is never looked up nor kept: a fresh, server-chosen
    one replaces it. Requests count against ``RATE_LIMIT_SESSIONS`` per identity or address.
    """
    identity = verify_identity(identity_token, svc.settings.identity_secret)
    customer_id = identity.customer_id if identity else None
    await ratelimit.enforce(svc.limiter, ratelimit.SESSIONS, ratelimit.subject(customer_id, address),
                            svc.settings.limit_sessions)
    if session_id and not CLIENT_SESSION_ID.match(session_id):
        session_id = None
    max_idle = dt.timedelta(hours=svc.policy.expire_after_hours)

    def tx(s: Session) -> Dict[str, Any]:
        conv = conv_store.get_by_session_id(s, session_id) if session_id else None
        rejected = conv is not None and not owned_by(conv, customer_id)
        if rejected or (conv is not None and conv_store.is_expired(conv, max_idle)):
            conv = None
        fresh = conv is None
        if conv is None:
            # Like Rasa's channel, a new, unused, long-enough id the client chose is kept (widgets
            # written for Rasa go on sending it); a taken or expired one never is.
            unused = bool(session_id and conv_store.get_by_session_id(s, session_id) is None)
            conv = conv_store.create_conversation(s, session_id if unused and session_id else new_session_id(),
                                                  customer_id)
        customer_presence.arrive(s, sid, conv.id, svc.settings.node_id)  # ends an absence
        transcript = None
        if last_seq is not None and not rejected:
            names = conv_store.agent_names(s)
            link = links_for_customer(svc, conv.id)
            transcript = [ev.bot_uttered(m, names.get(m.agent_id) if m.agent_id else None, link)
                          for m in conv_store.messages_after(s, conv.id, last_seq if not fresh else 0)]
        return {"conversation_id": conv.id, "session_id": conv.session_id, "rejected": rejected, "fresh": fresh,
                "status": status_payload(s, svc.policy, conv), "transcript": transcript,
                "last_seq": conv.last_seq}

    done = await svc.run(tx)
    previous = svc.customers.get(sid)
    if previous is not None and previous.conversation_id != done["conversation_id"]:
        await svc.notifier.leave_conversation(sid, previous.conversation_id)
    svc.customers[sid] = CustomerConn(sid, done["conversation_id"], done["session_id"], customer_id,
                                      identity_token if identity else None, address)
    await svc.notifier.join_conversation(sid, done["conversation_id"])
    if done["rejected"]:
        exc = errors.SessionForbidden()
        await svc.notifier.to_sid(sid, ev.SESSION_REJECTED, {**errors.error_body(exc), "session_id": session_id})
    await svc.notifier.to_sid(sid, ev.SESSION_CONFIRM, done["session_id"])
    await svc.notifier.to_sid(sid, ev.HANDOFF_STATUS, done["status"])
    if done["transcript"] is not None:
        await svc.notifier.to_sid(sid, ev.TRANSCRIPT, {"session_id": done["session_id"],
                                                       "messages": done["transcript"],
                                                       "last_seq": done["last_seq"]})
    return ev.ok(session_id=done["session_id"], status=done["status"]["status"], last_seq=done["last_seq"],
                 fresh=done["fresh"], max_attachment_bytes=svc.settings.attachment_max_bytes,
                 max_message_chars=svc.settings.max_message_chars)


def connection(svc: Service, sid: str, session_id: Optional[str] = None) -> CustomerConn:
    """The socket's session; ``no_session`` before ``session_request`` or for another id."""
    conn = svc.customers.get(sid)
    if conn is None or (session_id and session_id != conn.session_id):
        raise errors.NoSession()
    return conn


async def disconnect(svc: Service, sid: str) -> None:
    """Forget a closed customer socket and its presence row (its limits stay: they are keyed by
    identity or address). With the last socket of a conversation gone, the customer has left."""
    if svc.customers.pop(sid, None) is not None:
        await svc.run(customer_presence.leave, sid)
