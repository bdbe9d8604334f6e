"""The inbox read model and the return-to-queue rules on both engines (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from store import conversations as conv_store
from store.db import make_engine, session_factory, transaction
from store.models import Customer, Order
from store.models.base import utcnow
from store.models.support import Agent, AgentStatus, Sender, Severity
from store.read.inbox import InboxQuery, search_inbox, view_counts


@pytest.fixture(params=["sqlite", "postgres"])
def factory(request):
    settings = request.getfixturevalue("db_settings" if request.param == "sqlite" else "pg_settings")
    engine = make_engine(settings)
    yield session_factory(engine)
    engine.dispose()


def _handed_off(s, session_id: str, customer_id, text: str, reason: str) -> int:
    conv = conv_store.create_conversation(s, session_id, customer_id)
    conv_store.append_message(s, conv.id, Sender.CUSTOMER, text)
    conv_store.open_handoff(s, conv.id, source="detector", reasons=[reason], score=0.9, severity=Severity.SEVERE,
                            priority=0.5)
    return conv.id


def test_search_matches_customer_text_order_and_reason(factory) -> None:
    with transaction(factory) as s:
        dana = s.query(Agent).filter_by(username="dana").one().id
        maya = s.query(Customer).filter_by(email="maya@example.com").one()
        order = s.query(Order).filter_by(customer_id=maya.id).first().number
        a = _handed_off(s, "inbox-a" * 3, maya.id, "my gift is late", "mentions a chargeback")
        b = _handed_off(s, "inbox-b" * 3, None, "the vase is smashed", "repeated 'BROKEN'")
    with transaction(factory) as s:
        def ids(**kw) -> list:
            return [c["conversation_id"] for c in search_inbox(s, dana, InboxQuery(**kw))]

        assert set(ids(view="unassigned")) == {a, b}
        assert ids(view="all", text="Maya") == [a] and ids(view="all", text="MAYA@example") == [a]
        assert ids(view="all", text="smashed") == [b]
        assert ids(view="all", text="chargeback") == [a]
        assert ids(view="all", text=f"#{order}") == [a]
        assert ids(view="all", text="50%") == []
        assert ids(view="mine") == []
        card = search_inbox(s, dana, InboxQuery(view="all", text="smashed"))[0]
        assert card["customer"] is None and card["reasons"] == ["repeated 'BROKEN'"]
        assert card["last_message"]["text"] == "the vase is smashed"


def test_return_to_queue_moves_once_and_stranded_waits_for_the_grace(factory) -> None:
    with transaction(factory) as s:
        dana = s.query(Agent).filter_by(username="dana").one()
        cid = _handed_off(s, "inbox-c" * 3, None, "hello", "asked for a person")
        assert conv_store.claim(s, cid, dana.id)
        dana.status = AgentStatus.OFFLINE
        dana.offline_since = utcnow() - dt.timedelta(seconds=60)
    with transaction(factory) as s:
        assert conv_store.stranded(s, utcnow() - dt.timedelta(seconds=120)) == []
        assert conv_store.stranded(s, utcnow() - dt.timedelta(seconds=30)) == [(cid, dana.id)]
        assert view_counts(s, dana.id)["stuck"] == 1
    with transaction(factory) as s:
        assert conv_store.return_to_queue(s, cid, dana.id) is True
        assert conv_store.return_to_queue(s, cid, dana.id) is False, "a second sweep moves nothing"
    with transaction(factory) as s:
        item = search_inbox(s, dana.id, InboxQuery(view="unassigned"))[0]
        assert item["conversation_id"] == cid and item["returned_at"] and item["status"] == "queued"
        assert conv_store.last_handler(s, cid) is None, "the handoff is still open"
