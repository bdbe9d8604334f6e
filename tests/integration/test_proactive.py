"""Proactive help over real sockets: ``struggle`` reports, one offer per signal, across nodes and restarts.

What is checked is decided before Rasa is asked, so most tests run on handoff nodes with no
Rasa behind them (``tests.stack.running_node``); the one that clicks "Yes, please help" uses
the whole stack. The nodes trust 127.0.0.1 as a proxy, so each test speaks from its own
``X-Forwarded-For`` address and keeps its own limits.
"""

from __future__ import annotations

import concurrent.futures
import uuid
from typing import Any, Dict, Iterator, List

import pytest
from sqlalchemy import create_engine, text

from tests.integration.clients import Agent, Customer, transcript, wait_until
from tests.stack import Stack, running_node

pytestmark = pytest.mark.timeout(300, func_only=True)

LIMITS = {"RATE_LIMIT_STRUGGLE": "6", "RATE_LIMIT_STRUGGLE_WINDOW": "60", "RATE_LIMIT_OFFERS": "3",
          "RATE_LIMIT_OFFERS_WINDOW": "3600", "TRUSTED_PROXIES": "127.0.0.1"}
DISMISS = '/proactive_dismiss{"signal":"login_failed"}'


@pytest.fixture(scope="module")
def node() -> Iterator[Stack]:
    with running_node(LIMITS) as running:
        yield running


def _address() -> str:
    return f"198.51.100.{uuid.uuid4().int % 250 + 1}"


def _customer(base_url: str, address: str, session_id: Any = None) -> Customer:
    customer = Customer(base_url, headers={"X-Forwarded-For": address})
    customer.start(session_id=session_id)
    return customer


def _struggle(customer: Customer, signal: str, count: int, context: Any = None) -> Dict[str, Any]:
    body: Dict[str, Any] = {"signal": signal, "count": count}
    if context is not None:
        body["context"] = context
    return customer.sio.call("struggle", body, timeout=30)


def _offers(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [m for m in messages if m.get("quick_replies") and m["metadata"]["sender"] == "bot"]


def test_a_signal_twice_brings_one_offer_and_a_second_conversation_its_own(node) -> None:
    address = _address()
    maya = _customer(node.base_url, address)
    try:
        assert _struggle(maya, "login_failed", 1) == {"ok": True, "offered": False, "why": "below_threshold"}
        first = _struggle(maya, "login_failed", 2, {"form": "sign-in"})
        assert first["ok"] and first["offered"], first
        second = _struggle(maya, "login_failed", 3, {"form": "sign-in"})
        assert second == {"ok": True, "offered": False, "why": "already_offered"}
        offer = maya.rec.wait_for("bot_uttered", lambda d: d["metadata"]["seq"] == first["seq"])
        assert set(offer) == {"text", "quick_replies", "metadata"}, "Rasa's text-with-buttons shape"
        assert [q["payload"] for q in offer["quick_replies"]] == ["/account_access", DISMISS]
        assert "trouble" in offer["text"] or "sign" in offer["text"].lower()
        assert len(_offers(transcript(node.base_url, maya.session_id)["messages"])) == 1, "stored once"
    finally:
        maya.close()
    other = _customer(node.base_url, address)
    try:
        assert other.session_id != maya.session_id
        assert _struggle(other, "login_failed", 2)["offered"], "another conversation is independent"
    finally:
        other.close()


def test_no_offer_while_queued_or_while_an_agent_owns_the_conversation(node) -> None:
    dana = Agent(node.base_url, "dana")
    customer = _customer(node.base_url, _address())
    try:
        ack = customer.say("hello, is anyone there?")  # Rasa is down on this node: the message is queued
        assert ack["ok"], ack
        customer.rec.wait_for("handoff_status", lambda d: d.get("status") == "queued")
        assert _struggle(customer, "payment_error", 2) == {"ok": True, "offered": False, "why": "not_with_bot"}
        cid = dana.rec.wait_for("queue", lambda d: any(i["session_id"] == customer.session_id for i in d["items"]))
        cid = next(i["conversation_id"] for i in cid["items"] if i["session_id"] == customer.session_id)
        assert dana.call("claim", {"conversation_id": cid})["ok"]
        customer.rec.wait_for("handoff_status", lambda d: d.get("status") == "assigned")
        assert _struggle(customer, "payment_error", 2) == {"ok": True, "offered": False, "why": "agent"}
        assert _offers(transcript(node.base_url, customer.session_id)["messages"]) == []
    finally:
        customer.close()
        dana.close()


def test_once_per_signal_holds_across_a_restart_and_no_thanks_is_answered(node) -> None:
    address = _address()
    customer = _customer(node.base_url, address)
    session_id = customer.session_id
    try:
        assert _struggle(customer, "login_failed", 2)["offered"]
    finally:
        customer.close()
    node.restart("handoff0")
    again = _customer(node.base_url, address, session_id)
    try:
        assert again.session_id == session_id
        assert _struggle(again, "login_failed", 4) == {"ok": True, "offered": False, "why": "already_offered"}
        mark = again.rec.mark()
        ack = again.say(DISMISS)
        assert ack["ok"], ack
        reply = again.rec.wait_for("bot_uttered", lambda d: d["metadata"]["seq"] > ack["seq"], start=mark)
        assert reply["metadata"]["sender"] == "bot" and "quick_replies" not in reply
        assert len(reply["text"]) < 90, "a brief acknowledgement"
        # the service answered it: the conversation stays with the bot (Rasa being down would have queued it)
        assert not [s for s in again.rec.of("handoff_status", mark) if s.get("status") == "queued"]
    finally:
        again.close()
    engine = create_engine(node.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT o.signal, o.outcome FROM proactive_offers o JOIN conversations c "
                                     "ON c.id = o.conversation_id WHERE c.session_id = :s"),
                                {"s": session_id}).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [("login_failed", "dismissed")]


