"""The whole picture of a customer: what the console shows and what a greeting names first."""

from __future__ import annotations

import re
from typing import Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Conversation, Customer, ItemCondition, Order
from store.read.billing import duplicate_charges, recent_charges, subscriptions_for
from store.read.customers import customer_dict
from store.read.orders import customer_orders, late_orders, order_summary, order_timeline
from store.read.records import refunds_in_progress, resolutions_for
from store.read.values import JSON, json_date, json_enum


def customer_context(session: Session, customer_id: int, exclude_conversation_id: Optional[int] = None
                     ) -> Optional[JSON]:
    """Everything the agent console shows about a customer, or None if there is none."""
    customer = session.get(Customer, int(customer_id))
    if customer is None:
        return None
    orders = [{**order_summary(order), "timeline": order_timeline(order)}
              for order in customer_orders(session, customer.id)]
    conversations = session.execute(select(Conversation).where(
        Conversation.customer_id == customer.id, Conversation.id != (exclude_conversation_id or -1))
        .order_by(Conversation.created_at.desc())).scalars()
    return {
        "profile": customer_dict(customer),
        "orders": orders,
        "subscriptions": subscriptions_for(session, customer.id),
        "charges": recent_charges(session, customer.id),
        "resolutions": resolutions_for(session, customer.id),
        "conversations": [{"id": c.id, "status": json_enum(c.status), "created_at": json_date(c.created_at),
                           "resolved_at": json_date(c.resolved_at), "disposition": c.disposition, "csat": c.csat}
                          for c in conversations],
        "pressing_issue": most_pressing_issue(session, customer.id),
    }


def _fixed(order: Order, kinds: Tuple[str, ...]) -> bool:
    return any(json_enum(r.kind) in kinds for r in order.resolutions)


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
    orders = customer_orders(session, customer.id)
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
