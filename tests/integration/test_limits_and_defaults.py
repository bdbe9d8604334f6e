"""Production-safe defaults, limits that reconnecting can't dodge, and the smaller holes, over real sockets.

Most tests run against one handoff node with no Rasa behind it (``tests.stack.running_node``):
what they check is decided before Rasa is asked. The node trusts 127.0.0.1 as a proxy, so
each test speaks from its own ``X-Forwarded-For`` address and keeps its own budget.
"""

from __future__ import annotations

import math
import subprocess
import uuid
from typing import Iterator

import pytest
import requests

from tests.integration.clients import Agent, Customer, wait_until
from tests.stack import PY, RASA, ROOT, Stack, _env, ensure_model, free_port, running_node

pytestmark = pytest.mark.timeout(240, func_only=True)

LIMITS = {"RATE_LIMIT_MESSAGES": "5", "RATE_LIMIT_WINDOW": "60", "RATE_LIMIT_SESSIONS": "8",
          "RATE_LIMIT_SESSIONS_WINDOW": "60", "RATE_LIMIT_TYPING": "3", "RATE_LIMIT_TYPING_WINDOW": "60",
          "RATE_LIMIT_LOGINS": "5", "RATE_LIMIT_LOGINS_WINDOW": "20", "TRUSTED_PROXIES": "127.0.0.1"}


@pytest.fixture(scope="module")
def node() -> Iterator[Stack]:
    with running_node(LIMITS) as running:
        yield running


def _from(address: str) -> dict:
    return {"X-Forwarded-For": address}


