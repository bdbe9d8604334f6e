"""Customer presence and the one notice per absence, on both engines (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from store import conversations as conv_store
from store import customer_presence, notices
from store.db import make_engine, session_factory, transaction
from store.models.base import utcnow
from store.models.support import CustomerPresence


@pytest.fixture(params=["sqlite", "postgres"])
def factory(request):
    settings = request.getfixturevalue("db_settings" if request.param == "sqlite" else "pg_settings")
    engine = make_engine(settings)
    yield session_factory(engine)
    engine.dispose()


def _since() -> dt.datetime:
    return utcnow() - dt.timedelta(seconds=30)


def test_a_customer_is_present_until_the_last_socket_goes_or_its_node_stops_vouching(factory) -> None:
    with transaction(factory) as s:
        cid = conv_store.create_conversation(s, "presence-test-session-0001", None).id
        customer_presence.arrive(s, "c1", cid, "n1")
        customer_presence.arrive(s, "c2", cid, "n2")
    with transaction(factory) as s:
        customer_presence.leave(s, "c1")
        customer_presence.leave(s, "c1")  # twice is harmless
        assert customer_presence.is_present(s, cid, _since()), "still on n2"
        s.execute(update(CustomerPresence).where(CustomerPresence.sid == "c2")
                  .values(last_seen=utcnow() - dt.timedelta(minutes=5)))
    with transaction(factory) as s:
        assert not customer_presence.is_present(s, cid, _since()), "n2 died: its row is too old"
        assert customer_presence.heartbeat(s, "n2", ["c2"]) == 1  # ... until n2 vouches again
        assert customer_presence.is_present(s, cid, _since())
        assert customer_presence.expire(s, _since(), node_id="n2") == 1  # n2 restarts afresh
        assert not customer_presence.is_present(s, cid, _since())


def test_one_notice_per_absence_and_a_return_ends_the_absence(factory) -> None:
    with transaction(factory) as s:
        cid = conv_store.create_conversation(s, "presence-test-session-0002", None).id
        assert notices.claim_away_notice(s, cid, _since()) is None, "nobody asked"
        notices.set_notify_email(s, cid, "away@example.net")
        customer_presence.arrive(s, "c1", cid, "n1")
        assert notices.claim_away_notice(s, cid, _since()) is None, "the customer is here"
        customer_presence.leave(s, "c1")
    with transaction(factory) as s:
        assert notices.claim_away_notice(s, cid, _since()) == "away@example.net"
    with transaction(factory) as s:
        assert notices.claim_away_notice(s, cid, _since()) is None, "once per absence"
        customer_presence.arrive(s, "c2", cid, "n1")
        customer_presence.leave(s, "c2")
    with transaction(factory) as s:
        assert notices.claim_away_notice(s, cid, _since()) == "away@example.net", "a new absence"
