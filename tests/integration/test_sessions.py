"""Sessions over real sockets: replay after reconnect, idempotent retry, isolation, bad input."""

from __future__ import annotations

import pytest

from tests.integration.clients import Customer, identity_token, tracker, transcript, wait_until

pytestmark = pytest.mark.timeout(180, func_only=True)


def test_reconnect_replays_the_transcript_once_in_order(stack) -> None:
    first = Customer(stack.base_url)
    first.start()
    first.ask("hello there")
    first.ask("what payment methods do you accept?")
    session_id = first.session_id
    first.close()

    again = Customer(stack.base_url, transport="polling")
    try:
        ack = again.start(session_id=session_id, last_seq=1)
        assert ack["ok"] and ack["session_id"] == session_id and ack["fresh"] is False
        replay = again.rec.wait_for("transcript")
        seqs = [m["metadata"]["seq"] for m in replay["messages"]]
        assert seqs == list(range(2, replay["last_seq"] + 1)), "everything after seq 1, once, in order"
        senders = [m["metadata"]["sender"] for m in replay["messages"]]
        assert "customer" in senders and "bot" in senders
        assert any(m["text"] == "what payment methods do you accept?" for m in replay["messages"])
    finally:
        again.close()


def test_retry_with_same_client_msg_id_is_stored_and_answered_once(stack) -> None:
    c = Customer(stack.base_url)
    try:
        c.start()
        one = c.say("hi", client_msg_id="retry-1")
        two = c.say("hi", client_msg_id="retry-1")
        assert one["ok"] and two["ok"] and one["seq"] == two["seq"] and two.get("duplicate") is True
        c.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "bot")

        def turn_done():  # Rasa's own record: the one user message, answered, listening again
            t = tracker(stack.rasa_url, c.session_id)
            users = [e for e in t["events"] if e["event"] == "user"]
            return t if users and t["latest_action_name"] == "action_listen" else None

        rasa = wait_until(turn_done)
        msgs = transcript(stack.base_url, c.session_id)["messages"]
        assert [m["metadata"].get("client_msg_id") for m in msgs].count("retry-1") == 1
        assert [m["metadata"]["sender"] for m in msgs].count("customer") == 1
        assert len([e for e in rasa["events"] if e["event"] == "user"]) == 1, "Rasa ran one turn"
        bot_said = [e for e in rasa["events"] if e["event"] == "bot"]
        stored = [m for m in msgs if m["metadata"]["sender"] == "bot"]
        assert bot_said and len(stored) == len(bot_said), "the bot answered once: its replies, stored once"
        assert c.last_seq() == msgs[-1]["metadata"]["seq"] == 1 + len(stored)
    finally:
        c.close()


def test_a_customer_cannot_join_another_conversation(stack) -> None:
    maya = Customer(stack.base_url)
    intruder = Customer(stack.base_url)
    try:
        maya.start(identity_token=identity_token(stack.base_url, "maya@example.com"))
        maya.ask("hi")
        ack = intruder.start(session_id=maya.session_id, last_seq=0)
        rejected = intruder.rec.wait_for("session_rejected")
        assert rejected["code"] == "session_forbidden"
        assert ack["session_id"] != maya.session_id and ack["fresh"] is True
        assert all(not t["messages"] for t in intruder.rec.of("transcript")), "nothing replayed"
        other = identity_token(stack.base_url, "liam@example.com")
        liam = Customer(stack.base_url)
        liam.start(session_id=maya.session_id, identity_token=other)
        liam.rec.wait_for("session_rejected")
        mark = intruder.rec.mark()
        maya.ask("are you still there?")  # returns once every reply of the turn reached Maya
        assert not intruder.rec.of("bot_uttered", mark), "the intruder never joined Maya's room"
        bad = intruder.sio.call(
            "user_uttered", {"message": "hi", "session_id": maya.session_id}, timeout=30)
        assert bad["ok"] is False and bad["error"]["code"] == "no_session"
        liam.close()
    finally:
        maya.close()
        intruder.close()


def test_bad_input_gets_clear_error_acks(stack) -> None:
    c = Customer(stack.base_url)
    try:
        before = c.sio.call("user_uttered", {"message": "hi"}, timeout=30)
        assert before["error"]["code"] == "no_session"
        c.start()
        assert c.say("x" * 5000)["error"]["code"] == "too_long"
        assert c.say("   ")["error"]["code"] == "empty_message"
        assert c.say(42)["error"]["code"] == "invalid_payload"
        assert c.sio.call("user_uttered", "not an object", timeout=30)["error"]["code"] == "invalid_payload"
        # rate limits (keyed by identity or address, across reconnects): test_limits_and_defaults.py
    finally:
        c.close()


def test_unknown_session_gets_a_fresh_one(stack) -> None:
    """A fresh conversation; like Rasa's channel, the unused id the client chose is kept."""
    c = Customer(stack.base_url)
    try:
        ack = c.start(session_id="does-not-exist-0000", last_seq=0)
        assert ack["fresh"] is True and ack["session_id"] == "does-not-exist-0000" and ack["last_seq"] == 0
        assert c.rec.wait_for("session_confirm") == ack["session_id"]
    finally:
        c.close()
