"""The once-only claims of check-ins, queue updates and closing, on both engines, from two threads."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Callable, List

import pytest
from sqlalchemy import select

from store import conversations as conv_store
from store import followups
from store import waiting as waiting_store
from store.db import make_engine, session_factory, transaction
from store.followup_policy import FollowupPolicy
from store.models import Agent, Customer
from store.models.base import utcnow
from store.models.followups import Followup
from store.models.support import ConversationStatus, Severity

NOW_POLICY = FollowupPolicy(delay_s={k: 0.0 for k in ("replacement", "refund", "credit", "handoff")},
                            messages={"handoff": ("Hi {name} {link}",)})


@pytest.fixture(params=["sqlite", "postgres"])
def factory(request):
    settings = request.getfixturevalue("db_settings" if request.param == "sqlite" else "pg_settings")
    engine = make_engine(settings)
    yield session_factory(engine)
    engine.dispose()


def _twice(factory, fn: Callable[[Any], Any]) -> List[Any]:
    """``fn(session)`` in two threads at once, each in its own transaction."""
    results: List[Any] = []
    gate = threading.Barrier(2)

    def run() -> None:
        gate.wait()
        with transaction(factory) as s:
            results.append(fn(s))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 2
    return results


def _conversation(factory, email: str, session_id: str) -> int:
    with transaction(factory) as s:
        customer = s.execute(select(Customer).where(Customer.email == email)).scalar_one()
        return int(conv_store.create_conversation(s, session_id, customer.id).id)


def test_a_due_check_in_is_claimed_once(factory) -> None:
    cid = _conversation(factory, "liam@example.com", "f" * 32)
    with transaction(factory) as s:
        fid = followups.schedule(s, cid, "handoff", policy=NOW_POLICY)
    later = utcnow() + dt.timedelta(seconds=1)
    claimed = _twice(factory, lambda s: followups.claim(s, fid, later))
    assert sum(r is not None for r in claimed) == 1


def test_two_nodes_scheduling_at_once_leave_one_check_in(factory) -> None:
    cid = _conversation(factory, "sofia@example.com", "s" * 32)
    kinds = iter(["replacement", "handoff"])  # an agent's grant and an auto-resolve, on two nodes
    ids = _twice(factory, lambda s: followups.schedule(s, cid, next(kinds), policy=NOW_POLICY))
    assert ids[0] == ids[1] is not None
    with transaction(factory) as s:
        rows = s.execute(select(Followup.id).where(Followup.conversation_id == cid)).scalars().all()
    assert rows == [ids[0]]


def test_a_queue_update_and_a_close_are_taken_once(factory) -> None:
    cid = _conversation(factory, "maya@example.com", "q" * 32)
    with transaction(factory) as s:
        conv_store.open_handoff(s, cid, source="customer", reasons=["asked"], score=0.0, severity=Severity.NONE,
                                priority=0.5)
    now = utcnow()
    updates = _twice(factory, lambda s: waiting_store.claim_queue_update(s, cid, None, 1, now))
    assert sorted(updates) == [False, True]
    with transaction(factory) as s:
        dana = s.execute(select(Agent.id).where(Agent.username == "dana")).scalar_one()
        assert conv_store.claim(s, cid, dana)
    closes = _twice(factory, lambda s: waiting_store.claim_close(s, cid, ConversationStatus.ASSIGNED, dana))
    assert sorted(closes) == [False, True]
    with transaction(factory) as s:
        assert cid not in [row[0] for row in waiting_store.assigned_activity(s)], "resolved: no longer assigned"
