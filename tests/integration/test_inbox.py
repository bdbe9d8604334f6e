"""The shared inbox over real sockets: sign-out and offline grace return conversations first in
line, re-escalation goes back to the same agent, and the inbox's search."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from tests.integration.clients import Agent, Customer, identity_token
from tests.stack import running_stack

pytestmark = pytest.mark.timeout(300, func_only=True)


def _fresh_agent(stack, username: str) -> Agent:
    """The agent with none of the earlier tests' conversations: sign out once (they go back to the
    queue, first in line), sign in again, go online and close those (so they don't go first)."""
    old = Agent(stack.base_url, username)
    left = old.call("sign_out", {})
    assert left["ok"], left
    old.close()
    agent = Agent(stack.base_url, username)
    assert agent.call("set_status", {"status": "online"})["ok"]
    for cid in left["returned"]:
        if agent.call("claim", {"conversation_id": cid})["ok"]:
            assert agent.call("resolve", {"conversation_id": cid})["ok"]
    return agent


def _queued(base_url: str, agent: Agent, text: str = "I want to talk to a person", token: str = "") -> Customer:
    customer = Customer(base_url)
    customer.start(identity_token=token or None)
    customer.ask(text)
    customer.rec.wait_for("handoff_status", lambda d: d["status"] == "queued")
    return customer


def _cid(agent: Agent, customer: Customer) -> int:
    found = agent.call("inbox", {"view": "unassigned", "limit": 100})
    return next(i["conversation_id"] for i in found["items"] if i["session_id"] == customer.session_id)


def _system(customer: Customer, start: int) -> List[Dict[str, Any]]:
    return [d for d in customer.rec.of("bot_uttered", start) if d["metadata"]["sender"] == "system"]


def test_sign_out_returns_open_conversations_first_in_line(stack) -> None:
    dana, sam = _fresh_agent(stack, "dana"), _fresh_agent(stack, "sam")
    first = second = None
    try:
        first = _queued(stack.base_url, dana)
        cid = _cid(dana, first)
        assert dana.call("claim", {"conversation_id": cid})["ok"]
        second = _queued(stack.base_url, dana, "I'm going to dispute this charge with my bank, get me a person")
        again = Agent(stack.base_url, "dana")
        assert again.info["active"] == 1, "the login's agent.active is the real count"
        again.close()

        mark = first.rec.mark()
        ack = dana.call("sign_out", {})
        assert ack == {"ok": True, "returned": [cid]}
        dana.rec.wait_for("signed_out", lambda d: d["returned"] == [cid])
        status = first.rec.wait_for("handoff_status", lambda d: d["status"] == "queued", start=mark)
        assert status["position"] == 1, "first in line, ahead of the severe one waiting"
        told = first.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "system", start=mark)
        assert "Dana" in told["text"] and "see" in told["text"]
        items = sam.call("inbox", {"view": "unassigned"})["items"]
        assert items[0]["conversation_id"] == cid and items[0]["returned_at"]
        assert sam.call("claim", {"conversation_id": cid})["ok"], "Sam can take it straight away"
        assert sam.call("resolve", {"conversation_id": cid})["ok"]
    finally:
        for client in (first, second, dana, sam):
            if client is not None:
                client.close()


def test_re_escalation_goes_back_to_the_same_agent_else_first_in_line(stack) -> None:
    dana = _fresh_agent(stack, "dana")
    customer = None
    try:
        customer = _queued(stack.base_url, dana)
        cid = _cid(dana, customer)
        assert dana.call("claim", {"conversation_id": cid})["ok"]
        assert dana.call("send", {"conversation_id": cid, "text": "Hi, I'm Dana. Let's sort this out."})["ok"]
        assert dana.call("hand_back", {"conversation_id": cid})["ok"]
        customer.rec.wait_for("handoff_status", lambda d: d["status"] == "bot")

        agent_mark, mark = dana.rec.mark(), customer.rec.mark()
        customer.ask("I want to speak to Dana again")
        back = dana.rec.wait_for("conversation_assigned", lambda d: d["conversation_id"] == cid, start=agent_mark)
        assert back["reason"] == "returning"
        customer.rec.wait_for("handoff_status", lambda d: d["status"] == "assigned" and d["agent_name"] == "Dana",
                              start=mark)
        assert any("Dana" in d["text"] for d in _system(customer, mark))
        mine = dana.call("inbox", {"view": "mine"})["items"]
        assert cid in [i["conversation_id"] for i in mine]

        assert dana.call("hand_back", {"conversation_id": cid})["ok"]
        assert dana.call("set_status", {"status": "away"})["ok"]
        mark = customer.rec.mark()
        customer.ask("can I talk to the same person as before?")
        status = customer.rec.wait_for("handoff_status", lambda d: d["status"] == "queued", start=mark)
        assert status["position"] == 1, "not behind everyone who came meanwhile"
        assert any("Dana" in d["text"] for d in _system(customer, mark)), "told Dana isn't free"
        assert dana.call("set_status", {"status": "online"})["ok"]
        assert dana.call("claim", {"conversation_id": cid})["ok"]
        assert dana.call("resolve", {"conversation_id": cid})["ok"]
    finally:
        if customer is not None:
            customer.close()
        dana.close()


