"""Faults, last in the session: Rasa killed mid-conversation (nothing lost, queued, honest)."""

from __future__ import annotations

import pytest

from tests.integration.clients import Agent, Customer

pytestmark = pytest.mark.timeout(300, func_only=True)


def test_rasa_killed_mid_conversation(stack) -> None:
    c = Customer(stack.base_url)
    dana = Agent(stack.base_url, "dana")
    try:
        c.start()
        c.ask("hi")
        stack.procs["rasa"].kill()
        ack = c.say("where is my parcel? it was due days ago")
        assert ack["ok"], "the message is committed and acked even with Rasa down"
        notice = c.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "system"
                                and d["metadata"]["seq"] > ack["seq"])
        assert "Nothing you wrote is lost" in notice["text"] or "nothing you wrote is lost" in notice["text"]
        c.rec.wait_for("handoff_status", lambda d: d["status"] == "queued")
        offer = dana.rec.wait_for("handoff_offered", lambda d: d["item"]["session_id"] == c.session_id)
        assert offer["item"]["source"] == "rasa_down"
        view = dana.call("claim", {"conversation_id": offer["conversation_id"]})["conversation"]
        assert "where is my parcel? it was due days ago" in [m["text"] for m in view["messages"]]
        import requests

        assert requests.get(f"{stack.base_url}/health", timeout=30).json()["rasa"]["ok"] is False
    finally:
        c.close()
        dana.close()
        pass  # the stack is torn down right after this last test
