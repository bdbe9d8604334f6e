"""The live service really runs the detector, in context (not a calm stand-in after a crash).

A detector that fails stores ``{"score": 0.0, "severity": "none", "reasons": []}``, which
still passes ``any(m.get("detection"))``: these tests check real scores, reasons and
signals, and a conversation-level signal that only exists when the history is passed in.
"""

from __future__ import annotations

import pytest

from tests.integration.clients import Agent, Customer

pytestmark = pytest.mark.timeout(300, func_only=True)

REPEATED = "how do I connect the shopify thing to my store account"


def _customer_detections(agent: Agent, session_id: str, count: int) -> list:
    """The stored findings of a queued session's customer messages (the agent's view)."""
    queue = agent.rec.wait_for("queue", lambda d: any(i["session_id"] == session_id for i in d["items"]))
    cid = next(i["conversation_id"] for i in queue["items"] if i["session_id"] == session_id)
    view = agent.call("open", {"conversation_id": cid})["conversation"]
    found = [m["detection"] for m in view["messages"] if m["sender"] == "customer"]
    assert len(found) == count and all(found), found
    return found


def test_an_angry_message_gets_real_reasons_and_score(stack) -> None:
    c = Customer(stack.base_url)
    sam = Agent(stack.base_url, "sam")
    try:
        c.start()
        c.ask("This is ridiculous, your useless support is the worst, I am furious!!")
        [angry] = _customer_detections(sam, c.session_id, 1)
        assert angry["score"] >= 0.8 and angry["severity"] == "severe", angry
        assert any(r.startswith("angry words") for r in angry["reasons"]), angry["reasons"]
        assert angry["signals"].get("anger", 0) > 0 and angry["signals"].get("directed", 0) > 0, angry["signals"]
    finally:
        c.close()
        sam.close()


def test_saying_the_same_thing_again_is_scored_in_context(stack) -> None:
    c = Customer(stack.base_url)
    sam = Agent(stack.base_url, "sam")
    try:
        c.start()
        for _ in range(3):
            c.ask(REPEATED)
        first, second, third = _customer_detections(sam, c.session_id, 3)
        # The words alone are calm; only the history makes the repeats a signal.
        assert "repetition" not in first["signals"] and first["severity"] == "none", first
        # Agents read the detector's reasons worded for people (policy/reasons.yml).
        assert "said the same thing for the second time" in second["reasons"], second
        assert "said the same thing for the third time" in third["reasons"], third
        assert third["signals"]["repetition"] > second["signals"]["repetition"] > 0
    finally:
        c.close()
        sam.close()
