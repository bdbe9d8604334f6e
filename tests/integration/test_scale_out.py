"""Two handoff processes sharing rooms through Redis, the store on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.integration.clients import Agent, Customer
from tests.services import require_redis
from tests.stack import running_stack

pytestmark = pytest.mark.timeout(300, func_only=True)


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
            replay = again.rec.wait_for("transcript")["messages"]
            assert [m["seq"] for m in replay] == list(range(1, len(replay) + 1))
            again.close()
        finally:
            customer.close()
            dana.close()
