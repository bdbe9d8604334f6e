"""SQL for conversations, their transcript, handoffs and follow-up tickets.

Every function is synchronous, takes a ``Session`` first and never commits: the caller
(the handoff service, through ``AsyncSession.run_sync``) owns the transaction, so a
message and the state change it causes are committed together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from store.models.base import utcnow
from store.models.support import (
    Agent,
    AgentStatus,
    Conversation,
    ConversationLabel,
    ConversationStatus,
    Handoff,
    Message,
    Sender,
    Severity,
    Ticket,
)

# Customer and invoice reads live with the read models; re-exported until the service imports them from there.
from store.queries import customer_brief, get_invoice, list_customers  # noqa: F401,I001

OPEN_HANDOFF_STATUSES = (ConversationStatus.QUEUED, ConversationStatus.ASSIGNED)


def get_conversation(session: Session, conversation_id: int) -> Optional[Conversation]:
    """The conversation with ``conversation_id``, or None."""
    return session.get(Conversation, conversation_id)


def get_by_session_id(session: Session, session_id: str) -> Optional[Conversation]:
    """The conversation of a customer session id, or None."""
    return session.execute(select(Conversation).where(Conversation.session_id == session_id)).scalar_one_or_none()


def create_conversation(session: Session, session_id: str, customer_id: Optional[int]) -> Conversation:
    """A new bot-owned conversation for ``session_id``."""
    conv = Conversation(session_id=session_id, customer_id=customer_id, status=ConversationStatus.BOT,
                        last_seq=0, created_at=utcnow(), updated_at=utcnow())
    session.add(conv)
    session.flush()
    return conv


def next_seq(session: Session, conversation_id: int) -> int:
    """Reserve the conversation's next sequence number.

    The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) until commit,
    so two writers on one conversation, even in two processes, get consecutive numbers.
    """
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(last_seq=Conversation.last_seq + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    seq = session.execute(select(Conversation.last_seq).where(Conversation.id == conversation_id)).scalar_one()
    # Only a conversation this session already loaded needs refreshing (one that is not loaded
    # is read fresh when asked for): no extra SELECTs for every message a turn appends.
    conv = session.identity_map.get(session.identity_key(Conversation, conversation_id))
    if conv is not None:
        session.refresh(conv, ["last_seq", "updated_at"])
    return int(seq)


def append_message(
    session: Session,
    conversation_id: int,
    sender: Sender,
    text: str,
    *,
    private: bool = False,
    agent_id: Optional[int] = None,
    client_msg_id: Optional[str] = None,
    payload: Optional[Dict[str, Any]] = None,
    parse: Optional[Dict[str, Any]] = None,
    detection: Optional[Dict[str, Any]] = None,
) -> Message:
    """Append one message with the next sequence number."""
    msg = Message(
        conversation_id=conversation_id,
        seq=next_seq(session, conversation_id),
        sender=sender,
        text=text,
        private=private,
        agent_id=agent_id,
        client_msg_id=client_msg_id,
        payload=payload,
        parse=parse,
        detection=detection,
        created_at=utcnow(),
    )
    session.add(msg)
    session.flush()
    return msg


def find_client_message(session: Session, conversation_id: int, client_msg_id: str) -> Optional[Message]:
    """The customer message already stored under ``client_msg_id``, or None."""
    return session.execute(
        select(Message).where(Message.conversation_id == conversation_id, Message.client_msg_id == client_msg_id)
    ).scalar_one_or_none()


def update_analysis(session: Session, message_id: int, *, parse: Optional[dict] = None,
                    detection: Optional[dict] = None) -> None:
    """Store Rasa's parse and/or the detector's finding on a message."""
    msg = session.get(Message, message_id)
    if msg is None:
        return
    if parse is not None:
        msg.parse = parse
    if detection is not None:
        msg.detection = detection
    session.flush()


def messages_after(session: Session, conversation_id: int, after_seq: int = 0,
                   include_private: bool = False) -> List[Message]:
    """Messages with ``seq > after_seq`` in order (private notes only when asked)."""
    query = select(Message).where(Message.conversation_id == conversation_id, Message.seq > after_seq)
    if not include_private:
        query = query.where(Message.private.is_(False))
    return list(session.execute(query.order_by(Message.seq)).scalars())


def recent_customer_messages(session: Session, conversation_id: int, limit: int = 10) -> List[Message]:
    """The last ``limit`` customer messages, oldest first."""
    rows = session.execute(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.sender == Sender.CUSTOMER)
        .order_by(Message.seq.desc())
        .limit(limit)
    ).scalars()
    return list(reversed(list(rows)))


def open_handoff(session: Session, conversation_id: int, *, source: str, reasons: Sequence[str], score: float,
                 severity: Severity, priority: float, returned: bool = False) -> Handoff:
    """Queue the conversation and record why; keeps an already-open handoff.

    ``returned``: the customer is coming back to a person they had before: first in line.
    """
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        raise LookupError(conversation_id)
    current = latest_handoff(session, conversation_id)
    if conv.status in OPEN_HANDOFF_STATUSES and current is not None and current.ended_at is None:
        return current
    now = utcnow()
    conv.status = ConversationStatus.QUEUED
    conv.assignee_id = None
    conv.waiting_since = now
    conv.priority = priority
    conv.severity = severity
    conv.resolved_at = None
    conv.queue_updated_at, conv.queue_updates, conv.queue_position = None, 0, None  # a new wait's updates
    conv.returned_at = now if returned else None
    handoff = Handoff(conversation_id=conversation_id, source=source, reasons=list(reasons), score=score,
                      severity=severity, requested_at=now)
    session.add(handoff)
    session.flush()
    return handoff


def latest_handoff(session: Session, conversation_id: int) -> Optional[Handoff]:
    """The newest handoff record of a conversation."""
    return session.execute(
        select(Handoff).where(Handoff.conversation_id == conversation_id)
        .order_by(Handoff.requested_at.desc(), Handoff.id.desc()).limit(1)
    ).scalar_one_or_none()


def claim(session: Session, conversation_id: int, agent_id: int) -> bool:
    """Atomically assign a queued conversation; False when someone else was first."""
    result = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status == ConversationStatus.QUEUED)
        .values(status=ConversationStatus.ASSIGNED, assignee_id=agent_id, returned_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    handoff = latest_handoff(session, conversation_id)
    if handoff is not None and handoff.accepted_at is None:
        handoff.accepted_by = agent_id
        handoff.accepted_at = utcnow()
    conv = session.get(Conversation, conversation_id)
    session.refresh(conv)
    return True


def assign_to(session: Session, conversation_id: int, agent_id: int) -> None:
    """Move an assigned conversation to another agent (transfer)."""
    conv = session.get(Conversation, conversation_id)
    conv.assignee_id = agent_id
    conv.returned_at = None
    handoff = latest_handoff(session, conversation_id)
    if handoff is not None:
        handoff.accepted_by = agent_id
        handoff.accepted_at = utcnow()
    session.flush()


def requeue(session: Session, conversation_id: int) -> None:
    """Put an assigned conversation back in the queue (transfer to nobody)."""
    conv = session.get(Conversation, conversation_id)
    conv.status = ConversationStatus.QUEUED
    conv.assignee_id = None
    conv.waiting_since = utcnow()
    conv.queue_updated_at, conv.queue_updates, conv.queue_position = None, 0, None
    session.flush()


def end_handoff(session: Session, conversation_id: int, *, status: ConversationStatus, outcome: str,
                disposition: Optional[str] = None) -> None:
    """Close the open handoff and move the conversation to ``bot`` or ``resolved``."""
    conv = session.get(Conversation, conversation_id)
    now = utcnow()
    conv.status = status
    conv.assignee_id = None
    conv.waiting_since = None
    conv.returned_at = None
    if status == ConversationStatus.RESOLVED:
        conv.resolved_at = now
        conv.disposition = disposition
    handoff = latest_handoff(session, conversation_id)
    if handoff is not None and handoff.ended_at is None:
        handoff.ended_at = now
        handoff.outcome = outcome
    session.flush()


def reopen_for_bot(session: Session, conversation_id: int) -> None:
    """A resolved conversation the customer writes to again goes back to the bot."""
    conv = session.get(Conversation, conversation_id)
    conv.status = ConversationStatus.BOT
    session.flush()


def mark_first_agent_reply(session: Session, conversation_id: int) -> None:
    """Record the first agent reply time once."""
    conv = session.get(Conversation, conversation_id)
    if conv.first_agent_reply_at is None:
        conv.first_agent_reply_at = utcnow()
        session.flush()


def set_csat(session: Session, conversation_id: int, score: int) -> None:
    """Store the customer's satisfaction score (1-5)."""
    conv = session.get(Conversation, conversation_id)
    conv.csat = score
    session.flush()


