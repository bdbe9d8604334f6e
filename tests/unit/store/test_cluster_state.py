"""Presence rows and turn claims on both engines (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from store import conversations as conv_store
from store import presence, turn_claims
from store.db import make_engine, session_factory, transaction
from store.models.base import utcnow
from store.models.support import Agent, AgentStatus, Sender


@pytest.fixture(params=["sqlite", "postgres"])
def factory(request):
    settings = request.getfixturevalue("db_settings" if request.param == "sqlite" else "pg_settings")
    engine = make_engine(settings)
    yield session_factory(engine)
    engine.dispose()


def _status(factory, agent_id: int) -> str:
    with transaction(factory) as s:
        return s.get(Agent, agent_id).status.value


def test_presence_rows_make_an_agent_online_until_the_last_one_goes_or_expires(factory) -> None:
    since = utcnow() - dt.timedelta(seconds=30)
    with transaction(factory) as s:
        agent_id = s.query(Agent).filter_by(username="dana").one().id
        assert presence.arrive(s, "s1", agent_id, "n1", since) is not None
        presence.arrive(s, "s2", agent_id, "n2", since)
    assert _status(factory, agent_id) == "online"
    with transaction(factory) as s:
        assert presence.leave(s, "s1", since) is None, "still on n2"
        assert presence.leave(s, "s1", since) is None, "twice is harmless"
    assert _status(factory, agent_id) == "online"
    with transaction(factory) as s:  # n2 stops vouching: its row ages past the TTL
        assert presence.heartbeat(s, "n2", ["s2"]) == 1
        assert presence.expire(s, utcnow() + dt.timedelta(seconds=1)) == [agent_id]
    assert _status(factory, agent_id) == "offline"
    with transaction(factory) as s:
        presence.arrive(s, "s3", agent_id, "n1", since)
        assert presence.choose_status(s, agent_id, AgentStatus.AWAY, since).status == AgentStatus.AWAY
        assert presence.expire(s, since, node_id="n1") == [agent_id], "a restarting node drops its rows"
        assert presence.choose_status(s, agent_id, AgentStatus.ONLINE, since) is None
    assert _status(factory, agent_id) == "offline"


def test_one_claim_at_a_time_and_every_message_taken_in_order(factory) -> None:
    with transaction(factory) as s:
        cid = conv_store.create_conversation(s, "claims-1", None).id
        first = conv_store.append_message(s, cid, Sender.CUSTOMER, "one").id
        conv_store.append_message(s, cid, Sender.CUSTOMER, "two")
    with transaction(factory) as s:
        assert turn_claims.take_next(s, cid, "a/1", 30).id == first
    with transaction(factory) as s:
        assert turn_claims.take_next(s, cid, "b/1", 30) is None, "a/1 holds it"
        assert turn_claims.stranded(s, utcnow() - dt.timedelta(hours=1), utcnow()) == []
        turn_claims.mark_answered(s, first)
    with transaction(factory) as s:
        assert turn_claims.take_next(s, cid, "a/1", 30).text == "two"
        assert turn_claims.release_node(s, "a") == 1
        assert turn_claims.stranded(s, utcnow() - dt.timedelta(hours=1), utcnow() + dt.timedelta(seconds=1)) == [cid]
    with transaction(factory) as s:
        msg = turn_claims.take_next(s, cid, "b/1", 30)
        turn_claims.mark_answered(s, msg.id)
    with transaction(factory) as s:
        assert turn_claims.take_next(s, cid, "b/1", 30) is None, "nothing left: the claim is given up"
        assert turn_claims.claim(s, cid, "c/1", 30), "free again"