def test_bad_reports_get_clear_errors_and_reports_and_offers_are_limited(node) -> None:
    address = _address()
    customer = _customer(node.base_url, address)
    try:
        unknown = _struggle(customer, "shaky_mouse", 2)
        assert unknown["ok"] is False and unknown["error"]["code"] == "invalid_payload"
        assert "login_failed" in unknown["error"]["message"]
        assert _struggle(customer, "login_failed", -1)["error"]["code"] == "invalid_payload"
        assert _struggle(customer, "login_failed", "2")["error"]["code"] == "invalid_payload"
        big = _struggle(customer, "help_dwell", 30, {"section": "x" * 2000})
        assert big["ok"] is False and big["error"]["code"] == "too_long"
        assert customer.sio.call("struggle", "login_failed", timeout=30)["error"]["code"] == "invalid_payload"
        # refused reports count against nothing; three offers per address, then none
        acks = [_struggle(customer, s, 30) for s in ("login_failed", "payment_error", "rage_click", "help_dwell")]
        assert [a["offered"] for a in acks] == [True, True, True, False] and acks[-1]["why"] == "limited"
        # a reconnect from the same address does not reset the report limit (6 per minute)
        other = _customer(node.base_url, address)
        try:
            assert _struggle(other, "login_failed", 2)["ok"]
            assert _struggle(other, "login_failed", 2)["ok"]
            limited = _struggle(other, "login_failed", 2)
            assert limited["ok"] is False and limited["error"]["code"] == "rate_limited", limited
        finally:
            other.close()
    finally:
        customer.close()


def test_two_nodes_hearing_the_same_signal_make_one_offer() -> None:
    with running_node({**LIMITS, "RATE_LIMIT_OFFERS": "100", "RATE_LIMIT_STRUGGLE": "100"}, nodes=2) as pair:
        address = _address()
        first = _customer(pair.node_urls[0], address)
        second = _customer(pair.node_urls[1], address, first.session_id)
        try:
            assert second.session_id == first.session_id
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                acks = list(pool.map(lambda c: _struggle(c, "payment_error", 1), [first, second] * 2))
            assert sum(1 for a in acks if a["offered"]) == 1, acks
            assert {a["why"] for a in acks if not a["offered"]} == {"already_offered"}
            messages = wait_until(lambda: transcript(pair.base_url, first.session_id)["messages"])
            assert len(_offers(messages)) == 1
        finally:
            first.close()
            second.close()
