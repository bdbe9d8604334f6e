"""Two handoff processes sharing rooms through Redis, the store on PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any, Dict

import pytest

from tests.integration.clients import Agent, Customer
from tests.services import require_redis
from tests.stack import running_stack

pytestmark = pytest.mark.timeout(600, func_only=True)
CLAIM_RACES = 5


def test_two_nodes_on_postgres_and_redis(stack, pg_url) -> None:
    redis_url = require_redis()
    with running_stack(database_url=pg_url, redis_url=redis_url, nodes=2, reuse_bot_of=stack) as pair:
        node_a, node_b = pair.node_urls
        dana = Agent(node_b, "dana")
        customer = Customer(node_a)
        try:
            customer.start()
            customer.ask("I need to talk to a person")
            offer = dana.rec.wait_for("handoff_offered")  # emitted by node A, delivered by node B
            cid = offer["conversation_id"]
            assert dana.call("claim", {"conversation_id": cid})["ok"]
            customer.rec.wait_for("handoff_status", lambda d: d["status"] == "assigned")
            mark = customer.rec.mark()
            assert dana.call("send", {"conversation_id": cid, "text": "Hello from node B"})["ok"]
            got = customer.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "agent", start=mark)
            assert got["text"] == "Hello from node B"
            mark = dana.rec.mark()
            assert customer.say("hi Dana, from node A")["ok"]
            relayed = dana.rec.wait_for("message", lambda d: d["message"]["sender"] == "customer", start=mark)
            assert relayed["message"]["text"] == "hi Dana, from node A"
            again = Customer(node_b)  # the same session, reconnecting to the other node
            again.start(session_id=customer.session_id, last_seq=0)
            transcript = again.rec.wait_for("transcript")
            replay = transcript["messages"]
            texts = [m["text"] for m in replay]
            assert replay and transcript["last_seq"] == len(replay) >= 5, transcript
            assert [m["metadata"]["seq"] for m in replay] == list(range(1, len(replay) + 1))
            assert {"I need to talk to a person", "Hello from node B", "hi Dana, from node A"} <= set(texts), texts
            again.close()
        finally:
            customer.close()
            dana.close()


def test_claims_raced_across_two_nodes_have_one_winner(stack, pg_url) -> None:
    """The conditional UPDATE on PostgreSQL, not one process's lock, keeps a claim exclusive."""
    redis_url = require_redis()
    with running_stack(database_url=pg_url, redis_url=redis_url, nodes=2, reuse_bot_of=stack) as pair:
        node_a, node_b = pair.node_urls
        dana, sam = Agent(node_a, "dana"), Agent(node_b, "sam")
        try:
            for race in range(CLAIM_RACES):
                customer = Customer(node_a if race % 2 else node_b)
                try:
                    customer.start()
                    customer.ask("I want to speak to a real person please")
                    item = dana.rec.wait_for("queue", lambda d, c=customer: any(
                        i["session_id"] == c.session_id for i in d["items"]))
                    cid = next(i["conversation_id"] for i in item["items"] if i["session_id"] == customer.session_id)
                    results: Dict[str, Any] = {}
                    go = threading.Barrier(2)

                    def claim(name: str, agent: Agent, conversation_id: int = cid, out: Dict[str, Any] = results,
                              barrier: threading.Barrier = go) -> None:
                        barrier.wait()
                        out[name] = agent.call("claim", {"conversation_id": conversation_id})

                    threads = [threading.Thread(target=claim, args=a) for a in (("dana", dana), ("sam", sam))]
                    for t in threads:
                        t.start()
                    for t in threads:
                        t.join(60)
                    winners = [n for n, r in results.items() if r.get("ok")]
                    losers = [r for r in results.values() if not r.get("ok")]
                    assert len(results) == 2 and len(winners) == 1, (race, results)
                    assert losers[0]["error"]["code"] == "already_claimed", (race, losers)
                    winner = dana if winners[0] == "dana" else sam
                    assert winner.call("resolve", {"conversation_id": cid})["ok"]  # frees the agent for the next race
                finally:
                    customer.close()
        finally:
            dana.close()
            sam.close()
