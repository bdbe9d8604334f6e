"""SQL for proactive offers of help (``proactive_offers``): once per signal per conversation.

Functions take a Session first and never commit. :func:`lock_conversation` serialises the
check-then-write of two nodes hearing the same signal: the second waits, then sees the
first one's row (the unique constraint is the backstop).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.budgets import lock_row
from store.models.base import utcnow
from store.models.proactive import ProactiveOffer
from store.models.support import Conversation

DISMISSED, ACCEPTED = "dismissed", "accepted"


def lock_conversation(session: Session, conversation_id: int) -> Optional[Conversation]:
    """Hold the conversation's row until the transaction ends and return it freshly read."""
    lock_row(session, Conversation, conversation_id)
    conv = session.get(Conversation, conversation_id)
    if conv is not None:
        session.refresh(conv)
    return conv


def find(session: Session, conversation_id: int, signal: str) -> Optional[ProactiveOffer]:
    """The conversation's row for ``signal`` (offered or dismissed), or None."""
    return session.execute(select(ProactiveOffer).where(ProactiveOffer.conversation_id == conversation_id,
                                                        ProactiveOffer.signal == signal)).scalar_one_or_none()


def record_offer(session: Session, conversation_id: int, signal: str, count: int,
                 context: Optional[Dict[str, Any]], seq: int) -> ProactiveOffer:
    """The offer of ``signal``, made as message ``seq``."""
    row = ProactiveOffer(conversation_id=conversation_id, signal=signal, count=count, context=context or None,
                         seq=seq, created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def dismiss(session: Session, conversation_id: int, signal: str) -> bool:
    """Record "No thanks" for ``signal`` (a row without an offer when none was made, so none follows).

    Returns True when this changed something (False: already dismissed).
    """
    row = find(session, conversation_id, signal)
    if row is None:
        session.add(ProactiveOffer(conversation_id=conversation_id, signal=signal, count=0, seq=None,
                                   created_at=utcnow(), outcome=DISMISSED, outcome_at=utcnow()))
        session.flush()
        return True
    if row.outcome == DISMISSED:
        return False
    row.outcome, row.outcome_at = DISMISSED, utcnow()
    session.flush()
    return True


def accept(session: Session, conversation_id: int, signal: str) -> bool:
    """Record that the customer took the offer of ``signal`` up (only an unanswered offer)."""
    result = session.execute(
        update(ProactiveOffer)
        .where(ProactiveOffer.conversation_id == conversation_id, ProactiveOffer.signal == signal,
               ProactiveOffer.seq.isnot(None), ProactiveOffer.outcome.is_(None))
        .values(outcome=ACCEPTED, outcome_at=utcnow())
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)


def unanswered_offer_at(session: Session, conversation_id: int, seq: int) -> Optional[str]:
    """The signal of the unanswered offer made as message ``seq``, or None."""
    return session.execute(select(ProactiveOffer.signal).where(
        ProactiveOffer.conversation_id == conversation_id, ProactiveOffer.seq == seq,
        ProactiveOffer.outcome.is_(None))).scalar_one_or_none()


def offers(session: Session, conversation_id: int) -> Dict[str, Dict[str, Any]]:
    """Every row of the conversation by signal, JSON-ready (for views and tests)."""
    rows = session.execute(select(ProactiveOffer).where(ProactiveOffer.conversation_id == conversation_id)).scalars()
    return {r.signal: {"seq": r.seq, "count": r.count, "context": r.context, "outcome": r.outcome} for r in rows}
