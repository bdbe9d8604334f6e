"""Read models against the seeded store (SQLite per test; one pass on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from store import queries as q
from store.models import Actor, Charge, ChargeStatus, Conversation, Resolution, ResolutionKind


def _id(session, email: str) -> int:
    return q.find_customer_by_email(session, email)["id"]


def test_customer_lookups(db_session):
    maya = q.find_customer_by_email(db_session, "  Maya@Example.COM ")
    assert maya["name"] == "Maya Patel" and maya["first_name"] == "Maya" and maya["tier"] == "standard"
    assert q.get_customer(db_session, maya["id"]) == maya
    assert q.find_customer_by_email(db_session, "nobody@example.com") is None
    assert q.find_customer_by_email(db_session, "") is None
    assert q.get_customer(db_session, 10_000) is None


def test_find_order_accepts_a_hash_and_spaces(db_session):
    assert q.find_order(db_session, " #1042 ").number == "1042"
    assert q.find_order(db_session, "9999") is None and q.find_order(db_session, None) is None


@pytest.mark.parametrize("email", ["maya@example.com", " MAYA@example.com", "maya @example.com\n"])
def test_verify_order_owner_accepts_the_owner(db_session, email):
    assert q.verify_order_owner(db_session, "1042", email).number == "1042"


@pytest.mark.parametrize("number,email", [
    ("1042", "liam@example.com"), ("1042", ""), ("1042", None), ("1051", "maya@example.com"),
    ("9999", "maya@example.com"), ("", "maya@example.com"), ("1042", "maya@example.co"),
])
def test_verify_order_owner_rejects_a_mismatch(db_session, number, email):
    assert q.verify_order_owner(db_session, number, email) is None


def test_order_summary_of_the_late_gift(db_session):
    summary = q.order_summary(q.find_order(db_session, "1042"))
    assert summary["days_late"] == 3 and summary["status"] == "delayed"
    assert summary["shipping_method"] == "overnight" and summary["shipping_paid"] == 24.99
    assert summary["is_gift"] is True and "birthday" in summary["occasion"]
    assert summary["carrier"] == "UPS" and summary["tracking_number"] and "hub" in summary["carrier_status"]
    assert summary["promised_date"] == (dt.datetime.utcnow().date() - dt.timedelta(days=3)).isoformat()
    assert summary["total"] == round(sum(i["unit_price"] * i["quantity"] for i in summary["items"]) + 24.99, 2)
    assert summary["can_cancel"] is False
    json.dumps(summary)  # JSON-ready


def test_order_summary_on_time_and_processing(db_session):
    assert q.order_summary(q.find_order(db_session, "1043"))["days_late"] == 0
    processing = q.order_summary(q.find_order(db_session, "1075"))
    assert processing["can_cancel"] and processing["can_change_address"] and processing["days_late"] == 0
    assert processing["carrier"] is None and processing["tracking_number"] is None
    assert q.order_summary(q.find_order(db_session, "1042"), on=dt.date(2000, 1, 1))["days_late"] == 0


def test_order_timeline_is_in_time_order_and_complete(db_session):
    timeline = q.order_timeline(q.find_order(db_session, "1080"))
    kinds = [e["kind"] for e in timeline]
    assert kinds[0] == "placed" and "tracking" in kinds and kinds.count("resolution") == 2
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    assert timeline[-1]["resolution"]["kind"] == "refund" and timeline[-1]["status"] == "in_progress"
    assert [e["status"] for e in timeline].count("delivered") == 1
    late = q.order_timeline(q.find_order(db_session, "1042"))
    assert late[-1]["status"] == "delayed" and "hub" in late[-1]["text"]
    json.dumps(timeline)


def test_orders_for_and_late_orders(db_session):
    maya = _id(db_session, "maya@example.com")
    orders = q.orders_for(db_session, maya)
    assert {"1042", "1043"} <= {o["number"] for o in orders}
    assert [o["placed_at"] for o in orders] == sorted((o["placed_at"] for o in orders), reverse=True)
    assert [o["number"] for o in q.late_orders(db_session, maya)] == ["1042"]
    assert q.late_orders(db_session, _id(db_session, "ava@example.com")) == []


def test_duplicate_charges_of_noah_only(db_session):
    noah = _id(db_session, "noah@example.com")
    dupes = q.duplicate_charges(db_session, noah)
    assert len(dupes) == 1 and dupes[0]["amount"] == 29.0 and "Pro" in dupes[0]["description"]
    assert dupes[0]["duplicate_of"] != dupes[0]["id"]
    for email in ("maya@example.com", "oliver@example.com", "ava@example.com"):
        assert q.duplicate_charges(db_session, _id(db_session, email)) == []  # monthly renewals are not duplicates


def test_a_refunded_duplicate_is_no_longer_pressing(db_session):
    noah = _id(db_session, "noah@example.com")
    charge = db_session.get(Charge, q.duplicate_charges(db_session, noah)[0]["id"])
    charge.status = ChargeStatus.REFUNDED
    db_session.flush()
    assert q.duplicate_charges(db_session, noah) == []
    assert q.duplicate_charges(db_session, noah, include_refunded=True)[0]["status"] == "refunded"
    assert q.most_pressing_issue(db_session, noah) is None


def test_invoices_for(db_session):
    maya = _id(db_session, "maya@example.com")
    only = q.invoices_for(db_session, maya, order_number="#1043")
    assert [(i["order"], i["url"]) for i in only] == [("1043", "/api/invoices/INV-1043")]
    assert q.invoices_for(db_session, maya, order_number="1042") == []  # not delivered yet
    assert len(q.invoices_for(db_session, maya)) >= 2
    assert q.invoices_for(db_session, maya, order_number="1051") == []  # someone else's order
    noah = q.invoices_for(db_session, _id(db_session, "noah@example.com"))
    assert any(i["subscription_id"] for i in noah)


def test_refunds_in_progress(db_session):
    refunds = q.refunds_in_progress(db_session, _id(db_session, "lucas@example.com"))
    assert [(r["order"], r["kind"], r["status"], r["amount"]) for r in refunds] == [("1080", "refund", "in_progress", 62.0)]
    assert q.refunds_in_progress(db_session, _id(db_session, "maya@example.com")) == []


@pytest.mark.parametrize("email,kind,order", [
    ("maya@example.com", "late_order", "1042"), ("liam@example.com", "damaged_item", "1051"),
    ("sofia@example.com", "wrong_item", "1060"), ("noah@example.com", "duplicate_charge", None),
    ("emma@example.com", "locked_account", None), ("oliver@example.com", "setup_trouble", None),
    ("lucas@example.com", "refund_in_progress", "1080"), ("ava@example.com", None, None),
])
def test_most_pressing_issue(db_session, email, kind, order):
    issue = q.most_pressing_issue(db_session, _id(db_session, email))
    if kind is None:
        assert issue is None
        return
    assert issue["kind"] == kind and issue["order"] == order and issue["text"]


def test_most_pressing_issue_text_for_the_greeting(db_session):
    issue = q.most_pressing_issue(db_session, _id(db_session, "maya@example.com"))
    assert issue == {"kind": "late_order", "order": "1042", "days_late": 3,
                     "text": "your order #1042 is running 3 days late"}
    assert "Shopify" in q.most_pressing_issue(db_session, _id(db_session, "oliver@example.com"))["text"]
    assert q.most_pressing_issue(db_session, 10_000) is None


def test_a_replacement_settles_the_damaged_item(db_session):
    liam = _id(db_session, "liam@example.com")
    order = q.find_order(db_session, "1051")
    db_session.add(Resolution(customer_id=liam, order_id=order.id, kind=ResolutionKind.REPLACEMENT,
                              granted_by=Actor.BOT, reason="vase arrived broken"))
    db_session.flush()
    db_session.expire(order)
    assert q.most_pressing_issue(db_session, liam) is None


def test_customer_context_shows_the_whole_picture(db_session):
    noah = _id(db_session, "noah@example.com")
    db_session.add_all([Conversation(session_id="s-old", customer_id=noah, disposition="resolved", csat=4),
                        Conversation(session_id="s-now", customer_id=noah)])
    db_session.flush()
    current = db_session.execute(select(Conversation).where(Conversation.session_id == "s-now")).scalar_one()
    ctx = q.customer_context(db_session, noah, exclude_conversation_id=current.id)
    assert set(ctx) == {"profile", "orders", "subscriptions", "charges", "resolutions", "conversations",
                        "pressing_issue"}
    assert ctx["profile"]["email"] == "noah@example.com" and ctx["profile"]["account_locked"] is False
    assert ctx["orders"] and all(o["timeline"][0]["kind"] == "placed" for o in ctx["orders"])
    assert ctx["subscriptions"][0]["plan"] == "Pro"
    assert [c["duplicate"] for c in ctx["charges"]].count(True) == 1
    assert [(c["disposition"], c["csat"]) for c in ctx["conversations"]] == [("resolved", 4)]
    assert ctx["pressing_issue"]["kind"] == "duplicate_charge"
    json.dumps(ctx)
    assert q.customer_context(db_session, 10_000) is None


def test_customer_context_of_the_vip_and_of_lucas(db_session):
    ava = q.customer_context(db_session, _id(db_session, "ava@example.com"))
    assert ava["profile"]["tier"] == "vip" and ava["profile"]["lifetime_value"] == 12480.0
    assert ava["orders"][0]["number"] == "1075"
    lucas = q.customer_context(db_session, _id(db_session, "lucas@example.com"))
    assert {(r["kind"], r["status"]) for r in lucas["resolutions"]} == {("return", "granted"), ("refund", "in_progress")}


def test_queries_on_postgres(pg_settings):
    from store.db import make_engine, session_factory

    engine = make_engine(pg_settings)
    try:
        with session_factory(engine)() as session:
            maya = q.find_customer_by_email(session, "MAYA@example.com ")
            assert q.verify_order_owner(session, "1042", "Maya@Example.com").number == "1042"
            assert q.verify_order_owner(session, "1042", "liam@example.com") is None
            assert q.most_pressing_issue(session, maya["id"])["days_late"] == 3
            ctx = q.customer_context(session, _id(session, "noah@example.com"))
            assert ctx["pressing_issue"]["kind"] == "duplicate_charge"
            assert q.invoices_for(session, maya["id"], "1043")[0]["number"] == "INV-1043"
            json.dumps(ctx)
    finally:
        engine.dispose()
