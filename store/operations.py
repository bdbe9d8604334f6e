"""Order and account operations that are not grants: return, cancel, re-address, reset.

Same conventions as :mod:`store.resolutions`: ``Session`` first, flush only, domain errors
from :mod:`store.errors`. Cancel and return record a :class:`Resolution` (the money that
goes back); an address change and a password reset have their own audit (the order row,
the ``password_resets`` row).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, Callable, Dict, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.budgets import lock_row
from store.errors import InvalidInput, NotAllowed, NotFound
from store.models import (
    Actor,
    Charge,
    ChargeStatus,
    Customer,
    ItemCondition,
    Order,
    OrderStatus,
    PasswordReset,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
)
from store.models.base import today
from store.read.orders import days_late, get_order, items_value
from store.read.records import resolution_dict
from store.resolution_policy import ResolutionPolicy, default_policy
from store.resolutions import money, record

ADDRESS_MIN, ADDRESS_MAX = 10, 300
RESET_TTL = dt.timedelta(hours=1)


def _locked(session: Session, order_number: str) -> Order:
    """The order, locked until commit and re-read (see :mod:`store.budgets`)."""
    order = get_order(session, order_number)
    lock_row(session, Order, order.id)
    session.refresh(order)
    return order


def start_return(session: Session, order_number: str, *, reason: str = "customer asked to return it",
                 actor: Actor = Actor.BOT, agent_id: Optional[int] = None,
                 conversation_id: Optional[int] = None,
                 policy: Optional[ResolutionPolicy] = None) -> Dict[str, Any]:
    """Open a return with a prepaid label; the refund follows when the parcel arrives."""
    policy = policy or default_policy()
    order = _locked(session, order_number)
    if order.status == OrderStatus.PROCESSING:
        raise NotAllowed(f"order #{order.number} has not shipped yet, so it can simply be cancelled")
    if order.status != OrderStatus.DELIVERED:
        raise NotAllowed(f"order #{order.number} is {order.status.value.replace('_', ' ')}, "
                         "not delivered yet")
    open_return = session.execute(select(Resolution).where(
        Resolution.order_id == order.id, Resolution.kind == ResolutionKind.RETURN)).scalars().first()
    if open_return is not None:
        raise NotAllowed(f"a return for order #{order.number} is already open")
    delivered = order.delivered_at.date() if order.delivered_at else None
    age = (today() - delivered).days if delivered else 0
    if actor == Actor.BOT and age > policy.return_window_days:
        raise NotAllowed(f"order #{order.number} was delivered {age} days ago, past the "
                         f"{policy.return_window_days}-day window", needs_human=True)
    amount = items_value(order.items)
    row = record(session, kind=ResolutionKind.RETURN, customer_id=order.customer_id, amount=amount,
                 reason=reason, actor=actor, agent_id=agent_id, conversation_id=conversation_id,
                 order_id=order.id, status=ResolutionStatus.IN_PROGRESS,
                 details={"label": f"/returns/{order.number}/label", "refund_on_receipt": money(amount)})
    return resolution_dict(row)


def cancel_order(session: Session, order_number: str, *, reason: str = "customer cancelled before dispatch",
                 actor: Actor = Actor.BOT, agent_id: Optional[int] = None,
                 conversation_id: Optional[int] = None) -> Dict[str, Any]:
    """Cancel an order that has not shipped and refund what was paid for it (once, even from two sessions)."""
    order = _locked(session, order_number)
    if order.status != OrderStatus.PROCESSING:
        raise NotAllowed(f"order #{order.number} is already {order.status.value.replace('_', ' ')}")
    order.status = OrderStatus.CANCELLED
    charges = session.execute(select(Charge).where(
        Charge.order_id == order.id, Charge.status == ChargeStatus.SUCCEEDED)).scalars().all()
    for charge in charges:
        charge.status = ChargeStatus.REFUNDED
    row = record(session, kind=ResolutionKind.REFUND, customer_id=order.customer_id, amount=order.total,
                 reason=reason, actor=actor, agent_id=agent_id, conversation_id=conversation_id,
                 order_id=order.id, status=ResolutionStatus.IN_PROGRESS,
                 details={"cancelled": True, "charges": [c.id for c in charges]})
    return resolution_dict(row)


def change_shipping_address(session: Session, order_number: str, new_address: str) -> Dict[str, Any]:
    """Re-address an order before dispatch."""
    address = " ".join(str(new_address or "").split())
    if not ADDRESS_MIN <= len(address) <= ADDRESS_MAX:
        raise InvalidInput(f"An address needs {ADDRESS_MIN} to {ADDRESS_MAX} characters "
                           "(street, city and postcode).")
    order = get_order(session, order_number)
    if order.status != OrderStatus.PROCESSING:
        raise NotAllowed(f"order #{order.number} has already left the warehouse "
                         f"({order.status.value.replace('_', ' ')})", needs_human=True)
    old, order.shipping_address = order.shipping_address, address
    session.flush()
    return {"order": order.number, "old_address": old, "new_address": address}


def hash_reset_token(token: str) -> str:
    """What is stored for a reset token (never the token itself)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_password_reset(session: Session, customer_id: int, *, unlock: bool = False,
                          ttl: dt.timedelta = RESET_TTL) -> Dict[str, Any]:
    """Record a reset link for the customer (the caller mails it; it never goes in the chat).

    Args:
        unlock: also lift a sign-in lock now; only for a customer whose identity is proven
            (signed in with the shop's token). Otherwise the lock lifts when the new password
            is set from the link, so knowing someone's e-mail or order unlocks nothing.
    Returns:
        ``{"link": "/reset/<token>", "expires_at", "locked", "unlocked", "email"}``; only the
        token's hash is stored.
    """
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"There is no customer {customer_id}.")
    token = secrets.token_urlsafe(32)
    now = dt.datetime.utcnow()
    session.add(PasswordReset(customer_id=customer.id, token_hash=hash_reset_token(token),
                              created_at=now, expires_at=now + ttl))
    locked = bool(customer.account_locked)
    if unlock:
        customer.account_locked = False
        customer.failed_logins = 0
    session.flush()
    return {"link": f"/reset/{token}", "expires_at": (now + ttl).isoformat(), "locked": locked and not unlock,
            "unlocked": locked and unlock, "email": customer.email}


