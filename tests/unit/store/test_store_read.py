"""Read models moved out of store.conversations, and the shared order helpers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from store import conversations as conv_store
from store import queries as q
from store.models import Order, OrderStatus
from store.models.base import today, utcnow
from store.read.orders import issue_items, items_value


def test_customer_brief_and_the_sign_in_picker(db_session):
    maya = q.find_customer_by_email(db_session, "maya@example.com")
    brief = q.customer_brief(db_session, maya["id"])
    assert brief == {"id": maya["id"], "name": "Maya Patel", "email": "maya@example.com", "tier": "standard",
                     "lifetime_value": maya["lifetime_value"]}
    assert q.customer_brief(db_session, None) is None and q.customer_brief(db_session, 10_000) is None
    names = [c["name"] for c in q.list_customers(db_session)]
    assert names == sorted(names) and "Maya Patel" in names


def test_invoice_with_its_order_and_items(db_session):
    invoice = q.get_invoice(db_session, "INV-1043")
    assert invoice["order"] == "1043" and invoice["items"] and all(i["quantity"] >= 1 for i in invoice["items"])
    assert q.get_invoice(db_session, "INV-0000") is None


def test_the_service_still_finds_them_on_store_conversations():
    assert conv_store.customer_brief is q.customer_brief and conv_store.get_invoice is q.get_invoice
    assert conv_store.list_customers is q.list_customers


def test_damaged_items_and_their_value(db_session):
    vase_order = q.find_order(db_session, "1051")
    items = issue_items(vase_order)
    assert [i.condition.value for i in items] == ["damaged"]
    assert items_value(items) == sum((Decimal(str(i.unit_price)) * i.quantity for i in items), Decimal(0)) > 0
    assert issue_items(q.find_order(db_session, "1042")) == []


def test_today_is_the_utc_date():
    assert abs(today() - utcnow().date()) <= dt.timedelta(days=1)  # equal unless midnight passes in between
    on_its_way = Order(promised_date=today() - dt.timedelta(days=2), status=OrderStatus.SHIPPED)
    assert q.days_late(on_its_way) == 2  # counted to today while it is on its way
