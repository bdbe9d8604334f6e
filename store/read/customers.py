"""Customers: profile, look-up by e-mail, the short form the queue and console show."""

from __future__ import annotations

from typing import List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Customer
from store.read.values import JSON, json_date, json_enum, json_money, normalize_email


def customer_dict(customer: Customer) -> JSON:
    return {
        "id": customer.id, "name": customer.name, "first_name": customer.name.split()[0],
        "email": customer.email, "tier": json_enum(customer.tier),
        "lifetime_value": json_money(customer.lifetime_value), "account_locked": bool(customer.account_locked),
        "failed_logins": customer.failed_logins, "notes": customer.notes,
        "customer_since": json_date(customer.created_at),
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


def customer_brief(session: Session, customer_id: Optional[int]) -> Optional[JSON]:
    """Name, e-mail, tier and lifetime value of a customer, or None."""
    if customer_id is None:
        return None
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    return {"id": customer.id, "name": customer.name, "email": customer.email, "tier": customer.tier.value,
            "lifetime_value": float(customer.lifetime_value or 0)}


def list_customers(session: Session) -> List[JSON]:
    """Every customer, by name (the demo shop's sign-in picker)."""
    rows = session.execute(select(Customer).order_by(Customer.name)).scalars()
    return [{"id": c.id, "name": c.name, "email": c.email, "tier": c.tier.value} for c in rows]
