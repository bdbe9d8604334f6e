"""'Make it Right': policy checks and the grants that change the store.

The policy (``policy/resolutions.yml``) says what the bot may grant alone; agents grant up
to their own ``resolution_budget`` per incident: what all grants on the order (and in the
conversation) add up to, never more than was paid (:mod:`store.budgets`, which also locks
the order or charge so two sessions cannot both pass a check). Every grant is a
:class:`Resolution` row saying what,
how much, by whom and why. Functions take a ``Session`` first and only flush: the caller
owns the transaction (``store.db.transaction``). Order-level operations that are not
grants (return, cancel, address, password reset) live in :mod:`store.operations`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import followups
from store.budgets import MONEY_KINDS, granted, lock_charge, lock_row, paid_for
from store.errors import InvalidInput, NotAllowed, NotFound
from store.models import (
    Actor,
    Agent,
    Charge,
    ChargeStatus,
    Customer,
    CustomerTier,
    ItemCondition,
    Order,
    OrderItem,
    OrderStatus,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
)
from store.models.base import today
from store.read.billing import duplicate_of
from store.read.orders import days_late, get_order, issue_items, items_value
from store.read.records import resolution_dict
from store.resolution_policy import ResolutionPolicy, default_policy

CENT = Decimal("0.01")
GRANT_KINDS = (ResolutionKind.CREDIT, ResolutionKind.REFUND, ResolutionKind.REPLACEMENT)


@dataclass(frozen=True)
class GrantCheck:
    """Whether ``actor`` may grant this alone; if not, whether a person may decide it."""

    allowed: bool
    needs_human: bool
    reason: str


def money(value: Any) -> str:
    """Money as a JSON-ready string with two decimals ("24.99")."""
    return str(Decimal(str(value or 0)).quantize(CENT))


def prior_grants(session: Session, order_id: int) -> List[Resolution]:
    """Credits, refunds and replacements already granted (or under way) on an order."""
    stmt = select(Resolution).where(
        Resolution.order_id == order_id,
        Resolution.kind.in_(GRANT_KINDS),
        Resolution.status != ResolutionStatus.PENDING_APPROVAL,
    )
    return list(session.execute(stmt).scalars())


def check_grant(
    session: Session,
    *,
    kind: ResolutionKind,
    customer_id: int,
    amount: Any,
    order_id: Optional[int] = None,
    actor: Actor = Actor.BOT,
    agent_id: Optional[int] = None,
    policy: Optional[ResolutionPolicy] = None,
    conversation_id: Optional[int] = None,
    lock: bool = True,
) -> GrantCheck:
    """Decide whether ``actor`` may grant ``kind`` worth ``amount`` on its own.

    The bot: per-kind limits (for everything of that kind in the conversation), once per
    order, VIPs above ``vip_human_over``; whatever it may not grant, a person may
    (``needs_human``). An agent: their own budget for the whole incident. Nobody gives back
    more money than was paid for the order. Locks the order row first (held until commit);
    ``lock=False`` only asks (what the console may offer, its next best action), and a grant checks again,
    locked.
    """
    policy = policy or default_policy()
    value = Decimal(str(amount))
    if value < 0:
        raise InvalidInput("An amount cannot be negative.")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"There is no customer {customer_id}.")
    if order_id is not None:
        if lock:
            lock_row(session, Order, order_id)
        if kind in MONEY_KINDS:
            back, paid = granted(session, order_id=order_id), paid_for(session, order_id)
            if back + value > paid:
                return GrantCheck(False, False, f"${money(back + value)} back in all would be more than the "
                                                f"${money(paid)} paid for this order")
    if actor == Actor.AGENT:
        return _check_agent(session, kind, value, agent_id, policy, order_id, conversation_id)
    if order_id is not None and policy.once_per_order:
        earlier = prior_grants(session, order_id)
        if earlier:
            first = earlier[0]
            return GrantCheck(False, True, f"this order already had a {first.kind.value} "
                                         f"on {first.created_at:%b %d}; a second one is a person's call")
    limit = {
        ResolutionKind.REPLACEMENT: policy.replacement_max_item_value,
        ResolutionKind.REFUND: policy.duplicate_max_amount,
    }.get(kind, policy.bot_max_per_incident)
    total = value + granted(session, kinds=(kind,), conversation_id=conversation_id)
    if total > limit:
        return GrantCheck(False, True, f"${money(total)} is above the ${money(limit)} the assistant "
                                     f"may grant alone for a {kind.value}")
    if customer.tier == CustomerTier.VIP and value > policy.vip_human_over:
        return GrantCheck(False, True, f"VIP customer: a {kind.value} of ${money(value)} gets a person's care")
    return GrantCheck(True, False, f"within policy: {kind.value} of ${money(value)}")


def _check_agent(session: Session, kind: ResolutionKind, value: Decimal, agent_id: Optional[int],
                 policy: ResolutionPolicy, order_id: Optional[int], conversation_id: Optional[int]) -> GrantCheck:
    agent = session.get(Agent, agent_id) if agent_id is not None else None
    if agent is None:
        raise NotFound("An agent grant needs the id of an existing agent.")
    kinds: Tuple[ResolutionKind, ...]
    if kind == ResolutionKind.REPLACEMENT:
        limit, kinds = policy.agent_replacement_max_item_value, (ResolutionKind.REPLACEMENT,)
    else:
        limit, kinds = Decimal(str(agent.resolution_budget)), MONEY_KINDS
    before = max(granted(session, kinds=kinds, order_id=order_id),
                 granted(session, kinds=kinds, conversation_id=conversation_id))
    if before + value > limit:
        already = f" on top of the ${money(before)} already granted" if before else ""
        return GrantCheck(False, False, f"${money(value)}{already} is above {agent.display_name}'s "
                                      f"${money(limit)} budget per incident")
    return GrantCheck(True, False, f"within {agent.display_name}'s budget of ${money(limit)}")


def _enforce(check: GrantCheck) -> None:
    if not check.allowed:
        raise NotAllowed(check.reason, needs_human=check.needs_human)


def record(session: Session, *, kind: ResolutionKind, customer_id: int, amount: Any, reason: str,
           actor: Actor, agent_id: Optional[int], conversation_id: Optional[int],
           order_id: Optional[int] = None, charge_id: Optional[int] = None,
           status: ResolutionStatus = ResolutionStatus.GRANTED,
           details: Optional[Dict[str, Any]] = None) -> Resolution:
    """Add the :class:`Resolution` row every change of money or goods needs; a grant made in a
    conversation also schedules its check-in (:func:`store.followups.schedule`), in this transaction."""
    if not reason or not reason.strip():
        raise InvalidInput("Every resolution needs a reason.")
    row = Resolution(customer_id=customer_id, order_id=order_id, charge_id=charge_id, kind=kind,
                     status=status, amount=Decimal(str(amount)).quantize(CENT), granted_by=actor,
                     agent_id=agent_id if actor == Actor.AGENT else None,
                     conversation_id=conversation_id, reason=reason.strip(), details=details or {})
    session.add(row)
    session.flush()
    if conversation_id is not None and kind in GRANT_KINDS and status != ResolutionStatus.PENDING_APPROVAL:
        order = session.get(Order, order_id) if order_id is not None else None
        followups.schedule(session, conversation_id, kind.value, customer_id=customer_id,
                           order_number=order.number if order is not None else None)
    return row


def grant_credit(session: Session, order_number: str, *, actor: Actor = Actor.BOT,
                 agent_id: Optional[int] = None, conversation_id: Optional[int] = None,
                 amount: Any = None, reason: Optional[str] = None,
                 policy: Optional[ResolutionPolicy] = None) -> Dict[str, Any]:
    """Credit the customer's account for an order.

    The bot credits exactly the shipping paid on a late express/overnight delivery; an
    agent credits ``amount`` (with a ``reason``) within their budget.
    """
    policy = policy or default_policy()
    order = get_order(session, order_number)
    late = days_late(order)
    if actor == Actor.BOT:
        method = order.shipping_method.value
        if late < policy.credit_min_days_late:
            raise NotAllowed(f"order #{order.number} is not past its promised date")
        if method not in policy.credit_methods or Decimal(str(order.shipping_paid)) <= 0:
            raise NotAllowed(f"order #{order.number} shipped {method} with no shipping fee to credit")
        amount = order.shipping_paid
        reason = reason or (f"{method} shipping paid (${money(amount)}) and the delivery is "
                            f"{late} day(s) late: shipping credited")
    elif amount is None or Decimal(str(amount)) <= 0:
        raise InvalidInput("An agent credit needs a positive amount.")
    _enforce(check_grant(session, kind=ResolutionKind.CREDIT, customer_id=order.customer_id,
                         amount=amount, order_id=order.id, actor=actor, agent_id=agent_id, policy=policy,
                         conversation_id=conversation_id))
    row = record(session, kind=ResolutionKind.CREDIT, customer_id=order.customer_id, amount=amount,
                 reason=reason or "", actor=actor, agent_id=agent_id, conversation_id=conversation_id,
                 order_id=order.id, details={"days_late": late})
    return resolution_dict(row)


def next_order_number(session: Session) -> str:
    """One past the highest numeric order number."""
    numbers = session.execute(select(Order.number)).scalars()
    return str(max((int(n) for n in numbers if n.isdigit()), default=1000) + 1)


def grant_replacement(session: Session, order_number: str, *, skus: Optional[Sequence[str]] = None,
                      actor: Actor = Actor.BOT, agent_id: Optional[int] = None,
                      conversation_id: Optional[int] = None, reason: Optional[str] = None,
                      return_label: bool = False,
                      policy: Optional[ResolutionPolicy] = None) -> Dict[str, Any]:
    """Ship the damaged or wrong items again as a new order; no return is required.

    Args:
        skus: items to replace; default: every item recorded damaged or wrong.
        return_label: also issue a prepaid label for a wrong item (optional for the customer).
    """
    policy = policy or default_policy()
    order = get_order(session, order_number)
    if order.status != OrderStatus.DELIVERED:
        raise NotAllowed(f"order #{order.number} has not been delivered yet", needs_human=False)
    items = [i for i in order.items if i.sku in skus] if skus else issue_items(order)
    if not items:
        raise NotAllowed(f"no damaged or wrong item is on record for order #{order.number}",
                         needs_human=True)
    value = items_value(items)
    _enforce(check_grant(session, kind=ResolutionKind.REPLACEMENT, customer_id=order.customer_id,
                         amount=value, order_id=order.id, actor=actor, agent_id=agent_id, policy=policy,
                         conversation_id=conversation_id))
    replacement = Order(
        number=next_order_number(session), customer_id=order.customer_id, status=OrderStatus.PROCESSING,
        shipping_method=order.shipping_method, shipping_paid=0, shipping_address=order.shipping_address,
        promised_date=today() + dt.timedelta(days=3), carrier=order.carrier, subtotal=value, total=0,
        currency=order.currency, is_gift=order.is_gift, gift_occasion=order.gift_occasion,
        items=[OrderItem(sku=i.sku, name=i.name, quantity=i.quantity, unit_price=i.unit_price)
               for i in items],
    )
    session.add(replacement)
    session.flush()
    names = ", ".join(i.name for i in items)
    details: Dict[str, Any] = {"replacement_order": replacement.number, "return_required": False,
                               "items": [{"sku": i.sku, "name": i.name, "quantity": i.quantity,
                                          "condition": i.condition.value} for i in items]}
    if return_label:
        details["return_label"] = f"/returns/{order.number}/label"
    first = items[0]
    what = (f"{first.received_instead or 'a different item'} arrived instead of {names}"
            if first.condition == ItemCondition.WRONG else f"{names} arrived damaged")
    row = record(session, kind=ResolutionKind.REPLACEMENT, customer_id=order.customer_id, amount=value,
                 reason=reason or f"{what}: replaced without a return",
                 actor=actor, agent_id=agent_id, conversation_id=conversation_id, order_id=order.id,
                 details=details)
    return resolution_dict(row)


def refund_charge(session: Session, charge_id: int, *, actor: Actor = Actor.BOT,
                  agent_id: Optional[int] = None, conversation_id: Optional[int] = None,
                  reason: Optional[str] = None,
                  policy: Optional[ResolutionPolicy] = None) -> Dict[str, Any]:
    """Refund a charge and mark it refunded. The bot refunds only duplicates (:func:`store.read.billing.duplicate_pairs`)."""
    policy = policy or default_policy()
    charge = session.get(Charge, charge_id)
    if charge is None:
        raise NotFound(f"There is no charge {charge_id}.")
    lock_charge(session, charge)  # a second session refunding it at once waits, then sees "refunded"
    if charge.status == ChargeStatus.REFUNDED:
        raise NotAllowed("this charge has already been refunded")
    if charge.status == ChargeStatus.DISPUTED:
        raise NotAllowed("this charge is disputed with the bank", needs_human=True)
    original = duplicate_of(session, charge, policy.duplicate_window_hours)
    if actor == Actor.BOT and original is None:
        raise NotAllowed("this charge does not exactly repeat an earlier one", needs_human=True)
    _enforce(check_grant(session, kind=ResolutionKind.REFUND, customer_id=charge.customer_id,
                         amount=charge.amount, order_id=charge.order_id, actor=actor,
                         agent_id=agent_id, policy=policy, conversation_id=conversation_id))
    charge.status = ChargeStatus.REFUNDED
    default_reason = (f"duplicate of the {original.created_at:%b %d} charge for {charge.description}"
                      if original is not None else "")
    row = record(session, kind=ResolutionKind.REFUND, customer_id=charge.customer_id, amount=charge.amount,
                 reason=reason or default_reason, actor=actor, agent_id=agent_id,
                 conversation_id=conversation_id, order_id=charge.order_id, charge_id=charge.id,
                 details={"duplicate_of": original.id if original is not None else None})
    return resolution_dict(row)