def _has(order: Order, condition: ItemCondition) -> bool:
    return any(item.condition == condition for item in order.items)


_TOPICS: Dict[str, Tuple[Callable[[Order], bool], ...]] = {
    "late": (lambda o: days_late(o) > 0 and o.delivered_at is None,
             lambda o: o.status in (OrderStatus.DELAYED, OrderStatus.IN_TRANSIT, OrderStatus.SHIPPED)),
    "damaged": (lambda o: o.status == OrderStatus.DELIVERED and _has(o, ItemCondition.DAMAGED),),
    "wrong": (lambda o: o.status == OrderStatus.DELIVERED and _has(o, ItemCondition.WRONG),),
    "return": (lambda o: o.status == OrderStatus.DELIVERED,),
    "refund": (lambda o: o.status == OrderStatus.RETURNED, lambda o: o.status == OrderStatus.CANCELLED),
    "not_shipped": (lambda o: o.status == OrderStatus.PROCESSING,),
}
INTENT_TOPICS = {
    "delivery_late": "late", "order_status": "late", "item_damaged": "damaged", "wrong_item": "wrong",
    "return_item": "return", "request_refund": "return", "refund_status": "refund",
    "cancel_order": "not_shipped", "change_order": "not_shipped", "change_shipping_address": "not_shipped",
}


def order_for_topic(session: Session, customer_id: int, intent: Optional[str]) -> Optional[str]:
    """The customer's order an intent is most likely about (newest first), if any.

    A signed-in customer is never asked which order: the late one for ``delivery_late``,
    the damaged one for ``item_damaged``, one still processing for ``cancel_order``...
    and otherwise their most recent order.
    """
    customer = session.get(Customer, customer_id)
    if customer is None or not customer.orders:
        return None
    for matches in _TOPICS.get(INTENT_TOPICS.get(intent or "", ""), ()):
        for order in customer.orders:
            if matches(order):
                return order.number
    return customer.orders[0].number
