"""The mail outbox: messages are enqueued in the caller's transaction and delivered later.

A deliverer (:mod:`common.mailer`) claims a pending row (``pending -> sending``, one
conditional UPDATE, so two deliverers never take the same row), sends it, and marks it
``sent``; a failed send puts it back to ``pending`` with ``attempts`` + 1. ``Session``
first, flush only, like every store module.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.errors import InvalidInput
from store.models.base import utcnow
from store.models.security import OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 5
# A row left ``sending`` this long (its deliverer died) is offered again.
STALE_CLAIM = dt.timedelta(minutes=10)


def enqueue(session: Session, to: str, subject: str, body: str) -> int:
    """Add a message to the outbox; returns its id (sent once the caller commits)."""
    if not to or "@" not in to:
        raise InvalidInput("A message needs an e-mail address to go to.")
    row = OutboxMessage(to_address=to.strip(), subject=subject.strip()[:200], body=body,
                        status=OutboxStatus.PENDING, attempts=0, created_at=utcnow())
    session.add(row)
    session.flush()
    return int(row.id)


def pending_ids(session: Session, limit: int = 50) -> List[int]:
    """Rows a deliverer may try to claim, oldest first."""
    stale = utcnow() - STALE_CLAIM
    stmt = (select(OutboxMessage.id)
            .where(OutboxMessage.attempts < MAX_ATTEMPTS,
                   (OutboxMessage.status == OutboxStatus.PENDING)
                   | ((OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < stale)))
            .order_by(OutboxMessage.id).limit(limit))
    return list(session.execute(stmt).scalars())


def claim(session: Session, message_id: int) -> Optional[Dict[str, Any]]:
    """Take the row for delivery; None when another deliverer was first (commit right after)."""
    now = utcnow()
    taken = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               (OutboxMessage.status == OutboxStatus.PENDING)
               | ((OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < now - STALE_CLAIM)))
        .values(status=OutboxStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        return None
    row = session.get(OutboxMessage, message_id)
    assert row is not None
    return {"id": row.id, "to": row.to_address, "subject": row.subject, "body": row.body}


def mark_sent(session: Session, message_id: int) -> None:
    """The message left: it is never sent again."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                    .values(status=OutboxStatus.SENT, sent_at=utcnow(), last_error=None)
                    .execution_options(synchronize_session=False))


def mark_failed(session: Session, message_id: int, error: str) -> None:
    """The send failed: offer the message again (up to :data:`MAX_ATTEMPTS`)."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                    .values(status=OutboxStatus.PENDING, attempts=OutboxMessage.attempts + 1,
                            last_error=error[:500])
                    .execution_options(synchronize_session=False))


def messages_to(session: Session, to: str) -> List[Dict[str, Any]]:
    """Every message for ``to``, oldest first (tests and support tools)."""
    rows = session.execute(select(OutboxMessage).where(OutboxMessage.to_address == to)
                           .order_by(OutboxMessage.id)).scalars()
    return [{"id": r.id, "subject": r.subject, "body": r.body, "status": r.status.value} for r in rows]