def create_ticket(session: Session, conversation_id: int, email: str, summary: str) -> Ticket:
    """Record a promised e-mail follow-up."""
    conv = session.get(Conversation, conversation_id)
    conv.follow_up_email = email
    ticket = Ticket(conversation_id=conversation_id, customer_id=conv.customer_id, email=email,
                    summary=summary, status="open", created_at=utcnow())
    session.add(ticket)
    session.flush()
    return ticket


def queued_conversations(session: Session) -> List[Conversation]:
    """Every queued conversation, oldest wait first."""
    return list(session.execute(
        select(Conversation).where(Conversation.status == ConversationStatus.QUEUED)
        .order_by(Conversation.waiting_since, Conversation.id)
    ).scalars())


def active_counts(session: Session) -> Dict[int, int]:
    """Assigned conversations per agent id."""
    rows = session.execute(
        select(Conversation.assignee_id, func.count(Conversation.id))
        .where(Conversation.status == ConversationStatus.ASSIGNED, Conversation.assignee_id.is_not(None))
        .group_by(Conversation.assignee_id)
    ).all()
    return {int(agent_id): int(count) for agent_id, count in rows}


def last_message(session: Session, conversation_id: int, sender: Optional[Sender] = None) -> Optional[Message]:
    """The newest public message (of ``sender`` when given)."""
    query = select(Message).where(Message.conversation_id == conversation_id, Message.private.is_(False))
    if sender is not None:
        query = query.where(Message.sender == sender)
    return session.execute(query.order_by(Message.seq.desc()).limit(1)).scalar_one_or_none()