def test_refuses_to_start_on_all_interfaces_with_development_defaults() -> None:
    env = _env({"HANDOFF_HOST": "0.0.0.0", "HANDOFF_PORT": str(free_port())})
    for name in ("SECRET_KEY", "IDENTITY_SECRET", "RASA_TOKEN", "DEMO_IDENTITIES"):
        env.pop(name, None)
    try:
        done = subprocess.run([PY, "-m", "handoff"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail("the service started on 0.0.0.0 with the development secrets")
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "refusing to listen on 0.0.0.0" in out
    for name in ("SECRET_KEY", "IDENTITY_SECRET", "RASA_TOKEN", "DEMO_IDENTITIES=0"):
        assert name in out, out


def test_rasa_refuses_all_interfaces_with_the_development_token() -> None:
    """The bridge channel checks where Rasa binds, before Rasa opens its port."""
    env = _env({})
    env.pop("RASA_TOKEN", None)
    args = [RASA, "run", "--enable-api", "--auth-token", "dev-rasa-token", "-i", "0.0.0.0", "-p", str(free_port()),
            "--model", str(ensure_model()), "--credentials", str(ROOT / "credentials.yml")]
    try:
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail("Rasa started on 0.0.0.0 with the development token")
    out = done.stdout + done.stderr
    assert done.returncode != 0 and "refusing to listen on 0.0.0.0" in out and "RASA_TOKEN" in out, out[-2000:]


def test_reconnecting_does_not_reset_the_message_limit(node) -> None:
    who = _from("198.51.100.10")
    first = Customer(node.base_url, headers=who)
    try:
        first.start()
        acks = [first.say(f"message {i}") for i in range(5)]
        assert all(a["ok"] for a in acks), acks
        assert first.say("sixth")["error"]["code"] == "rate_limited"
        session_id = first.session_id
    finally:
        first.close()
    again = Customer(node.base_url, transport="polling", headers=who)
    try:
        assert again.start(session_id=session_id)["session_id"] == session_id
        refused = again.say("I reconnected")
        assert refused["ok"] is False and refused["error"]["code"] == "rate_limited", refused
        assert "wait a moment" in refused["error"]["message"]
        again.start()  # a brand-new chat from the same address is the same key
        assert again.say("new chat")["error"]["code"] == "rate_limited"
    finally:
        again.close()
    other = Customer(node.base_url, headers=_from("198.51.100.11"))
    try:
        other.start()
        assert other.say("hello")["ok"], "another client address has its own budget"
    finally:
        other.close()


def test_session_requests_are_limited_across_sockets(node) -> None:
    who = _from("198.51.100.20")
    one = Customer(node.base_url, headers=who)
    try:
        acks = [one.sio.call("session_request", {}, timeout=30) for _ in range(8)]
        assert all(a["ok"] for a in acks), acks
        assert one.sio.call("session_request", {}, timeout=30)["error"]["code"] == "rate_limited"
    finally:
        one.close()
    two = Customer(node.base_url, headers=who)
    try:
        assert two.sio.call("session_request", {}, timeout=30)["error"]["code"] == "rate_limited"
    finally:
        two.close()


def test_typing_is_limited_across_sockets(node) -> None:
    who = _from("198.51.100.30")
    one = Customer(node.base_url, headers=who)
    try:
        one.start()
        assert [one.sio.call("typing", {"typing": True}, timeout=30) for _ in range(3)] == [None, None, None]
        assert one.sio.call("typing", {"typing": True}, timeout=30)["error"]["code"] == "rate_limited"
        session_id = one.session_id
    finally:
        one.close()
    two = Customer(node.base_url, headers=who)
    try:
        two.start(session_id=session_id)
        assert two.sio.call("typing", {"typing": False}, timeout=30)["error"]["code"] == "rate_limited"
    finally:
        two.close()


def test_sign_in_is_throttled_per_address_and_per_username(node) -> None:
    url = f"{node.base_url}/api/agents/login"
    for _ in range(5):
        resp = requests.post(url, json={"username": "dana", "password": "guess"}, headers=_from("203.0.113.40"),
                             timeout=30)
        assert resp.status_code == 401
    resp = requests.post(url, json={"username": "sam", "password": "support-demo"}, headers=_from("203.0.113.40"),
                         timeout=30)
    assert resp.status_code == 429 and resp.json()["error"]["code"] == "rate_limited", resp.text
    # another address does not unlock guessing the same username
    resp = requests.post(url, json={"username": "dana", "password": "support-demo"}, headers=_from("203.0.113.41"),
                         timeout=30)
    assert resp.status_code == 429 and resp.json() == {"error": {
        "code": "rate_limited", "message": "Too many sign-in attempts; please wait a moment and try again."}}
    resp = requests.post(url, json={"username": "sam", "password": "support-demo"}, headers=_from("203.0.113.42"),
                         timeout=30)
    assert resp.status_code == 200 and resp.json()["token"]


def test_demo_endpoints_answer_this_machine_only(node) -> None:
    assert requests.get(f"{node.base_url}/api/demo/customers", timeout=30).status_code == 200
    forwarded = requests.get(f"{node.base_url}/api/demo/customers", headers=_from("203.0.113.50"), timeout=30)
    assert forwarded.status_code == 404 and forwarded.json()["error"]["code"] == "not_found"
    assert requests.get(f"{node.base_url}/api/demo/identity/1", headers=_from("203.0.113.50"),
                        timeout=30).status_code == 404


def test_security_headers_on_every_answer(node) -> None:
    for path in ("/", "/console", "/widget/widget.js", "/api/phrase-bank", "/health", "/nope",
                 "/socket.io/?EIO=4&transport=polling"):
        resp = requests.get(node.base_url + path, timeout=30)
        assert resp.headers.get("X-Content-Type-Options") == "nosniff", path
        assert resp.headers.get("X-Frame-Options") == "DENY", path
        csp = resp.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path


def test_agent_send_with_the_same_client_msg_id_is_shown_once(node) -> None:
    customer = Customer(node.base_url, headers=_from("198.51.100.60"))
    agent = None
    try:
        customer.start()
        assert customer.say("hello, is anyone there?")["ok"]
        customer.rec.wait_for("handoff_status", lambda d: d["status"] == "queued", timeout=60)  # Rasa is down
        agent = Agent(node.base_url, "sam")
        cid = wait_until(lambda: next((i["conversation_id"] for i in agent.call("queue", {})["items"]
                                       if i["session_id"] == customer.session_id), None))
        assert agent.call("claim", {"conversation_id": cid})["ok"]
        mark = customer.rec.mark()
        body = {"conversation_id": cid, "text": "Hi, I'm Sam from the team", "client_msg_id": "a-retry-1"}
        one, two = agent.call("send", body), agent.call("send", body)
        assert one["ok"] and two["ok"] and one["seq"] == two["seq"] and two.get("duplicate") is True, (one, two)
        follow = agent.call("send", {**body, "text": "Let me look", "client_msg_id": "a-retry-2"})
        customer.rec.wait_for("bot_uttered", lambda d: d["metadata"]["seq"] == follow["seq"], start=mark)
        shown = [d for d in customer.rec.of("bot_uttered", mark) if d["text"] == "Hi, I'm Sam from the team"]
        assert len(shown) == 1, "the retried message reached the customer once"
    finally:
        customer.close()
        if agent is not None:
            agent.close()


def test_out_of_range_csat_is_refused_with_a_clear_error(node) -> None:
    c = Customer(node.base_url, headers=_from("198.51.100.70"))
    try:
        c.start()
        for score in (math.inf, math.nan, "5", 0, 7):  # python-socketio sends inf as Infinity, parsed as inf
            ack = c.sio.call("csat", {"score": score}, timeout=20)
            assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", (score, ack)
            assert "whole number from 1 to 5" in ack["error"]["message"]
        ack = c.say('/csat{"score":1e999}')
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", ack
    finally:
        c.close()


def test_a_guessable_client_session_id_is_replaced(node) -> None:
    c = Customer(node.base_url, headers=_from("198.51.100.80"))
    try:
        ack = c.start(session_id="a")
        assert ack["session_id"] != "a" and len(ack["session_id"]) >= 16
        assert c.rec.wait_for("session_confirm") == ack["session_id"]
        chosen = uuid.uuid4().hex  # what rasa-webchat sends
        assert c.start(session_id=chosen)["session_id"] == chosen
    finally:
        c.close()


def test_rasa_rest_channel_is_off_and_the_bridge_needs_the_token(stack) -> None:
    rest = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": "x", "message": "hi"}, timeout=30)
    assert rest.status_code == 404
    bridge = requests.post(f"{stack.rasa_url}/webhooks/bridge/webhook", json={"sender": "x", "message": "hi"},
                           timeout=30)
    assert bridge.status_code == 401


def test_with_redis_the_limit_holds_across_nodes() -> None:
    from tests.services import require_redis

    with running_node({**LIMITS, "RATE_LIMIT_MESSAGES": "3"}, nodes=2, redis_url=require_redis()) as pair:
        who = _from(f"2001:db8::{uuid.uuid4().hex[:4]}")  # a fresh key: Redis keeps counts between runs
        first = Customer(pair.node_urls[0], headers=who)
        try:
            first.start()
            assert all(first.say(f"m{i}")["ok"] for i in range(3))
            session_id = first.session_id
        finally:
            first.close()
        second = Customer(pair.node_urls[1], headers=who)
        try:
            second.start(session_id=session_id)
            assert second.say("from the other node")["error"]["code"] == "rate_limited"
        finally:
            second.close()
