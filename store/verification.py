"""Who proved what: failed order-number + e-mail matches, and the orders a conversation verified.

Failures are rows (one per failed match, with the order number tried and the client's
address), so the limit holds across conversations and sessions and every process sees it.
``Session`` first, flush only.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models.base import utcnow
from store.models.security import VerificationFailure, VerifiedOrder
from store.security_policy import SecurityPolicy


def record_failure(session: Session, order_number: Optional[str], client_address: Optional[str]) -> None:
    """Count one failed match against the order number and the address it came from."""
    session.add(VerificationFailure(order_number=(order_number or None), client_address=(client_address or None),
                                    at=utcnow()))
    session.flush()


def _recent(session: Session, column: object, value: str, policy: SecurityPolicy) -> int:
    since = utcnow() - policy.window
    return int(session.execute(select(func.count()).select_from(VerificationFailure)
                               .where(column == value, VerificationFailure.at >= since)).scalar_one())


def locked_out(session: Session, order_number: Optional[str], client_address: Optional[str],
               policy: SecurityPolicy) -> bool:
    """True once this order number, or this address, failed too often within the window."""
    if order_number and _recent(session, VerificationFailure.order_number, order_number,
                                policy) >= policy.max_failures_per_order:
        return True
    return bool(client_address) and _recent(session, VerificationFailure.client_address, str(client_address),
                                            policy) >= policy.max_failures_per_address


def mark_verified(session: Session, conversation_id: int, order_id: int) -> None:
    """Remember that this conversation's visitor proved ``order_id`` is theirs (idempotent; a
    conversation's turns run one at a time, so the check-then-insert does not race)."""
    if not verified_in(session, conversation_id, order_id):
        session.add(VerifiedOrder(conversation_id=conversation_id, order_id=order_id, at=utcnow()))
        session.flush()


def verified_in(session: Session, conversation_id: int, order_id: Optional[int]) -> bool:
    """True when the visitor of ``conversation_id`` verified ``order_id`` in it."""
    if order_id is None:
        return False
    return session.execute(select(VerifiedOrder.id).where(VerifiedOrder.conversation_id == conversation_id,
                                                          VerifiedOrder.order_id == order_id)).first() is not None
