"""Check-in e-mails, honest queue updates and idle auto-resolve on real handoff nodes.

The nodes run with no Rasa behind them (``tests.stack.running_node``: every customer message is
committed and, Rasa being down, queued for a person), short intervals from a copy of the policy
files, and a real SMTP server (aiosmtpd) receiving the mail.
"""

from __future__ import annotations

from typing import Any, Iterator, List

import pytest
import socketio

from tests.integration.clients import Agent, wait_until
from tests.integration.followup_support import (
    env,
    policy_dir,
    queued,
    resolved_with_replacement,
    resume_token,
    smtp_server,
)
from tests.stack import running_node

pytestmark = pytest.mark.timeout(600, func_only=True)


@pytest.fixture
def smtp() -> Iterator[tuple]:
    with smtp_server() as server:
        yield server


def test_a_replacement_check_in_arrives_once_across_two_nodes_and_a_restart_and_reopens(smtp, tmp_path) -> None:
    controller, sink = smtp
    with running_node(env(controller.port, policy_dir(tmp_path, auto_resolve_after_s=0)), nodes=2) as node:
        dana = Agent(node.base_url, "dana")
        clients: List[Any] = [dana]
        try:
            liam, _ = resolved_with_replacement(node.base_url, dana)
            clients.append(liam)

            [body] = wait_until(lambda: sink.to("liam@example.com"), 60)
            assert body.startswith("Hi Liam") and "#1051" in body and "replacement" in body
            assert liam.session_id not in body and "identity" not in body

            node.procs["handoff0"].stop()  # a restart: what was sent stays sent
            node.procs["handoff0"].start(timeout=120)
            dana.close()
            dana = Agent(node.base_url, "dana")
            clients.append(dana)
            maya, other = queued(node.base_url, dana, "maya@example.com", "I need a person about my order")
            clients.append(maya)
            assert dana.call("claim", {"conversation_id": other})["ok"]
            assert dana.call("resolve", {"conversation_id": other, "disposition": "resolved"})["ok"]
            wait_until(lambda: sink.to("maya@example.com"), 60)  # both nodes have run since the restart
            assert len(sink.to("liam@example.com")) == 1, "exactly once"
            assert len(sink.to("maya@example.com")) == 1

            link = resume_token(body)
            reader = socketio.Client(reconnection=False)
            got: List[Any] = []
            reader.on("transcript", lambda data: got.append(data))
            reader.connect(node.base_url, transports=["websocket"], wait_timeout=20)
            try:
                ack = reader.call("session_request", {"session_id": None, "customData": {"resume_token": link}},
                                  timeout=30)
                assert ack["ok"] and ack["session_id"] == liam.session_id and ack["status"] == "bot"
                wait_until(lambda: got, 30)
            finally:
                reader.disconnect()
            texts = [m.get("text") for m in got[0]["messages"]]
            assert texts[0] == "the vase arrived smashed, please help"
            assert texts[-1].startswith("Welcome back, Liam.") and "order #1051" in texts[-1]
        finally:
            for client in clients:
                client.close()


def test_a_long_queue_wait_gets_honest_updates_and_the_options_again(smtp, tmp_path) -> None:
    controller, _ = smtp
    policy = policy_dir(tmp_path, update_every_s=2, options_after_s=5, options_at_position=14,
                        options_at_wait_s=100000, auto_resolve_after_s=0)
    with running_node(env(controller.port, policy)) as node:
        dana = Agent(node.base_url, "dana")  # online, but busy elsewhere: nobody claims
        customer = None
        try:
            customer, _ = queued(node.base_url, dana, "sofia@example.com", "I want to talk to someone please")
            first = customer.rec.wait_for("bot_uttered", lambda d: "in line" in d["text"]
                                          and d["metadata"]["sender"] == "system"
                                          and "Realistically" in d["text"], 60)
            assert "quick_replies" not in first, "no options before the timeout"
            later = customer.rec.wait_for("bot_uttered", lambda d: "Realistically" in d["text"]
                                          and "quick_replies" in d, 60)
            assert [q["payload"] for q in later["quick_replies"]] == ["/follow_up", "/continue_with_bot"]
            assert any(p in later["text"] for p in ("longer than", "dragging on"))
            status = customer.rec.wait_for("handoff_status", lambda d: d.get("options"), 30)
            assert status["status"] == "queued" and status["options"] == ["follow_up", "continue_with_bot"]
            updates = [d["text"] for d in customer.rec.of("bot_uttered") if "Realistically" in d["text"]]
            assert len(updates) == len(set(updates)), "never the same update twice"
            assert customer.say("/continue_with_bot")["ok"]
            customer.rec.wait_for("handoff_status", lambda d: d["status"] == "bot", 30)
        finally:
            for client in (customer, dana):
                if client is not None:
                    client.close()


def test_an_assigned_conversation_left_quiet_is_resolved_with_a_note_for_the_agent(smtp, tmp_path) -> None:
    controller, _ = smtp
    policy = policy_dir(tmp_path, update_every_s=0, auto_resolve_after_s=3)
    with running_node(env(controller.port, policy)) as node:
        dana = Agent(node.base_url, "dana")
        customer = None
        try:
            customer, cid = queued(node.base_url, dana, "emma@example.com", "please get me a person")
            mark = dana.rec.mark()
            assert dana.call("claim", {"conversation_id": cid})["ok"]
            note = dana.rec.wait_for("message", lambda d: d["conversation_id"] == cid
                                     and d["message"].get("private")
                                     and d["message"]["text"].startswith("Resolved automatically"), 60, start=mark)
            assert note["message"]["sender"] == "system"
            customer.rec.wait_for("handoff_status", lambda d: d["status"] == "resolved", 30)
            told = customer.rec.wait_for("bot_uttered", lambda d: "haven't heard from you" in d["text"], 30)
            assert told["metadata"]["sender"] == "system"
            assert not [d for d in customer.rec.of("bot_uttered") if d["text"].startswith("Resolved automatically")]
        finally:
            for client in (customer, dana):
                if client is not None:
                    client.close()
