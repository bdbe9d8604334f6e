"""Billing: charges (and which repeat an earlier one), invoices, subscriptions.

:func:`duplicate_pairs` is the one rule for "charged twice": the customer's charge list,
the agent's grant options and the bot's refund all use it, with the policy's window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Charge, ChargeStatus, Invoice, Order, Subscription
from store.read.values import JSON, json_date, json_enum, json_money, normalize_order_number
from store.resolution_policy import default_policy

RECENT_CHARGES = 20


def _window(window_hours: Optional[int]) -> int:
    """``window_hours``, or the policy's ``duplicate_refund.window_hours``."""
    return window_hours if window_hours is not None else default_policy().duplicate_window_hours


def customer_charges(session: Session, customer_id: int) -> List[Charge]:
    """The customer's charges, oldest first."""
    stmt = select(Charge).where(Charge.customer_id == int(customer_id)).order_by(Charge.created_at, Charge.id)
    return list(session.execute(stmt).scalars())


def duplicate_pairs(charges: Sequence[Charge], window_hours: int) -> Dict[int, int]:
    """{duplicate charge id: id of the earlier charge it repeats}, for one customer's charges oldest first.

    A charge repeats an earlier one with the same amount and description taken at most
    ``window_hours`` before it, when that earlier charge went through (succeeded) and is
    not itself a repeat. The repeat may have any status, so a refunded duplicate is still
    shown as one; only succeeded ones are left to refund (:func:`duplicate_charges`).
    """
    window = dt.timedelta(hours=window_hours)
    found: Dict[int, int] = {}
    for i, charge in enumerate(charges):
        for earlier in charges[:i]:
            if (earlier.id not in found and earlier.status == ChargeStatus.SUCCEEDED
                    and earlier.amount == charge.amount and earlier.description == charge.description
                    and dt.timedelta(0) <= charge.created_at - earlier.created_at <= window):
                found[charge.id] = earlier.id
                break
    return found


def duplicate_of(session: Session, charge: Charge, window_hours: Optional[int] = None) -> Optional[Charge]:
    """The earlier charge ``charge`` repeats (see :func:`duplicate_pairs`), if any."""
    original_id = duplicate_pairs(customer_charges(session, charge.customer_id), _window(window_hours)).get(charge.id)
    return session.get(Charge, original_id) if original_id is not None else None


def charge_dict(charge: Charge, duplicate_of: Optional[int] = None) -> JSON:
    return {
        "id": charge.id, "amount": json_money(charge.amount), "currency": charge.currency,
        "description": charge.description, "status": json_enum(charge.status),
        "created_at": json_date(charge.created_at), "order_id": charge.order_id,
        "subscription_id": charge.subscription_id,
        "duplicate": duplicate_of is not None, "duplicate_of": duplicate_of,
    }


def duplicate_charges(session: Session, customer_id: int, window_hours: Optional[int] = None,
                      include_refunded: bool = False) -> List[JSON]:
    """Charges repeating an earlier one (newest first); refunded or disputed ones only if asked.

    ``window_hours`` defaults to the policy's (``duplicate_refund.window_hours``).
    """
    charges = customer_charges(session, customer_id)
    dupes = duplicate_pairs(charges, _window(window_hours))
    return [charge_dict(c, dupes[c.id]) for c in reversed(charges) if c.id in dupes
            and (include_refunded or c.status == ChargeStatus.SUCCEEDED)]


def recent_charges(session: Session, customer_id: int, limit: int = RECENT_CHARGES,
                   window_hours: Optional[int] = None) -> List[JSON]:
    """The newest charges, each with a ``duplicate`` flag."""
    charges = customer_charges(session, customer_id)
    dupes = duplicate_pairs(charges, _window(window_hours))
    return [charge_dict(c, dupes.get(c.id)) for c in reversed(charges)][:limit]


def invoices_for(session: Session, customer_id: int, order_number: Any = None) -> List[JSON]:
    """The customer's invoices, newest first; only the order's when ``order_number`` is given."""
    stmt = select(Invoice, Order.number).outerjoin(Order, Invoice.order_id == Order.id).where(
        Invoice.customer_id == int(customer_id))
    if order_number is not None:
        stmt = stmt.where(Order.number == normalize_order_number(order_number))
    rows = session.execute(stmt.order_by(Invoice.issued_at.desc(), Invoice.id.desc())).all()
    return [{"number": inv.number, "order": number, "subscription_id": inv.subscription_id,
             "amount": json_money(inv.amount), "issued_at": json_date(inv.issued_at), "url": inv.url}
            for inv, number in rows]


def get_invoice(session: Session, number: str) -> Optional[JSON]:
    """An invoice with its order number and items (the printable page), or None."""
    invoice = session.execute(select(Invoice).where(Invoice.number == number)).scalar_one_or_none()
    if invoice is None:
        return None
    order = session.get(Order, invoice.order_id) if invoice.order_id else None
    items = [{"name": i.name, "quantity": i.quantity, "unit_price": str(i.unit_price)}
             for i in (order.items if order else [])]
    return {"number": invoice.number, "customer_id": invoice.customer_id, "amount": str(invoice.amount),
            "issued_at": invoice.issued_at.isoformat(), "order": order.number if order else None,
            "currency": order.currency if order else "USD", "items": items}


def subscriptions_for(session: Session, customer_id: int) -> List[JSON]:
    stmt = select(Subscription).where(Subscription.customer_id == int(customer_id)).order_by(Subscription.started_at)
    return [{"id": s.id, "plan": s.plan, "price": json_money(s.price), "status": json_enum(s.status),
             "started_at": json_date(s.started_at), "renews_at": json_date(s.renews_at)}
            for s in session.execute(stmt).scalars()]
