"""Budgets per incident, and the row locks that keep check-then-write grants race-safe.

An *incident* is an order (and the conversation it is handled in): whatever several grants
add up to there must stay within the granter's budget, and money given back for an order
never exceeds what was paid for it. Every grant locks its order (or its charge) first, so
two sessions granting at once are serialised and the second sees the first's row:
``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite a no-op ``UPDATE`` takes the database's
write lock (the connection begins its transaction at that statement) until commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional, Type

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.errors import NotAllowed
from store.models import Charge, Order, Resolution, ResolutionKind, ResolutionStatus
from store.verification import verified_in

MONEY_KINDS = (ResolutionKind.CREDIT, ResolutionKind.REFUND)


def lock_row(session: Session, model: Type[Any], row_id: int) -> None:
    """Hold ``model`` row ``row_id`` until the transaction ends (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(model.id).where(model.id == row_id).with_for_update())
    else:
        session.execute(update(model).where(model.id == row_id).values(id=model.id)
                        .execution_options(synchronize_session=False))


def lock_charge(session: Session, charge: Charge) -> None:
    """Lock a charge and re-read it, so its status is the committed one."""
    lock_row(session, Charge, charge.id)
    session.refresh(charge)


def granted(session: Session, *, kinds: Any = MONEY_KINDS, order_id: Optional[int] = None,
            conversation_id: Optional[int] = None) -> Decimal:
    """What has already been given back (granted or under way) on an order or in a conversation."""
    stmt = select(func.coalesce(func.sum(Resolution.amount), 0)).where(
        Resolution.kind.in_(kinds), Resolution.status != ResolutionStatus.PENDING_APPROVAL)
    if order_id is not None:
        stmt = stmt.where(Resolution.order_id == order_id)
    elif conversation_id is not None:
        stmt = stmt.where(Resolution.conversation_id == conversation_id)
    else:
        return Decimal("0")
    return Decimal(str(session.execute(stmt).scalar_one() or 0))


def paid_for(session: Session, order_id: int) -> Decimal:
    """What the customer paid for the order (its total)."""
    order = session.get(Order, order_id)
    return Decimal(str(order.total or 0)) if order is not None else Decimal("0")


def check_scope(session: Session, conversation_id: int, conversation_customer_id: Optional[int], *,
                order_number: Optional[str] = None, charge_id: Optional[int] = None) -> None:
    """Refuse a grant whose target is not the conversation's customer's.

    Signed in: the order or charge must be theirs. Anonymous: it must belong to an order the
    visitor verified in this conversation (order number + e-mail), so nothing is granted to
    a stranger's order. Unknown orders and charges are left to the grant (``NotFound``).
    """
    order = session.execute(select(Order).where(Order.number == str(order_number))).scalar_one_or_none() \
        if order_number is not None else None
    charge = session.get(Charge, charge_id) if charge_id is not None else None
    if order is None and charge is None:
        return
    owner = order.customer_id if order is not None else (charge.customer_id if charge is not None else None)
    order_id = order.id if order is not None else (charge.order_id if charge is not None else None)
    if conversation_customer_id is not None:
        if owner != conversation_customer_id:
            raise NotAllowed("that belongs to another customer")
        return
    if not verified_in(session, conversation_id, order_id):
        raise NotAllowed("in an anonymous conversation a grant needs an order the visitor verified here")
