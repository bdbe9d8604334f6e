"""Metric functions on a seeded store with hand-made conversations whose answers are known.

The seeded template also holds the generated demo history (the last 90 days); these tests
write their own conversations in January 2030 and report on windows there, so only the
rows written here count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from insights import metrics, report
from insights.voice import default_rules
from store.models import (
    Actor,
    Conversation,
    ConversationStatus,
    Customer,
    Handoff,
    Message,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    Sender,
)

T0 = dt.datetime(2030, 1, 10, 9, 0, 0)
NOW = dt.datetime(2030, 2, 10, 9, 0, 0)
SINCE = dt.datetime(2030, 1, 1)


def _s(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def _conv(session, sid, status=ConversationStatus.BOT, **fields) -> Conversation:
    conv = Conversation(session_id=sid, status=status, created_at=T0, updated_at=T0, **fields)
    session.add(conv)
    session.flush()
    return conv


def _msg(session, conv, seq, sender, text, at, intent=None, score=0.0, severity="none"):
    session.add(Message(conversation_id=conv.id, seq=seq, sender=sender, text=text, created_at=at,
                        parse={"intent": {"name": intent, "confidence": 0.9}} if intent else None,
                        detection={"score": score, "severity": severity, "reasons": []}))


def _handoff(session, conv, source, at, **fields):
    session.add(Handoff(conversation_id=conv.id, source=source, reasons=[f"{source} reason"], requested_at=at,
                        **fields))


@pytest.fixture
def known(db_session):
    """Five conversations: bot-only, two resolved with grants (one reopened), one still queued, one silent."""
    s = db_session
    chloe = s.execute(select(Customer).where(Customer.email == "chloe@example.com")).scalar_one()
    a = _conv(s, "known-a")
    _msg(s, a, 1, Sender.CUSTOMER, "where is my order", _s(0), "order_status")
    _msg(s, a, 2, Sender.BOT, "It's on its way and arrives Friday.", _s(2))

    b = _conv(s, "known-b", ConversationStatus.RESOLVED, customer_id=chloe.id, first_agent_reply_at=_s(180),
              resolved_at=_s(600), csat=5, disposition="fixed")
    _msg(s, b, 1, Sender.CUSTOMER, "my parcel is late again", _s(0), "delivery_late", 0.8, "severe")
    _handoff(s, b, "detector", _s(60), ended_at=_s(600), outcome="resolved")
    _msg(s, b, 2, Sender.AGENT, "I'm so sorry, let's fix it.", _s(180))
    s.add(Resolution(customer_id=chloe.id, kind=ResolutionKind.CREDIT, status=ResolutionStatus.GRANTED,
                     amount=Decimal("10.00"), granted_by=Actor.AGENT, conversation_id=b.id, reason="late",
                     created_at=_s(500)))

    c = _conv(s, "known-c", ConversationStatus.BOT, customer_id=chloe.id, first_agent_reply_at=_s(330),
              resolved_at=_s(1200), csat=3, disposition="replaced")
    _msg(s, c, 1, Sender.CUSTOMER, "the vase is broken", _s(0), "item_damaged", 0.4, "elevated")
    _handoff(s, c, "customer", _s(30), ended_at=_s(1200), outcome="resolved")
    _msg(s, c, 2, Sender.AGENT, "That's so disappointing; a new one is on its way.", _s(330))
    _msg(s, c, 3, Sender.CUSTOMER, "the new one is broken too", _s(1200 + 2 * 86400), "item_damaged")
    s.add(Resolution(customer_id=chloe.id, kind=ResolutionKind.REPLACEMENT, status=ResolutionStatus.GRANTED,
                     amount=Decimal("48.00"), granted_by=Actor.BOT, conversation_id=c.id, reason="broken",
                     created_at=_s(100)))
    s.add(Resolution(customer_id=chloe.id, kind=ResolutionKind.REFUND, status=ResolutionStatus.PENDING_APPROVAL,
                     amount=Decimal("99.00"), granted_by=Actor.BOT, conversation_id=c.id, reason="waits",
                     created_at=_s(110)))

    d = _conv(s, "known-d", ConversationStatus.QUEUED, waiting_since=_s(40))
    _msg(s, d, 1, Sender.CUSTOMER, "I want to talk to a person", _s(0), "request_human")
    _handoff(s, d, "high_stakes", _s(40))

    _conv(s, "known-silent")  # opened the widget, never wrote: not counted
    s.flush()
    return s


def test_known_answers(known):
    r = report.build(known, SINCE, default_rules(), now=NOW)
    assert r["conversations"] == 4 and r["demo_conversations"] == 0 and r["open_conversations"] == 1
    assert (r["contained_rate"], r["handoff_rate"]) == (0.25, 0.75)
    assert r["handoff_reasons"] == {"detector": 1, "customer": 1, "high_stakes": 1}
    assert r["time_to_first_agent_reply_s"] == {"p50": 210.0, "p90": 282.0, "count": 2}
    assert r["resolution_time_s"] == {"p50": 900.0, "p90": 1140.0, "count": 2}
    assert r["csat"]["mean"] == 4.0 and r["csat"]["count"] == 2
    assert r["csat"]["bot_only"] == {"mean": None, "count": 0}
    assert r["csat"]["with_person"] == {"mean": 4.0, "count": 2}
    assert r["csat"]["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert r["reopened_within_7d_rate"] == 0.5
    assert r["reopened_within_7d"]["resolved"] == 2 and r["reopened_within_7d"]["reopened"] == 1
    g = r["grants"]
    assert (g["count"], g["amount"]) == (2, 58.0)  # the pending approval is not a grant
    assert g["by_actor"] == {"bot": {"count": 1, "amount": 48.0}, "agent": {"count": 1, "amount": 10.0}}
    assert g["by_kind"] == {"replacement": {"count": 1, "amount": 48.0}, "credit": {"count": 1, "amount": 10.0}}
    by_intent = r["escalation_by_intent"]
    assert by_intent["order_status"] == {"conversations": 1, "escalated": 0, "rate": 0.0}
    assert by_intent["delivery_late"] == {"conversations": 1, "escalated": 1, "rate": 1.0}
    assert r["daily"][9] == {"date": "2030-01-10", "conversations": 4, "handed_off": 3, "csat": 4.0}
    assert len(r["daily"]) == 41 and sum(day["conversations"] for day in r["daily"]) == 4


def test_reopened_window_not_complete_yet(known):
    """A week after T0 the windows of both resolutions are still open: no rate yet."""
    r = report.build(known, SINCE, default_rules(), now=T0 + dt.timedelta(days=3))
    assert r["reopened_within_7d_rate"] is None and r["reopened_within_7d"]["resolved"] == 0


def test_empty_period(known):
    r = report.build(known, dt.datetime(2031, 1, 1), default_rules(), now=dt.datetime(2031, 1, 31))
    assert r["conversations"] == 0 and r["contained_rate"] is None and r["handoff_rate"] is None
    assert r["handoff_reasons"] == {} and r["escalation_by_intent"] == {}
    assert r["time_to_first_agent_reply_s"] == {"p50": None, "p90": None, "count": 0}
    assert r["csat"]["mean"] is None and r["csat"]["count"] == 0
    assert r["grants"]["count"] == 0 and r["grants"]["amount"] == 0.0
    assert r["empathy_gaps"] == [] and r["reopened_within_7d_rate"] is None
    assert all(day["conversations"] == 0 for day in r["daily"])


def test_open_conversation_counts_in_rates_but_has_no_times(known):
    r = report.build(known, SINCE, default_rules(), now=NOW)
    # d is queued: it is handed off, but has neither a first agent reply nor a resolution time
    assert r["handoff_rate"] == 0.75 and r["time_to_first_agent_reply_s"]["count"] == 2
    assert r["resolution_time_s"]["count"] == 2


@pytest.mark.parametrize("values,q,expected", [
    ([], 50, None), ([7], 90, 7.0), ([1, 2, 3, 4], 50, 2.5), ([10, 20], 90, 19.0), ([3, 1, 2], 50, 2.0),
])
def test_percentile(values, q, expected):
    assert metrics.percentile(values, q) == expected


@pytest.mark.parametrize("text,days", [("30d", 30), ("12h", 0.5), ("2w", 14), (None, 30), (" 7D ", 7)])
def test_parse_period(text, days):
    assert report.parse_period(text) == dt.timedelta(days=days)


@pytest.mark.parametrize("text", ["0d", "30", "d30", "1y", "99999d", "-3d"])
def test_parse_period_refuses(text):
    with pytest.raises(ValueError):
        report.parse_period(text)
