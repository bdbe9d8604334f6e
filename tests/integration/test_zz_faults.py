"""Faults, last in the session: Rasa killed during a turn (nothing lost, queued, honest, recovers)."""

from __future__ import annotations

import os
import signal

import pytest
import requests

from tests.integration.clients import Agent, Customer, request_waiting_at, transcript, wait_until

pytestmark = pytest.mark.timeout(900, func_only=True)


def test_rasa_killed_during_a_turn(stack) -> None:
    c = Customer(stack.base_url)
    dana = Agent(stack.base_url, "dana")
    rasa = stack.procs["rasa"]
    try:
        mark = dana.rec.mark()
        c.start()
        c.ask("hi")
        c.ask("what payment methods do you accept?")
        # Freeze Rasa, so the turn's request is in flight when it dies.
        os.killpg(rasa.popen.pid, signal.SIGSTOP)
        try:
            ack = c.say("where is my parcel? it was due days ago")
            assert ack["ok"], "the message is committed and acked whatever Rasa does"
            rasa_port = int(stack.rasa_url.rsplit(":", 1)[1])
            wait_until(lambda: request_waiting_at(rasa_port), 30)  # the turn's request reached Rasa
            assert c.last_seq() == ack["seq"], "no reply yet: the turn is waiting on Rasa"
        finally:
            rasa.kill()  # SIGKILL the (stopped) process group: a crash mid-turn
        notice = c.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "system"
                                and d["metadata"]["seq"] > ack["seq"])
        assert "nothing you wrote is lost" in notice["text"].lower()
        c.rec.wait_for("handoff_status", lambda d: d["status"] == "queued")
        offer = dana.rec.wait_for("handoff_offered", lambda d: d["item"]["session_id"] == c.session_id, start=mark)
        assert offer["item"]["source"] == "rasa_down"
        cid = offer["conversation_id"]

        # Replay from the start: every seq, once, no gaps, the interrupted message included.
        replay = transcript(stack.base_url, c.session_id)
        seqs = [m["metadata"]["seq"] for m in replay["messages"]]
        assert seqs == list(range(1, replay["last_seq"] + 1)) and replay["last_seq"] == c.last_seq(), seqs
        texts = [m["text"] for m in replay["messages"]]
        assert texts.count("where is my parcel? it was due days ago") == 1
        assert [m["metadata"]["sender"] for m in replay["messages"]].count("bot") >= 2, "the earlier answers are kept"
        assert requests.get(f"{stack.base_url}/health", timeout=30).json()["rasa"]["ok"] is False

        # Rasa comes back: the service sees it, and the bot answers again after the hand-back.
        stack.restart("rasa")
        wait_until(lambda: requests.get(f"{stack.base_url}/health", timeout=30).json()["rasa"]["ok"], 120)
        view = dana.call("claim", {"conversation_id": cid})["conversation"]
        assert "where is my parcel? it was due days ago" in [m["text"] for m in view["messages"]]
        assert dana.call("hand_back", {"conversation_id": cid})["ok"]
        replies = c.ask("what payment methods do you accept?", timeout=120)
        assert any(r["metadata"]["sender"] == "bot" for r in replies), replies
        after = transcript(stack.base_url, c.session_id)
        assert [m["metadata"]["seq"] for m in after["messages"]] == list(range(1, after["last_seq"] + 1))
    finally:
        c.close()
        dana.close()
