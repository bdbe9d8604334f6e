"""Customer sessions: bind a socket to its conversation, replay, identity checks."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy.orm import Session

from common.identity import verify_identity
from common.resume_links import ResumeClaim, verify_resume
from handoff import errors
from handoff import events as ev
from handoff.service import publish, ratelimit, wording
from handoff.service.attachment_links import links_for_customer
from handoff.service.changes import Event, MessageAdded, StatusChanged
from handoff.service.context import CustomerConn, Service
from handoff.service.queue import status_payload
from store import conversations as conv_store
from store import customer_presence, followups
from store.models.followups import FollowupState
from store.models.support import Conversation, ConversationStatus, Sender

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
                       identity_token: Optional[str], address: str = "unknown",
                       resume_token: Optional[str] = None) -> Dict[str, Any]:
    """Answer ``session_request``: the same conversation back, or a fresh one.

    A session bound to another identity (or to anonymity, when a signed-in customer asks,
    and vice versa) is refused: ``session_rejected`` and no replay. An id too short to be
    unguessable (:data:`CLIENT_SESSION_ID`) is never looked up nor kept: a fresh, server-chosen
    one replaces it. Requests count against ``RATE_LIMIT_SESSIONS`` per identity or address.

    ``resume_token``: the link of a check-in e-mail (``common.resume_links``). It opens its
    conversation whatever its age, replays the whole transcript, and the first time reopens a
    resolved conversation for the bot with a welcome-back note; it never gives the socket the
    customer's identity (a signed-in customer's own token still must match the binding).
    """
    identity = verify_identity(identity_token, svc.settings.identity_secret)
    customer_id = identity.customer_id if identity else None
    await ratelimit.enforce(svc.limiter, ratelimit.SESSIONS, ratelimit.subject(customer_id, address),
                            svc.settings.limit_sessions)
    if session_id and not CLIENT_SESSION_ID.match(session_id):
        session_id = None
    max_idle = dt.timedelta(hours=svc.policy.expire_after_hours)
    resume = verify_resume(resume_token, svc.settings.secret_key) if resume_token else None

    def tx(s: Session) -> Dict[str, Any]:
        events: List[Event] = []
        link_bad = False
        conv = conv_store.get_by_session_id(s, session_id) if session_id else None
        resumed = False
        if resume_token:
            found, link_bad, events = _resumed(s, svc, resume, customer_id)
            if found is not None:
                conv, resumed = found, True
        rejected = conv is not None and not resumed and not owned_by(conv, customer_id)
        if rejected or (conv is not None and not resumed and conv_store.is_expired(conv, max_idle)):
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
        replay_from = 0 if resumed and last_seq is None else last_seq
        if replay_from is not None and not rejected:
            names = conv_store.agent_names(s)
            link = links_for_customer(svc, conv.id)
            transcript = [ev.bot_uttered(m, names.get(m.agent_id) if m.agent_id else None, link)
                          for m in conv_store.messages_after(s, conv.id, replay_from if not fresh else 0)]
        return {"conversation_id": conv.id, "session_id": conv.session_id, "rejected": rejected, "fresh": fresh,
                "link_bad": link_bad, "events": events,
                "status": status_payload(s, svc.policy, conv), "transcript": transcript,
                "last_seq": conv.last_seq}

    done = await svc.run(tx)
    await publish.publish(svc, done["events"])  # before this socket joins: it gets them in the transcript
    previous = svc.customers.get(sid)
    if previous is not None and previous.conversation_id != done["conversation_id"]:
        await svc.notifier.leave_conversation(sid, previous.conversation_id)
    svc.customers[sid] = CustomerConn(sid, done["conversation_id"], done["session_id"], customer_id,
                                      identity_token if identity else None, address)
    await svc.notifier.join_conversation(sid, done["conversation_id"])
    if done["rejected"] or done["link_bad"]:
        exc = errors.LinkExpired() if done["link_bad"] else errors.SessionForbidden()
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


def _resumed(s: Session, svc: Service, resume: Optional[ResumeClaim], customer_id: Optional[int]
             ) -> Tuple[Optional[Conversation], bool, List[Event]]:
    """The conversation a check-in link opens: (conversation or None, link refused, events).

    Refused: forged, expired, not a sent check-in of that conversation, or a signed-in customer
    other than the one the conversation belongs to."""
    conv = conv_store.get_conversation(s, resume.conversation_id) if resume else None
    checkin = followups.get(s, resume.followup_id) if resume else None
    if (conv is None or checkin is None or checkin.conversation_id != conv.id
            or checkin.state not in (FollowupState.SENT, FollowupState.OPENED)
            or (customer_id is not None and conv.customer_id not in (None, customer_id))):
        return None, True, []
    if not followups.mark_opened(s, checkin.id):
        return conv, False, []  # opened before: just the conversation again
    events: List[Event] = []
    if conv.status == ConversationStatus.RESOLVED:
        conv_store.reopen_for_bot(s, conv.id)
        events.append(StatusChanged(conv.id))
    brief = conv_store.customer_brief(s, checkin.customer_id) or {}
    msg = conv_store.append_message(s, conv.id, Sender.SYSTEM, wording.welcome_back(
        wording.first_name(brief.get("name")), checkin.kind, checkin.order_number))
    return conv, False, [MessageAdded(conv.id, msg), *events]


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
