"""Read models of the shop: JSON-ready dicts for the bot, the console and the service.

Every function takes a synchronous ``Session`` first (the handoff service calls them through
``run_sync``). Results hold only plain values: money as ``float`` with two decimals, dates
and times as ISO strings, enums as their string values. Two lookups return the ORM
``Order`` on purpose, since they feed ``order_summary``/``order_timeline`` and the
resolution functions: ``find_order`` and ``verify_order_owner``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from store.models import (
    Charge, ChargeStatus, Conversation, Customer, Invoice, ItemCondition, Order, OrderStatus,
    Resolution, ResolutionKind, ResolutionStatus, Subscription,
)

JSON = Dict[str, Any]
OPEN_STATUSES = (OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED)
DUPLICATE_WINDOW_HOURS = 48  # as policy/resolutions.yml's duplicate_refund.window_hours
RECENT_CHARGES = 20


def _money(value: Any) -> float:
    return round(float(value or 0), 2)


def _iso(value: Optional[dt.date]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _value(enum_member: Any) -> Optional[str]:
    return getattr(enum_member, "value", enum_member)


def normalize_order_number(number: Any) -> str:
    """ "#1042 " -> "1042"."""
    return str(number or "").strip().lstrip("#").strip()


def normalize_email(email: Any) -> str:
    """Case- and space-insensitive form of an e-mail address."""
    return re.sub(r"\s+", "", str(email or "")).lower()


def today() -> dt.date:
    """Today's date in UTC, the calendar promised dates are kept in."""
    return dt.datetime.utcnow().date()


# --- customers ---------------------------------------------------------------------------
def customer_dict(customer: Customer) -> JSON:
    return {
        "id": customer.id, "name": customer.name, "first_name": customer.name.split()[0],
        "email": customer.email, "tier": _value(customer.tier),
        "lifetime_value": _money(customer.lifetime_value), "account_locked": bool(customer.account_locked),
        "failed_logins": customer.failed_logins, "notes": customer.notes,
        "customer_since": _iso(customer.created_at),
    }


def get_customer(session: Session, customer_id: int) -> Optional[JSON]:
    customer = session.get(Customer, int(customer_id))
    return customer_dict(customer) if customer is not None else None


def find_customer_by_email(session: Session, email: str) -> Optional[JSON]:
    wanted = normalize_email(email)
    if not wanted:
        return None
    customer = session.execute(select(Customer).where(func.lower(Customer.email) == wanted)).scalar_one_or_none()
    return customer_dict(customer) if customer is not None else None


# --- orders -------------------------------------------------------------------------------
def find_order(session: Session, number: Any) -> Optional[Order]:
    """The order with this customer-facing number ("1042" or "#1042"), or None."""
    wanted = normalize_order_number(number)
    if not wanted:
        return None
    return session.execute(select(Order).where(Order.number == wanted)).scalar_one_or_none()


def verify_order_owner(session: Session, order_number: Any, email: Any) -> Optional[Order]:
    """The order when ``email`` is its owner's (case and spaces ignored); else None.

    This is how an anonymous visitor proves who they are, so a wrong number and a wrong
    e-mail look the same to the caller.
    """
    order = find_order(session, order_number)
    if order is None or not normalize_email(email):
        return None
    return order if normalize_email(order.customer.email) == normalize_email(email) else None


def days_late(order: Order, on: Optional[dt.date] = None) -> int:
    """Days past the promised date: until delivery, or until ``on`` (today) while on its way."""
    if order.promised_date is None or order.status == OrderStatus.CANCELLED:
        return 0
    end = order.delivered_at.date() if order.delivered_at else (on or today())
    return max(0, (end - order.promised_date).days)


def order_summary(order: Order, on: Optional[dt.date] = None) -> JSON:
    items = [{"sku": i.sku, "name": i.name, "quantity": i.quantity, "unit_price": _money(i.unit_price),
              "condition": _value(i.condition), "received_instead": i.received_instead} for i in order.items]
    return {
        "number": order.number, "customer_id": order.customer_id, "status": _value(order.status),
        "placed_at": _iso(order.placed_at), "items": items,
        "subtotal": _money(order.subtotal), "total": _money(order.total), "currency": order.currency,
        "shipping_method": _value(order.shipping_method), "shipping_paid": _money(order.shipping_paid),
        "shipping_address": order.shipping_address,
        "promised_date": _iso(order.promised_date), "delivered_at": _iso(order.delivered_at),
        "days_late": days_late(order, on), "carrier": order.carrier, "carrier_status": order.carrier_status,
        "tracking_number": order.tracking_number, "is_gift": bool(order.is_gift), "occasion": order.gift_occasion,
        "can_cancel": order.status == OrderStatus.PROCESSING,
        "can_change_address": order.status == OrderStatus.PROCESSING,
    }


