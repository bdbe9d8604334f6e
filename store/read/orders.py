"""Orders: look-up by number, proof of ownership, lateness, summary and timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from store.errors import NotFound
from store.models import ItemCondition, Order, OrderItem, OrderStatus
from store.models.base import today
from store.read.records import resolution_dict
from store.read.values import JSON, json_date, json_enum, json_money, normalize_email, normalize_order_number

OPEN_STATUSES = (OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED)
ISSUE_CONDITIONS = (ItemCondition.DAMAGED, ItemCondition.WRONG)


def issue_items(order: Order) -> List[OrderItem]:
    """The items recorded damaged or wrong (what a replacement would send again)."""
    return [i for i in order.items if i.condition in ISSUE_CONDITIONS]


def items_value(items: Iterable[OrderItem]) -> Decimal:
    """What ``items`` cost: unit price times quantity, summed."""
    return sum((Decimal(str(i.unit_price)) * i.quantity for i in items), Decimal(0))


def find_order(session: Session, number: Any) -> Optional[Order]:
    """The order with this customer-facing number ("1042" or "#1042"), or None."""
    wanted = normalize_order_number(number)
    if not wanted:
        return None
    return session.execute(select(Order).where(Order.number == wanted)).scalar_one_or_none()


def get_order(session: Session, order_number: Any) -> Order:
    """The order with this customer-facing number, or :class:`NotFound`."""
    order = find_order(session, order_number)
    if order is None:
        raise NotFound(f"There is no order #{normalize_order_number(order_number)}.")
    return order


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
    items = [{"sku": i.sku, "name": i.name, "quantity": i.quantity, "unit_price": json_money(i.unit_price),
              "condition": json_enum(i.condition), "received_instead": i.received_instead} for i in order.items]
    return {
        "number": order.number, "customer_id": order.customer_id, "status": json_enum(order.status),
        "placed_at": json_date(order.placed_at), "items": items,
        "subtotal": json_money(order.subtotal), "total": json_money(order.total), "currency": order.currency,
        "shipping_method": json_enum(order.shipping_method), "shipping_paid": json_money(order.shipping_paid),
        "shipping_address": order.shipping_address,
        "promised_date": json_date(order.promised_date), "delivered_at": json_date(order.delivered_at),
        "days_late": days_late(order, on), "carrier": order.carrier, "carrier_status": order.carrier_status,
        "tracking_number": order.tracking_number, "is_gift": bool(order.is_gift), "occasion": order.gift_occasion,
        "can_cancel": order.status == OrderStatus.PROCESSING,
        "can_change_address": order.status == OrderStatus.PROCESSING,
    }


def order_timeline(order: Order) -> List[JSON]:
    """What happened to the order, oldest first: placed, carrier scans, delivery, resolutions."""
    method = json_enum(order.shipping_method)
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
        e["at"] = json_date(e["at"])
    return events


def customer_orders(session: Session, customer_id: int) -> List[Order]:
    """The customer's orders, newest first, with items, scans and resolutions loaded."""
    stmt = (select(Order).where(Order.customer_id == int(customer_id)).order_by(Order.placed_at.desc())
            .options(selectinload(Order.items), selectinload(Order.tracking_events),
                     selectinload(Order.resolutions)))
    return list(session.execute(stmt).scalars())


def orders_for(session: Session, customer_id: int) -> List[JSON]:
    """The customer's orders, newest first, as summaries."""
    return [order_summary(o) for o in customer_orders(session, customer_id)]


def late_orders(session: Session, customer_id: int) -> List[JSON]:
    """Orders still on their way and past their promised date, most late first."""
    late = [order_summary(o) for o in customer_orders(session, customer_id) if o.status in OPEN_STATUSES]
    return sorted((s for s in late if s["days_late"] > 0), key=lambda s: -s["days_late"])
