"""SQL for running each conversation's turns one at a time, across nodes, and after crashes.

A node task claims a conversation with a conditional UPDATE (atomic on PostgreSQL and
SQLite) that holds until ``turn_until``; it then answers the conversation's unanswered
customer messages in order and marks each one answered in the same transaction as its
replies. A claim whose holder died simply expires; a node restarting under the same node id
drops its own claims at once. Nothing stays in any process's memory.

Owners are ``"<node id>/<random>"``, so a node can find its own claims.

Synchronous, ``Session`` first, never commits (see ``store.conversations``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, List, Optional

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from store.models.base import utcnow
from store.models.support import Conversation, Message, Sender


def _free(now: dt.datetime) -> Any:
    return or_(Conversation.turn_until.is_(None), Conversation.turn_until < now)


def claim(session: Session, conversation_id: int, owner: str, lease_s: float) -> bool:
    """Take the conversation's turn claim for ``lease_s`` seconds; False while another holds it."""
    now = utcnow()
    result = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, or_(_free(now), Conversation.turn_owner == owner))
        .values(turn_owner=owner, turn_until=now + dt.timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def release(session: Session, conversation_id: int, owner: str) -> None:
    """Give the claim up (only when ``owner`` still holds it)."""
    session.execute(update(Conversation)
                    .where(Conversation.id == conversation_id, Conversation.turn_owner == owner)
                    .values(turn_owner=None, turn_until=None).execution_options(synchronize_session=False))


def release_node(session: Session, node_id: str) -> int:
    """Drop every claim held by tasks of ``node_id`` (the node is starting: none of them runs)."""
    result = session.execute(update(Conversation)
                             .where(Conversation.turn_owner.startswith(f"{node_id}/", autoescape=True))
                             .values(turn_owner=None, turn_until=None).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def next_unanswered(session: Session, conversation_id: int) -> Optional[Message]:
    """The oldest customer message of the conversation whose turn has not run."""
    return session.execute(
        select(Message).where(Message.conversation_id == conversation_id, Message.sender == Sender.CUSTOMER,
                              Message.answered_at.is_(None))
        .order_by(Message.seq).limit(1)).scalar_one_or_none()


def mark_answered(session: Session, message_id: int) -> None:
    """The message's turn is done."""
    session.execute(update(Message).where(Message.id == message_id, Message.answered_at.is_(None))
                    .values(answered_at=utcnow()).execution_options(synchronize_session=False))


def take_next(session: Session, conversation_id: int, owner: str, lease_s: float) -> Optional[Message]:
    """Claim (or renew) the conversation for ``owner`` and return its next unanswered message.

    None when another task holds the claim, or when nothing is left (then the claim is given up
    in the same transaction). The look after the release catches a message whose own task found
    the claim taken just before: its statement ran before ours, so we see that message and keep
    the claim; a claim attempt after our release waits for our commit and then succeeds.
    """
    if not claim(session, conversation_id, owner, lease_s):
        return None
    msg = next_unanswered(session, conversation_id)
    if msg is None:
        release(session, conversation_id, owner)
        msg = next_unanswered(session, conversation_id)
        if msg is not None and not claim(session, conversation_id, owner, lease_s):
            return None
    return msg


def stranded(session: Session, since: dt.datetime, before: dt.datetime, limit: int = 50) -> List[int]:
    """Conversations with an unanswered customer message stored between ``since`` and ``before``
    and no live claim (``before`` leaves a just-acknowledged message to the node running it)."""
    now = utcnow()
    rows = session.execute(
        select(Message.conversation_id).join(Conversation, Conversation.id == Message.conversation_id)
        .where(and_(Message.answered_at.is_(None), Message.sender == Sender.CUSTOMER, Message.created_at >= since,
                    Message.created_at < before, _free(now)))
        .group_by(Message.conversation_id).order_by(Message.conversation_id).limit(limit)).scalars()
    return [int(r) for r in rows]
