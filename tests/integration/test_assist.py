"""Agent assist over the real socket: the claim payload carries the handoff summary; its next
best action is a grant that works with one request; the recap reaches the customer.

Maya (signed in) asks for a person straight away; her overnight gift #1042 is late, so the
summary's likely want is the late order and the next best action credits it within Dana's
budget. An anonymous visitor is never named.
"""

from __future__ import annotations

import pytest

from tests.integration.clients import Agent, Customer, identity_token
from tests.integration.scenario_support import StoreView

pytestmark = pytest.mark.timeout(300, func_only=True)


def resolve_all(agent: Agent, acks: list) -> None:
    """Leave the agent free for later tests (capacity)."""
    for ack in acks:
        agent.call("resolve", {"conversation_id": ack["conversation"]["id"], "disposition": "resolved"})


def claimed(agent: Agent, customer: Customer) -> dict:
    """Wait until the customer's conversation is queued, claim it, return the claim ack."""
    item = agent.rec.wait_for("queue", lambda d: any(i["session_id"] == customer.session_id for i in d["items"]))
    cid = next(i["conversation_id"] for i in item["items"] if i["session_id"] == customer.session_id)
    ack = agent.call("claim", {"conversation_id": cid})
    assert ack["ok"], ack
    return ack


def test_the_claim_carries_the_summary_and_the_next_best_action_grants_in_one_step(stack) -> None:
    store = StoreView(stack.database_url)
    store.undo_grants("1042")  # earlier tests in this session may have credited it
    maya, dana = Customer(stack.base_url), Agent(stack.base_url, "dana")
    acks: list = []
    try:
        maya.start(identity_token=identity_token(stack.base_url, "maya@example.com"))
        maya.ask("I'd like to talk to a human please")
        acks.append(claimed(dana, maya))
        view = acks[-1]["conversation"]
        summary = view["summary"]
        assert summary["who"]["verified"] is True and summary["who"]["name"] == "Maya Patel", summary["who"]
        assert "#1042" in summary["want"] and summary["order"] == "1042", summary["want"]
        assert summary["waiting_for"] and summary["mood"]["path"], summary
        nba = summary["next_best_action"]
        assert nba["kind"] == "grant" and nba["grant"]["kind"] == "credit", nba
        assert nba["grant"]["order_number"] == "1042" and 0 < nba["grant"]["amount"] <= 100

        granted = dana.call("grant", {"conversation_id": view["id"], **nba["grant"]})
        assert granted["ok"], granted
        assert [r.kind.value for r in store.resolutions("1042")] == ["credit"]
        again = dana.call("open", {"conversation_id": view["id"]})["conversation"]["summary"]
        assert any(line.startswith("Credit of $") for line in again["done"]), again["done"]
        assert again["next_best_action"]["kind"] == "step", "the same grant is never suggested twice"

        recap = again["recap"]["text"]
        assert "Maya" in recap and "http" not in recap
        mark = maya.rec.mark()
        assert dana.call("send", {"conversation_id": view["id"], "text": recap, "client_msg_id": "recap-1"})["ok"]
        shown = maya.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "agent", start=mark)
        assert shown["text"] == recap
    finally:
        resolve_all(dana, acks)
        maya.close()
        dana.close()
        store.undo_grants("1042")
        store.dispose()


def test_an_anonymous_visitor_is_never_named_in_the_summary(stack) -> None:
    visitor, dana = Customer(stack.base_url), Agent(stack.base_url, "dana")
    acks: list = []
    try:
        visitor.start()
        visitor.ask("I'd like to talk to a human please")
        acks.append(claimed(dana, visitor))
        summary = acks[-1]["conversation"]["summary"]
        assert summary["who"]["verified"] is False and summary["who"]["name"] is None, summary["who"]
        assert summary["want"].startswith("The visitor")
        assert summary["next_best_action"]["kind"] == "step", "nothing is granted to an unverified visitor"
        names = ("Maya", "Liam", "Sofia", "Noah", "Emma", "Oliver", "Ava", "Lucas", "Chloe")
        assert not any(n in summary["recap"]["text"] for n in names), summary["recap"]
    finally:
        resolve_all(dana, acks)
        visitor.close()
        dana.close()
