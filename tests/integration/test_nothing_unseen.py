"""Nothing goes unseen: the assistant's typing reaches the customer on every node, and the chat's
e-mails go over a real SMTP server (aiosmtpd): the transcript a customer asks for, and the one
"an agent replied after you left" notice per absence.

Handoff nodes with no Rasa behind them (``tests.stack.running_node``): every customer message is
committed, the turn starts (typing) and, Rasa being down, the conversation is queued for an agent,
which is all these tests need.
"""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.message import Message
from typing import Any, Iterator, List

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from common.settings import load_settings
from tests.integration.clients import Agent, Customer, identity_token, wait_until
from tests.services import require_redis
from tests.stack import Stack, running_node

pytestmark = pytest.mark.timeout(240, func_only=True)
CHAT_URL = "http://shop.example/#support-chat"


class Sink:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: List[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.received.append(envelope)
        return "250 OK"

    def to(self, address: str) -> List[Message]:
        return [message_from_bytes(e.content) for e in self.received if address in e.rcpt_tos]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, sink
    controller.stop()


@pytest.fixture(scope="module")
def node(smtp) -> Iterator[Stack]:
    controller, _ = smtp
    with running_node({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port), "CHAT_URL": CHAT_URL}) as running:
        yield running


def _sql(stack: Stack, query: str, **params: Any) -> List[Any]:
    engine = create_engine(load_settings({"DATABASE_URL": stack.database_url}).sync_database_url, future=True)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(query), params).all())
    finally:
        engine.dispose()


def _body(mail: Message) -> str:
    return mail.get_payload(decode=True).decode()


def _queued(customer: Customer, words: str) -> None:
    ack = customer.say(words)
    assert ack["ok"], ack
    customer.rec.wait_for("handoff_status", lambda d: d.get("status") == "queued", 30)


def test_a_signed_in_customer_gets_the_transcript_at_the_address_on_file(node, smtp) -> None:
    _, sink = smtp
    customer = Customer(node.base_url)
    try:
        customer.start(identity_token=identity_token(node.base_url, "maya@example.com"))
        _queued(customer, "my birthday gift is three days late")
        ack = customer.sio.call("email_transcript", {}, timeout=30)
        assert ack == {"ok": True, "sent_to": "m•••@example.com"}
        [mail] = wait_until(lambda: sink.to("maya@example.com"), 30)
        body = _body(mail)
        assert "my birthday gift is three days late" in body and CHAT_URL in body
        assert customer.session_id not in body  # the only key to a conversation never leaves in a mail
    finally:
        customer.close()


def test_an_anonymous_visitor_types_an_address_for_the_transcript(node, smtp) -> None:
    _, sink = smtp
    customer = Customer(node.base_url)
    try:
        customer.start()
        _queued(customer, "hello, is anyone there")
        refused = customer.sio.call("email_transcript", {}, timeout=30)
        assert refused["ok"] is False and refused["error"]["code"] == "email_required"
        bad = customer.sio.call("email_transcript", {"email": "not an address"}, timeout=30)
        assert bad["error"]["code"] == "invalid_payload"
        ack = customer.sio.call("email_transcript", {"email": "visitor@example.net"}, timeout=30)
        assert ack == {"ok": True, "sent_to": "visitor@example.net"}
        [mail] = wait_until(lambda: sink.to("visitor@example.net"), 30)
        assert "hello, is anyone there" in _body(mail)
    finally:
        customer.close()


def test_an_agent_reply_after_the_customer_left_sends_one_notice_per_absence(node, smtp) -> None:
    _, sink = smtp
    address = "away@example.net"
    customer = Customer(node.base_url)
    agent = Agent(node.base_url, "dana")
    try:
        customer.start()
        session_id = customer.session_id
        _queued(customer, "my vase arrived broken")
        ack = customer.sio.call("notify_me", {"email": address}, timeout=30)
        assert ack == {"ok": True, "notify": address}
        [cid] = [r[0] for r in _sql(node, "SELECT id FROM conversations WHERE session_id = :s", s=session_id)]
        assert agent.call("claim", {"conversation_id": cid})["ok"]
        assert agent.call("send", {"conversation_id": cid, "text": "Hi, I'm Dana."})["ok"]  # still here: no mail

        customer.close()  # the customer leaves; the node drops the socket's presence row
        wait_until(lambda: not _sql(node, "SELECT 1 FROM customer_presence WHERE conversation_id = :c", c=cid), 30)
        assert agent.call("send", {"conversation_id": cid, "text": "The replacement is on its way."})["ok"]
        assert agent.call("send", {"conversation_id": cid, "text": "And here is the tracking number."})["ok"]
        [notice] = wait_until(lambda: sink.to(address), 30)
        body = _body(notice)
        assert "Dana" in notice["Subject"] and CHAT_URL in body
        assert session_id not in body and "replacement" not in body  # no key, no conversation content
        outbox = _sql(node, "SELECT count(*) FROM outbox WHERE to_address = :a", a=address)
        assert outbox[0][0] == 1  # enqueued with the reply: the second reply of the absence added none

        back = Customer(node.base_url)  # the customer comes back (same session), then leaves again
        back.start(session_id=session_id)
        back.close()
        wait_until(lambda: not _sql(node, "SELECT 1 FROM customer_presence WHERE conversation_id = :c", c=cid), 30)
        assert agent.call("send", {"conversation_id": cid, "text": "One last thing."})["ok"]
        assert len(wait_until(lambda: len(sink.to(address)) == 2 and sink.to(address), 30)) == 2
    finally:
        customer.close()
        agent.close()


def test_the_assistant_typing_reaches_the_customer_on_another_node() -> None:
    """The turn runs on node A; the same session's socket on node B sees typing start and stop
    around the turn's messages (emitted through the Socket.IO manager, no per-process state)."""
    with running_node(nodes=2, redis_url=require_redis()) as pair:
        node_a, node_b = pair.node_urls
        here, there = Customer(node_a), Customer(node_b)
        try:
            here.start()
            there.start(session_id=here.session_id)
            mark = there.rec.mark()
            assert here.say("is anyone there?")["ok"]
            there.rec.wait_for("typing", lambda d: d == {"typing": False, "sender": "bot"}, 30, start=mark)
            seen = [(n, d) for n, d in there.rec.events[mark:] if n in ("typing", "bot_uttered")]
            assert seen[0] == ("typing", {"typing": True, "sender": "bot"}), seen
            assert seen[-1] == ("typing", {"typing": False, "sender": "bot"}), seen
            assert [n for n, _ in seen[1:-1]] and {n for n, _ in seen[1:-1]} == {"bot_uttered"}, seen
        finally:
            here.close()
            there.close()
