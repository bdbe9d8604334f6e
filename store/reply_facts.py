"""What a suggested reply may say in one conversation: verified names and orders, and the
promises this agent could keep right now.

Names come only from the customer the conversation is bound to (a signed-in, verified
identity); an anonymous visitor is never named. The order is the one the customer is upset
about: one they named (when it is theirs, or verified in this conversation), else one a grant
in this conversation was made on, else one the visitor verified, else the customer's most
pressing issue; a replacement order always stands for the original it replaced. Promises are
asked of :func:`store.resolutions.check_grant` without its lock (the grant itself checks
again, locked), so the console offers only what the agent's budget and the policy allow.

Synchronous, ``Session`` first, never writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import (
    Actor,
    Charge,
    ChargeStatus,
    Conversation,
    Customer,
    Order,
    OrderStatus,
    Resolution,
    ResolutionKind,
)
from store.models.security import VerifiedOrder
from store.models.support import Message, Sender
from store.read.billing import duplicate_charges
from store.read.context import most_pressing_issue
from store.read.orders import days_late, issue_items, items_value
from store.read.values import normalize_order_number
from store.resolution_policy import ResolutionPolicy, default_policy
from store.resolutions import check_grant

# Facts a reply may depend on (the designers' `reply_claims:` in policy/phrase_bank.yml name them).
ORDER = "order"  # a verified order is known
GIFT = "gift"  # that order is a gift
PAID_SHIPPING = "paid_shipping"  # the customer paid extra for fast (express / overnight) shipping
LATE = "late"  # it is past its promised date
SHIPPING_CREDIT = "shipping_credit"  # this agent may credit the shipping paid
REPLACEMENT = "replacement"  # this agent may replace its damaged or wrong items
ORDER_REFUND = "order_refund"  # this agent may refund what was paid for it, in full
DUPLICATE_REFUND = "duplicate_refund"  # this agent may refund a duplicate charge of the customer
FACTS = (ORDER, GIFT, PAID_SHIPPING, LATE, SHIPPING_CREDIT, REPLACEMENT, ORDER_REFUND, DUPLICATE_REFUND)


@dataclass(frozen=True)
class ReplyFacts:
    """The verified context a suggested reply is filled from."""

    first_name: Optional[str] = None
    order_number: Optional[str] = None
    facts: FrozenSet[str] = field(default_factory=frozenset)

    def to_dict(self) -> Dict[str, Any]:
        return {"first_name": self.first_name, "order_number": self.order_number, "facts": sorted(self.facts)}


def _first_name(customer: Optional[Customer]) -> Optional[str]:
    name = (customer.name or "").strip() if customer is not None else ""
    return name.split()[0] if name else None


def _originals(session: Session, customer_id: int) -> Dict[str, int]:
    """Replacement order number -> id of the order it replaced, for one customer."""
    rows = session.execute(select(Resolution.order_id, Resolution.details).where(
        Resolution.customer_id == customer_id, Resolution.kind == ResolutionKind.REPLACEMENT)).all()
    return {str(details["replacement_order"]): order_id for order_id, details in rows
            if order_id is not None and isinstance(details, dict) and details.get("replacement_order")}


def _named_numbers(messages: Iterable[Message]) -> List[str]:
    """Order numbers the customer named, newest first (the NLU's `order_number` entities)."""
    out: List[str] = []
    for msg in sorted(messages, key=lambda m: m.seq, reverse=True):
        for entity in (msg.parse or {}).get("entities") or []:
            if isinstance(entity, dict) and entity.get("entity") == "order_number" and entity.get("value"):
                number = normalize_order_number(entity["value"])
                if number and number not in out:
                    out.append(number)
    return out


def _verified_ids(session: Session, conversation_id: int) -> List[int]:
    rows = session.execute(select(VerifiedOrder.order_id).where(VerifiedOrder.conversation_id == conversation_id)
                           .order_by(VerifiedOrder.id.desc())).scalars()
    return list(rows)


def topic_order(session: Session, conv: Conversation) -> Optional[Order]:
    """The order the customer is upset about, verified for this conversation (see the module doc)."""
    verified = _verified_ids(session, conv.id)

    def allowed(order: Optional[Order]) -> bool:
        if order is None:
            return False
        return order.customer_id == conv.customer_id if conv.customer_id is not None else order.id in verified

    def original(order: Order) -> Order:
        replaced = _originals(session, order.customer_id).get(order.number)
        return (session.get(Order, replaced) or order) if replaced is not None else order

    messages = session.execute(select(Message).where(Message.conversation_id == conv.id,
                                                     Message.sender == Sender.CUSTOMER)).scalars()
    for number in _named_numbers(messages):
        order = session.execute(select(Order).where(Order.number == number)).scalar_one_or_none()
        if allowed(order):
            return original(order)
    granted_on = session.execute(select(Resolution.order_id).where(
        Resolution.conversation_id == conv.id, Resolution.order_id.isnot(None))
        .order_by(Resolution.id)).scalars().first()
    for order_id in ([granted_on] if granted_on is not None else []) + verified:
        order = session.get(Order, order_id)
        if allowed(order):
            return original(order)
    if conv.customer_id is not None:
        issue = most_pressing_issue(session, conv.customer_id) or {}
        if issue.get("order"):
            order = session.execute(select(Order).where(Order.number == str(issue["order"]))).scalar_one_or_none()
            if allowed(order):
                return original(order)
    return None


def _may(session: Session, kind: ResolutionKind, order: Order, amount: Any, agent_id: int, conversation_id: int,
         policy: Optional[ResolutionPolicy]) -> bool:
    if Decimal(str(amount or 0)) <= 0:
        return False
    return check_grant(session, kind=kind, customer_id=order.customer_id, amount=amount, order_id=order.id,
                       actor=Actor.AGENT, agent_id=agent_id, policy=policy, conversation_id=conversation_id,
                       lock=False).allowed


def reply_facts(session: Session, conversation_id: int, agent_id: int,
                policy: Optional[ResolutionPolicy] = None) -> ReplyFacts:
    """What a reply in ``conversation_id`` may name and promise, for ``agent_id``."""
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        return ReplyFacts()
    policy = policy or default_policy()
    customer = session.get(Customer, conv.customer_id) if conv.customer_id is not None else None
    order = topic_order(session, conv)
    facts: Set[str] = set()
    if order is not None:
        facts.add(ORDER)
        if order.is_gift:
            facts.add(GIFT)
        shipping = Decimal(str(order.shipping_paid or 0))
        if shipping > 0 and order.shipping_method.value in policy.credit_methods:
            facts.add(PAID_SHIPPING)
        if order.status not in (OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.RETURNED) \
                and days_late(order) > 0:
            facts.add(LATE)
        if shipping > 0 and _may(session, ResolutionKind.CREDIT, order, shipping, agent_id, conv.id, policy):
            facts.add(SHIPPING_CREDIT)
        items = issue_items(order)
        if order.status == OrderStatus.DELIVERED and items and \
                _may(session, ResolutionKind.REPLACEMENT, order, items_value(items), agent_id, conv.id, policy):
            facts.add(REPLACEMENT)
        charges = session.execute(select(Charge).where(Charge.order_id == order.id,
                                                       Charge.status == ChargeStatus.SUCCEEDED)).scalars()
        total = Decimal(str(order.total or 0))
        if any(Decimal(str(c.amount)) >= total and
               _may(session, ResolutionKind.REFUND, order, c.amount, agent_id, conv.id, policy) for c in charges):
            facts.add(ORDER_REFUND)
    owner = conv.customer_id if conv.customer_id is not None else (order.customer_id if order is not None else None)
    if owner is not None:
        for dup in duplicate_charges(session, owner):
            charge = session.get(Charge, dup["id"])
            on = session.get(Order, charge.order_id) if charge is not None and charge.order_id else None
            if conv.customer_id is None and (on is None or order is None or on.id != order.id):
                continue  # an anonymous visitor proved only their verified order
            if charge is not None and check_grant(
                    session, kind=ResolutionKind.REFUND, customer_id=charge.customer_id, amount=charge.amount,
                    order_id=charge.order_id, actor=Actor.AGENT, agent_id=agent_id, policy=policy,
                    conversation_id=conv.id, lock=False).allowed:
                facts.add(DUPLICATE_REFUND)
                break
    return ReplyFacts(first_name=_first_name(customer), order_number=order.number if order is not None else None,
                      facts=frozenset(facts))
