"""SQL for the time-driven parts of a handoff: honest queue updates and idle auto-resolve.

Every write here is a compare-and-set on the conversation row (one conditional UPDATE,
rowcount 1 = ours), so the same periodic job on two nodes never sends an update twice nor
resolves a conversation twice. ``Session`` first, flush only.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional, Tuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.conversations import latest_handoff
from store.models.base import utcnow
from store.models.support import Conversation, ConversationStatus, Message, Sender


def claim_queue_update(session: Session, conversation_id: int, previous: Optional[dt.datetime],
                       position: int, now: Optional[dt.datetime] = None) -> bool:
    """Take the right to send the next update: only if nobody sent one since ``previous``."""
    last = Conversation.queue_updated_at
    taken = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status == ConversationStatus.QUEUED,
               last.is_(None) if previous is None else last == previous)
        .values(queue_updated_at=now or utcnow(), queue_updates=Conversation.queue_updates + 1,
                queue_position=position)
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def claim_close(session: Session, conversation_id: int, status: ConversationStatus,
                assignee_id: Optional[int]) -> bool:
    """Take the conversation out of ``status`` (held by ``assignee_id``) to be resolved; False
    when something else (an agent, another node) changed it first. The caller then ends the
    handoff (``store.conversations.end_handoff``) in the same transaction."""
    stmt = update(Conversation).where(Conversation.id == conversation_id, Conversation.status == status)
    if assignee_id is not None:
        stmt = stmt.where(Conversation.assignee_id == assignee_id)
    taken = session.execute(stmt.values(status=ConversationStatus.RESOLVED, updated_at=utcnow())
                            .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def assigned_activity(session: Session) -> List[Tuple[int, int, dt.datetime]]:
    """``(conversation_id, assignee_id, last customer activity)`` of every assigned conversation:
    the newest customer message, or when the agent took it if that is later."""
    last_customer = (select(Message.conversation_id, func.max(Message.created_at).label("at"))
                     .where(Message.sender == Sender.CUSTOMER).group_by(Message.conversation_id).subquery())
    rows = session.execute(
        select(Conversation.id, Conversation.assignee_id, last_customer.c.at, Conversation.created_at)
        .outerjoin(last_customer, last_customer.c.conversation_id == Conversation.id)
        .where(Conversation.status == ConversationStatus.ASSIGNED, Conversation.assignee_id.is_not(None))
    ).all()
    out = []
    for cid, assignee, at, created in rows:
        handoff = latest_handoff(session, cid)
        moments = [m for m in (at, handoff.accepted_at if handoff else None, created) if m is not None]
        out.append((int(cid), int(assignee), max(moments)))
    return out


def queued_ids(session: Session) -> List[int]:
    """Every queued conversation, oldest wait first."""
    return list(session.execute(select(Conversation.id).where(Conversation.status == ConversationStatus.QUEUED)
                                .order_by(Conversation.waiting_since, Conversation.id)).scalars())