def is_expired(conv: Conversation, max_idle: dt.timedelta, now: Optional[dt.datetime] = None) -> bool:
    """True when nothing happened in the conversation for longer than ``max_idle``."""
    now = now or utcnow()
    return (now - (conv.updated_at or conv.created_at)) > max_idle


def agent_names(session: Session) -> Dict[int, str]:
    """Display name of every agent by id (for transcripts)."""
    return {int(i): str(n) for i, n in session.execute(select(Agent.id, Agent.display_name)).all()}


def set_flags(session: Session, conversation_id: int, *, awaiting_email: Optional[bool] = None,
              resume_pending: Optional[bool] = None) -> None:
    """Set the conversation's ``awaiting_email`` / ``resume_pending`` flags (None: unchanged)."""
    values = {k: v for k, v in (("awaiting_email", awaiting_email), ("resume_pending", resume_pending))
              if v is not None}
    if values:
        session.execute(update(Conversation).where(Conversation.id == conversation_id).values(**values)
                        .execution_options(synchronize_session=False))


def return_to_queue(session: Session, conversation_id: int, agent_id: int) -> bool:
    """Put a conversation its agent left (signed out, or offline past the grace) back in the queue,
    first in line (``returned_at``), its priority kept. False when it is no longer that agent's:
    of two nodes sweeping at once only one moves it (one conditional UPDATE)."""
    now = utcnow()
    result = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status == ConversationStatus.ASSIGNED,
               Conversation.assignee_id == agent_id)
        .values(status=ConversationStatus.QUEUED, assignee_id=None, waiting_since=now, returned_at=now,
                updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    conv = session.get(Conversation, conversation_id)
    if conv is not None:
        session.refresh(conv)
    handoff = latest_handoff(session, conversation_id)
    if handoff is not None and handoff.ended_at is None:  # the next agent's claim records them
        handoff.accepted_by = None
        handoff.accepted_at = None
    session.flush()
    return True


def assigned_to(session: Session, agent_id: int) -> List[int]:
    """Ids of the conversations assigned to ``agent_id``, oldest first."""
    return [int(i) for i in session.execute(
        select(Conversation.id).where(Conversation.status == ConversationStatus.ASSIGNED,
                                      Conversation.assignee_id == agent_id).order_by(Conversation.id)).scalars()]


def stranded(session: Session, offline_before: dt.datetime) -> List[tuple]:
    """``(conversation_id, agent_id)`` of assigned conversations whose agent has been offline
    since before ``offline_before`` (an unknown time counts as long ago)."""
    gone = select(Agent.id).where(Agent.status == AgentStatus.OFFLINE,
                                  or_(Agent.offline_since.is_(None), Agent.offline_since < offline_before))
    rows = session.execute(select(Conversation.id, Conversation.assignee_id).where(
        Conversation.status == ConversationStatus.ASSIGNED, Conversation.assignee_id.in_(gone))
        .order_by(Conversation.id)).all()
    return [(int(c), int(a)) for c, a in rows]


def last_handler(session: Session, conversation_id: int) -> Optional[int]:
    """The agent who last handled the conversation (accepted its latest finished handoff), or None."""
    return session.execute(
        select(Handoff.accepted_by).where(Handoff.conversation_id == conversation_id,
                                          Handoff.accepted_by.is_not(None), Handoff.ended_at.is_not(None))
        .order_by(Handoff.ended_at.desc(), Handoff.id.desc()).limit(1)).scalar_one_or_none()


def has_helped(session: Session, agent_id: int, conversation_id: int, customer_id: Optional[int] = None) -> bool:
    """Whether ``agent_id`` took a handoff of this conversation, or of an earlier one of ``customer_id``'s."""
    where = Handoff.conversation_id == conversation_id
    if customer_id is not None:
        where = or_(where, Handoff.conversation_id.in_(
            select(Conversation.id).where(Conversation.customer_id == customer_id)))
    return session.execute(select(Handoff.id).where(Handoff.accepted_by == agent_id, where).limit(1)).first() is not None


def set_priority(session: Session, conversation_id: int, value: float) -> None:
    """Store the priority the conversation keeps if it comes back to the queue."""
    session.execute(update(Conversation).where(Conversation.id == conversation_id).values(priority=value)
                    .execution_options(synchronize_session=False))


def add_label(session: Session, conversation_id: int, label: str, agent_id: Optional[int] = None) -> bool:
    """Label the conversation; False when it already had the label."""
    found = session.execute(select(ConversationLabel.id).where(
        ConversationLabel.conversation_id == conversation_id, ConversationLabel.label == label)).first()
    if found:
        return False
    session.add(ConversationLabel(conversation_id=conversation_id, label=label, agent_id=agent_id,
                                  created_at=utcnow()))
    session.flush()
    return True


def remove_label(session: Session, conversation_id: int, label: str) -> bool:
    """Take the label off; False when it wasn't there."""
    result = session.execute(delete(ConversationLabel).where(
        ConversationLabel.conversation_id == conversation_id, ConversationLabel.label == label)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)
