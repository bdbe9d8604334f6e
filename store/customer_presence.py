"""SQL for customer presence shared by every node: one row per open customer socket.

A customer is with their conversation while it has a row whose ``last_seen`` is newer than the
caller's ``since`` (now minus ``PRESENCE_TTL_S``); each node refreshes its own rows on its
heartbeat (``handoff.service.upkeep``), so the sockets of a node that died stop counting on
their own. Joining a conversation ends an absence: its ``away_notified`` flag is cleared, so the
next absence may get its one notice (``store.notices``).

Synchronous, ``Session`` first, never commits (see ``store.conversations``).
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from store.models.base import utcnow
from store.models.support import Conversation, CustomerPresence


def arrive(session: Session, sid: str, conversation_id: int, node_id: str) -> None:
    """Record the socket ``sid`` in ``conversation_id`` (a socket moving conversations keeps one row)."""
    session.merge(CustomerPresence(sid=sid, conversation_id=conversation_id, node_id=node_id, last_seen=utcnow()))
    session.execute(update(Conversation).where(Conversation.id == conversation_id, Conversation.away_notified.is_(True))
                    .values(away_notified=False).execution_options(synchronize_session=False))
    session.flush()


def leave(session: Session, sid: str) -> None:
    """Forget the socket ``sid`` (safe to call twice)."""
    session.execute(delete(CustomerPresence).where(CustomerPresence.sid == sid)
                    .execution_options(synchronize_session=False))


def is_present(session: Session, conversation_id: int, since: dt.datetime) -> bool:
    """True while some node holds a live customer socket of the conversation."""
    return bool(session.execute(select(func.count()).select_from(CustomerPresence).where(
        CustomerPresence.conversation_id == conversation_id, CustomerPresence.last_seen >= since)).scalar_one())


def heartbeat(session: Session, node_id: str, sids: List[str]) -> int:
    """Vouch for this node's open sockets ``sids``; returns how many rows were refreshed."""
    if not sids:
        return 0
    result = session.execute(update(CustomerPresence).where(CustomerPresence.node_id == node_id,
                                                            CustomerPresence.sid.in_(sids))
                             .values(last_seen=utcnow()).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def expire(session: Session, since: dt.datetime, node_id: Optional[str] = None) -> int:
    """Drop rows not seen since ``since`` (and every row of ``node_id``, a node starting afresh)."""
    stale = CustomerPresence.last_seen < since
    if node_id is not None:
        stale = stale | (CustomerPresence.node_id == node_id)
    result = session.execute(delete(CustomerPresence).where(stale).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)