def order_timeline(order: Order) -> List[JSON]:
    """What happened to the order, oldest first: placed, carrier scans, delivery, resolutions."""
    method = _value(order.shipping_method)
    events: List[JSON] = [{"at": order.placed_at, "kind": "placed", "status": "placed", "location": None,
                           "text": f"Order #{order.number} placed ({method} shipping)"}]
    for ev in order.tracking_events:
        events.append({"at": ev.at, "kind": "tracking", "status": ev.status, "location": ev.location,
                       "text": ev.description})
    if order.delivered_at and not any(ev.status == "delivered" for ev in order.tracking_events):
        events.append({"at": order.delivered_at, "kind": "delivered", "status": "delivered", "location": None,
                       "text": "Delivered"})
    for res in order.resolutions:
        entry = resolution_dict(res)
        events.append({"at": res.created_at, "kind": "resolution", "status": entry["status"], "location": None,
                       "text": entry["text"], "resolution": entry})
    events.sort(key=lambda e: e["at"])
    for e in events:
        e["at"] = _iso(e["at"])
    return events


def _orders(session: Session, customer_id: int) -> List[Order]:
    stmt = (select(Order).where(Order.customer_id == int(customer_id)).order_by(Order.placed_at.desc())
            .options(selectinload(Order.items), selectinload(Order.tracking_events),
                     selectinload(Order.resolutions)))
    return list(session.execute(stmt).scalars())


def orders_for(session: Session, customer_id: int) -> List[JSON]:
    """The customer's orders, newest first, as summaries."""
    return [order_summary(o) for o in _orders(session, customer_id)]


def late_orders(session: Session, customer_id: int) -> List[JSON]:
    """Orders still on their way and past their promised date, most late first."""
    late = [order_summary(o) for o in _orders(session, customer_id) if o.status in OPEN_STATUSES]
    return sorted((s for s in late if s["days_late"] > 0), key=lambda s: -s["days_late"])


# --- money --------------------------------------------------------------------------------
def resolution_dict(res: Resolution) -> JSON:
    kind, status = _value(res.kind), _value(res.status)
    amount = _money(res.amount)
    what = f"{kind.capitalize()} of ${amount:.2f}" if amount else kind.capitalize()
    return {
        "id": res.id, "kind": kind, "status": status, "amount": amount, "currency": res.currency,
        "order": res.order.number if res.order is not None else None, "charge_id": res.charge_id,
        "granted_by": _value(res.granted_by), "agent_id": res.agent_id, "conversation_id": res.conversation_id,
        "reason": res.reason, "details": res.details, "created_at": _iso(res.created_at),
        "text": f"{what} ({status.replace('_', ' ')}, by {_value(res.granted_by)}): {res.reason}",
    }


def _charges(session: Session, customer_id: int) -> List[Charge]:
    stmt = select(Charge).where(Charge.customer_id == int(customer_id)).order_by(Charge.created_at, Charge.id)
    return list(session.execute(stmt).scalars())


def _duplicate_ids(charges: List[Charge], window_hours: int) -> Dict[int, int]:
    """{duplicate charge id: id of the earlier charge it repeats} (same amount and description)."""
    window = dt.timedelta(hours=window_hours)
    found: Dict[int, int] = {}
    for i, charge in enumerate(charges):
        for earlier in charges[:i]:
            if (earlier.id not in found and earlier.amount == charge.amount
                    and earlier.description == charge.description
                    and dt.timedelta(0) <= charge.created_at - earlier.created_at <= window):
                found[charge.id] = earlier.id
                break
    return found


def charge_dict(charge: Charge, duplicate_of: Optional[int] = None) -> JSON:
    return {
        "id": charge.id, "amount": _money(charge.amount), "currency": charge.currency,
        "description": charge.description, "status": _value(charge.status), "created_at": _iso(charge.created_at),
        "order_id": charge.order_id, "subscription_id": charge.subscription_id,
        "duplicate": duplicate_of is not None, "duplicate_of": duplicate_of,
    }


def duplicate_charges(session: Session, customer_id: int, window_hours: int = DUPLICATE_WINDOW_HOURS,
                      include_refunded: bool = False) -> List[JSON]:
    """Charges repeating an earlier one within ``window_hours``; refunded ones only if asked."""
    charges = _charges(session, customer_id)
    dupes = _duplicate_ids(charges, window_hours)
    return [charge_dict(c, dupes[c.id]) for c in reversed(charges) if c.id in dupes
            and (include_refunded or c.status == ChargeStatus.SUCCEEDED)]


def recent_charges(session: Session, customer_id: int, limit: int = RECENT_CHARGES) -> List[JSON]:
    """The newest charges, each with a ``duplicate`` flag."""
    charges = _charges(session, customer_id)
    dupes = _duplicate_ids(charges, DUPLICATE_WINDOW_HOURS)
    return [charge_dict(c, dupes.get(c.id)) for c in reversed(charges)][:limit]


def invoices_for(session: Session, customer_id: int, order_number: Any = None) -> List[JSON]:
    """The customer's invoices, newest first; only the order's when ``order_number`` is given."""
    stmt = select(Invoice, Order.number).outerjoin(Order, Invoice.order_id == Order.id).where(
        Invoice.customer_id == int(customer_id))
    if order_number is not None:
        stmt = stmt.where(Order.number == normalize_order_number(order_number))
    rows = session.execute(stmt.order_by(Invoice.issued_at.desc(), Invoice.id.desc())).all()
    return [{"number": inv.number, "order": number, "subscription_id": inv.subscription_id,
             "amount": _money(inv.amount), "issued_at": _iso(inv.issued_at), "url": inv.url} for inv, number in rows]