def test_inbox_search_filters_and_labels(stack) -> None:
    dana = Agent(stack.base_url, "dana")
    customer = None
    try:
        token = identity_token(stack.base_url, "sofia@example.com")
        customer = _queued(stack.base_url, dana, "I want a person, it's about my order 1060", token=token)
        cid = _cid(dana, customer)

        def found(**query: Any) -> List[int]:
            ack = dana.call("inbox", {"view": "all", **query})
            assert ack["ok"], ack
            return [i["conversation_id"] for i in ack["items"]]

        assert cid in found(q="Sofia") and cid in found(q="SOFIA@example.com")
        assert cid in found(q="ABOUT MY ORDER") and cid in found(q="#1060")
        assert cid in found(q="talk to a person") or cid in found(q="person"), "the handoff's reasons"
        assert cid not in found(q="no conversation mentions this 7g2k")
        assert cid in found(status="queued") and cid not in found(status="resolved")
        assert cid in found(max_age_s=3600) and cid not in found(min_age_s=3600)

        added = dana.call("add_label", {"conversation_id": cid, "label": "Wrong Item"})
        assert added == {"ok": True, "labels": ["wrong item"], "changed": True}
        dana.rec.wait_for("labels_changed", lambda d: d["conversation_id"] == cid)
        assert found(label="wrong item") == [cid]
        card = next(i for i in dana.call("inbox", {"view": "unassigned"})["items"] if i["conversation_id"] == cid)
        assert card["labels"] == ["wrong item"] and card["customer"]["name"].startswith("Sofia")
        bad = dana.call("inbox", {"view": "everything"})
        assert bad["ok"] is False and bad["error"]["code"] == "invalid_payload"
        team = {a["username"]: a for a in dana.call("team", {})["agents"]}
        assert team["dana"]["me"] and {"has_room", "active", "max_concurrent", "status"} <= set(team["sam"])
        assert dana.call("claim", {"conversation_id": cid})["ok"]
        assert dana.call("resolve", {"conversation_id": cid})["ok"]
        assert cid in [i["conversation_id"] for i in dana.call("inbox", {"view": "resolved"})["items"]]
    finally:
        if customer is not None:
            customer.close()
        dana.close()


def test_an_offline_agent_s_conversations_return_after_the_grace(stack) -> None:
    grace = {"AGENT_OFFLINE_GRACE_S": "2", "PRESENCE_HEARTBEAT_S": "0.5"}
    with running_stack(reuse_bot_of=stack, extra_env=grace) as short:
        dana = Agent(short.base_url, "dana")
        customer = _queued(short.base_url, dana)
        try:
            cid = _cid(dana, customer)
            assert dana.call("claim", {"conversation_id": cid})["ok"]
            mark = customer.rec.mark()
            dana.close()  # the tab closes (no sign-out): the conversation waits out the grace, then returns
            status = customer.rec.wait_for("handoff_status", lambda d: d["status"] == "queued", start=mark)
            assert status["position"] == 1 and status["agents_online"] == 0
            told = customer.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "system", start=mark)
            assert "Dana" in told["text"]
            assert told.get("quick_replies"), "with no one online, the e-mail and assistant options"
            sam = Agent(short.base_url, "sam")
            try:
                items = sam.call("inbox", {"view": "unassigned"})["items"]
                assert items[0]["conversation_id"] == cid and items[0]["returned_at"]
                assert not sam.call("inbox", {"view": "stuck"})["items"]
            finally:
                sam.close()
        finally:
            customer.close()
