"""The handoff node SIGKILLed mid-turn: after restart the customer gets the answer exactly once,
and the agents it held are offline at once (start-up clears what the node owned)."""

from __future__ import annotations

import os
import signal
import time

import pytest
from sqlalchemy import create_engine, text

from tests.integration.clients import Agent, Customer, request_waiting_at, transcript, wait_until

pytestmark = pytest.mark.timeout(600, func_only=True)
QUESTION = "what payment methods do you accept?"


def _agent_status(database_url: str, username: str) -> str:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT status FROM agents WHERE username = :u"), {"u": username}).scalar_one())
    finally:
        engine.dispose()


def test_node_killed_mid_turn_answers_after_restart_exactly_once(stack) -> None:
    node, rasa = stack.procs["handoff0"], stack.procs["rasa"]
    c = Customer(stack.base_url)
    sam = Agent(stack.base_url, "sam")
    again = None
    try:
        c.start()
        c.ask("hi")
        assert _agent_status(stack.database_url, "sam") == "online"
        os.killpg(rasa.popen.pid, signal.SIGSTOP)  # the turn's request waits inside Rasa
        try:
            ack = c.say(QUESTION)
            assert ack["ok"], "committed and acknowledged"
            wait_until(lambda: request_waiting_at(int(stack.rasa_url.rsplit(":", 1)[1])), 30)
            node.kill()  # SIGKILL mid-turn: the answer was never stored
        finally:
            os.killpg(rasa.popen.pid, signal.SIGCONT)
        c.close()
        sam.close()
        assert _agent_status(stack.database_url, "sam") == "online", "a dead node cannot say goodbye"
        node.start()
        assert _agent_status(stack.database_url, "sam") == "offline", "start-up cleared the node's presence"

        again = Customer(stack.base_url)  # the widget reconnects to the restarted node
        again.start(session_id=c.session_id)

        def answered() -> list:
            replay = transcript(stack.base_url, c.session_id)["messages"]
            return [m for m in replay if m["metadata"]["seq"] > ack["seq"] and m["metadata"]["sender"] == "bot"]

        first = wait_until(answered, 90, every=1.0)
        time.sleep(12)  # past a heartbeat: recovery runs again and must find nothing to do
        replay = transcript(stack.base_url, c.session_id)
        seqs = [m["metadata"]["seq"] for m in replay["messages"]]
        assert seqs == list(range(1, replay["last_seq"] + 1)), seqs
        after = [m for m in replay["messages"] if m["metadata"]["seq"] > ack["seq"]]
        assert [m["text"] for m in after if m["metadata"]["sender"] == "bot"] == [m["text"] for m in first], "once"
        assert [m["text"] for m in replay["messages"]].count(QUESTION) == 1
        assert not [m for m in after if m["metadata"]["sender"] == "system"], "answered by the bot, not a fallback notice"
    finally:
        for client in (c, sam, again):
            if client is not None:
                client.close()
