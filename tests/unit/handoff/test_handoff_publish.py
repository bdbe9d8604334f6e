"""Publishing from domain events: the metadata Rasa gets, and the queue read once per publish."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from sqlalchemy import event

from handoff.service import publish, sessions, turns
from handoff.service.changes import QueueChanged, StatusChanged
from handoff.service.queue import queue_snapshot, status_payload
from store import conversations as conv_store

pytestmark = pytest.mark.asyncio


class TopicDetector:
    class _Finding:
        def to_dict(self) -> Dict[str, Any]:
            return {"score": 0.9, "severity": "severe", "reasons": ["possible fraud: 'fraud'"],
                    "signals": {"topic:fraud": 1.0}, "topics": ["vulnerable", "fraud"]}

    def score_turn(self, text: str, history: Any, **_: Any) -> "TopicDetector._Finding":
        return self._Finding()


async def _queue_up(svc, n: int) -> List[int]:
    ids = []
    for i in range(n):
        sid = f"q{len(svc.customers)}-{i}"
        await sessions.open_session(svc, sid, None, None, None)
        await turns.customer_message(svc, sid, "a person please", None, None)
        await svc.drain()
        ids.append(svc.customers[sid].conversation_id)
    return ids


async def test_rasa_gets_the_high_stakes_topics_in_metadata(svc) -> None:
    svc.detector = TopicDetector()
    await sessions.open_session(svc, "c1", None, None, None)
    await turns.customer_message(svc, "c1", "this looks like fraud", None, None)
    await svc.drain()
    [(_, _, _, metadata)] = [c for c in svc.rasa.calls if c[0] == "send"]
    assert metadata["detector"]["topics"] == ["vulnerable", "fraud"]
    assert metadata["detector"]["high_stakes"] == ["fraud"], "only the topics handoff.yml calls high-stakes"
    offers = svc.notifier.events("conv", "handoff_status")
    assert offers[-1]["status"] == "queued"


async def test_queue_snapshot_matches_each_status_and_reads_linearly(svc) -> None:
    engine = svc.db.kw["bind"].sync_engine
    statements: List[str] = []

    def count(*_: Any) -> None:
        statements.append("x")

    sizes = {}
    for total in (2, 4, 6):
        await _queue_up(svc, 2)  # two more each round
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        items, statuses = await svc.run(queue_snapshot, svc.policy)
        event.remove(engine, "before_cursor_execute", count)
        sizes[total] = len(statements)
        assert len(items) == len(statuses) == total

        def one_by_one(s):
            return [(c.id, status_payload(s, svc.policy, c)) for c in conv_store.queued_conversations(s)]

        expected = dict(await svc.run(one_by_one))
        assert dict(statuses) == expected
        assert [p["position"] for _, p in statuses] == list(range(1, total + 1))
    assert sizes[6] - sizes[4] == sizes[4] - sizes[2], f"reads grow linearly with the queue: {sizes}"


async def test_repeated_events_publish_once(svc) -> None:
    await _queue_up(svc, 1)
    svc.notifier.sent.clear()
    cid = next(iter(svc.customers.values())).conversation_id
    await publish.publish(svc, [StatusChanged(cid), QueueChanged(), StatusChanged(cid), QueueChanged()])
    assert len(svc.notifier.events("agents", "queue")) == 1
    assert len(svc.notifier.events("agents", "conversation_updated")) == 1


async def test_rasa_gets_the_client_address_for_the_verification_limits(svc) -> None:
    await sessions.open_session(svc, "c9", None, None, None, "203.0.113.9")
    await turns.customer_message(svc, "c9", "where is my order", None, None)
    await svc.drain()
    [(_, _, _, metadata)] = [c for c in svc.rasa.calls if c[0] == "send"]
    assert metadata["client_address"] == "203.0.113.9"