def refunds_in_progress(session: Session, customer_id: int) -> List[JSON]:
    """Refunds granted but still with the payment provider, newest first."""
    stmt = select(Resolution).where(
        Resolution.customer_id == int(customer_id), Resolution.kind == ResolutionKind.REFUND,
        Resolution.status == ResolutionStatus.IN_PROGRESS).order_by(Resolution.created_at.desc())
    return [resolution_dict(r) for r in session.execute(stmt).scalars()]


def subscriptions_for(session: Session, customer_id: int) -> List[JSON]:
    stmt = select(Subscription).where(Subscription.customer_id == int(customer_id)).order_by(Subscription.started_at)
    return [{"id": s.id, "plan": s.plan, "price": _money(s.price), "status": _value(s.status),
             "started_at": _iso(s.started_at), "renews_at": _iso(s.renews_at)}
            for s in session.execute(stmt).scalars()]


# --- the whole picture -----------------------------------------------------------------------
def customer_context(session: Session, customer_id: int, exclude_conversation_id: Optional[int] = None
                     ) -> Optional[JSON]:
    """Everything the agent console shows about a customer, or None if there is none."""
    customer = session.get(Customer, int(customer_id))
    if customer is None:
        return None
    orders = []
    for order in _orders(session, customer.id):
        orders.append({**order_summary(order), "timeline": order_timeline(order)})
    resolutions = session.execute(select(Resolution).where(Resolution.customer_id == customer.id)
                                  .order_by(Resolution.created_at.desc())).scalars()
    conversations = session.execute(select(Conversation).where(
        Conversation.customer_id == customer.id, Conversation.id != (exclude_conversation_id or -1))
        .order_by(Conversation.created_at.desc())).scalars()
    return {
        "profile": customer_dict(customer),
        "orders": orders,
        "subscriptions": subscriptions_for(session, customer.id),
        "charges": recent_charges(session, customer.id),
        "resolutions": [resolution_dict(r) for r in resolutions],
        "conversations": [{"id": c.id, "status": _value(c.status), "created_at": _iso(c.created_at),
                           "resolved_at": _iso(c.resolved_at), "disposition": c.disposition, "csat": c.csat}
                          for c in conversations],
        "pressing_issue": most_pressing_issue(session, customer.id),
    }


def _fixed(order: Order, kinds: tuple) -> bool:
    return any(_value(r.kind) in kinds for r in order.resolutions)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def most_pressing_issue(session: Session, customer_id: int) -> Optional[JSON]:
    """The one open problem a greeting should name first, or None.

    Order of precedence: late order, damaged item, wrong item, duplicate charge, locked
    account, set-up trouble (from the profile notes), refund in progress. A damaged or wrong
    item stops being pressing once a replacement or refund is recorded on the order.
    """
    customer = session.get(Customer, int(customer_id))
    if customer is None:
        return None
    late = late_orders(session, customer.id)
    if late:
        n = late[0]["days_late"]
        return {"kind": "late_order", "order": late[0]["number"], "days_late": n,
                "text": f"your order #{late[0]['number']} is running {_days(n)} late"}
    orders = _orders(session, customer.id)
    for condition, kind in ((ItemCondition.DAMAGED, "damaged_item"), (ItemCondition.WRONG, "wrong_item")):
        for order in orders:
            item = next((i for i in order.items if i.condition == condition), None)
            if item is None or _fixed(order, ("replacement", "refund", "return")):
                continue
            text = (f"the {item.name} in order #{order.number} arrived damaged" if kind == "damaged_item" else
                    f"order #{order.number} came with the {item.received_instead or 'wrong item'} "
                    f"instead of the {item.name}")
            return {"kind": kind, "order": order.number, "item": item.name, "text": text}
    dupes = duplicate_charges(session, customer.id)
    if dupes:
        d = dupes[0]
        return {"kind": "duplicate_charge", "order": None, "charge_id": d["id"], "amount": d["amount"],
                "text": f"you were charged twice for your {d['description']}, ${d['amount']:.2f} each time"}
    if customer.account_locked:
        return {"kind": "locked_account", "order": None,
                "text": "your account is locked after several sign-in attempts"}
    notes = customer.notes or ""
    if re.search(r"\b(setting up|set-?up|integration)\b", notes, re.I):
        topic = re.search(r"\b(\w+) integration\b", notes)
        what = f"setting up the {topic.group(1)} integration" if topic else "your set-up"
        return {"kind": "setup_trouble", "order": None, "topic": topic.group(1) if topic else None,
                "text": f"{what} hasn't gone smoothly"}
    refunds = refunds_in_progress(session, customer.id)
    if refunds:
        r = refunds[0]
        where = f" for order #{r['order']}" if r["order"] else ""
        return {"kind": "refund_in_progress", "order": r["order"], "amount": r["amount"],
                "text": f"your refund of ${r['amount']:.2f}{where} is on its way"}
    return None
