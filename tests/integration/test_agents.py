"""Routing over real sockets: two agents claiming at once, and nobody online."""

from __future__ import annotations

import threading
import time

import pytest

from tests.integration.clients import Agent, Customer

pytestmark = pytest.mark.timeout(180, func_only=True)


def _queued_conversation(stack, agent: Agent) -> int:
    customer = Customer(stack.base_url)
    customer.start()
    mark = agent.rec.mark()
    customer.ask("I want to speak to a human agent")
    customer.rec.wait_for("handoff_status", lambda d: d["status"] == "queued")
    item = agent.rec.wait_for("queue", lambda d: any(i["session_id"] == customer.session_id for i in d["items"]),
                              start=mark)
    customer.close()
    return next(i["conversation_id"] for i in item["items"] if i["session_id"] == customer.session_id)


def test_two_agents_claiming_at_once_one_wins(stack) -> None:
    dana, sam = Agent(stack.base_url, "dana"), Agent(stack.base_url, "sam")
    try:
        cid = _queued_conversation(stack, dana)
        results = {}
        gate = threading.Barrier(2)

        def claim(name: str, agent: Agent) -> None:
            gate.wait()
            results[name] = agent.call("claim", {"conversation_id": cid})

        threads = [threading.Thread(target=claim, args=(n, a)) for n, a in (("dana", dana), ("sam", sam))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        oks = [r for r in results.values() if r["ok"]]
        losers = [r for r in results.values() if not r["ok"]]
        assert len(oks) == 1 and len(losers) == 1, results
        assert losers[0]["error"]["code"] == "already_claimed"
        winner = dana if results["dana"]["ok"] else sam
        assert winner.call("resolve", {"conversation_id": cid, "disposition": "test"})["ok"]
    finally:
        dana.close()
        sam.close()


def _wait_until_no_agent_is_online(stack, timeout: float = 30.0) -> None:
    """Earlier tests' agent sockets close asynchronously: wait until the server marked them offline."""
    from sqlalchemy import create_engine, text

    from common.settings import load_settings

    engine = create_engine(load_settings({"DATABASE_URL": stack.database_url}).sync_database_url, future=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with engine.connect() as conn:
                online = conn.execute(text("SELECT count(*) FROM agents WHERE status = 'online'")).scalar_one()
            if online == 0:
                return
            assert time.monotonic() < deadline, f"{online} agent(s) still online {timeout}s after their sockets closed"
            time.sleep(0.2)
    finally:
        engine.dispose()


def test_no_agent_online_offers_follow_up_and_the_bot(stack) -> None:
    # Agents go "away" before signing out: a known race can leave a closed agent "online"
    # (see the closing note); this test is about the customer's side of "nobody online".
    for name in ("dana", "sam"):
        agent = Agent(stack.base_url, name)
        try:
            assert agent.call("set_status", {"status": "away"})["ok"]
        finally:
            agent.close()
    _wait_until_no_agent_is_online(stack)
    c = Customer(stack.base_url)
    try:
        c.start()
        c.ask("can I talk to a real person?")
        status = c.rec.wait_for("handoff_status", lambda d: d["status"] == "queued")
        assert status["agents_online"] == 0 and status["options"] == ["follow_up", "continue_with_bot"]
        notice = c.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "system")
        assert "no one from our support team is online" in notice["text"]
        assert [q["payload"] for q in notice["quick_replies"]] == ["/follow_up", "/continue_with_bot"]
        assert set(notice) == {"text", "quick_replies", "metadata"}, "Rasa socketio's shape, nothing else"
        replies = c.ask("hello?")
        assert replies and replies[-1]["metadata"]["sender"] == "system", "a reply on every turn while waiting"
        bad = c.sio.call("follow_up", {"email": "not-an-email"}, timeout=30)
        assert bad["error"]["code"] == "invalid_payload"
        ok = c.sio.call("follow_up", {"email": "visitor@example.com"}, timeout=30)
        assert ok["ok"] and isinstance(ok["ticket_id"], int)
        c.rec.wait_for("handoff_status", lambda d: d["status"] == "bot")
        after = c.ask("what payment methods do you accept?")
        assert any(r["metadata"]["sender"] == "bot" for r in after), "back with the bot"
    finally:
        c.close()
