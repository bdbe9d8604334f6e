"""Issue 9, hole 1: order number + e-mail is not a key to the account.

A visitor verified only by an order number and its e-mail may see the order; a password
reset, an unlock, a cancellation or an address change goes to the e-mail on file, and the
chat never shows the link. Verification failures count across sessions.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
from email import message_from_bytes
from typing import Any, List

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from bot.actions import runtime
from bot.actions.account import ActionPasswordReset
from bot.actions.identify import LOCKED, ValidateIdentifyForm
from bot.actions.pending import ActionExecutePending
from common.mailer import deliver_pending
from store import outbox
from store.confirmations import redeem
from store.db import transaction
from store.errors import NotFound
from store.models import Customer, OutboxMessage
from store.queries import find_order

pytestmark = pytest.mark.asyncio


def verified(customer_id: Any, email: str, number: str, **more: Any) -> dict:
    """The slots identify_form leaves after a right order number + e-mail (no identity token)."""
    return {"order_number": number, "email": email, "verified": True, "customer_id": float(customer_id(email)),
            **more}


def mails(store: Any) -> List[Any]:
    return [message_from_bytes(p.read_bytes()) for p in sorted(store.settings.outbox_dir.glob("*.eml"))]


def body(mail: Any) -> str:
    return mail.get_payload(decode=True).decode()


def no_secret(texts: List[str]) -> None:
    for text in texts:
        assert "/reset/" not in text and "/confirm/" not in text and "http" not in text, text


async def test_order_and_email_then_forgot_password_never_shows_a_link(store, run, kit, customer_id, db_session):
    maya = db_session.get(Customer, customer_id("maya@example.com"))
    maya.account_locked = True
    db_session.commit()
    tracker = kit.tracker("account_access", "I forgot my password",
                          slots=verified(customer_id, "maya@example.com", "1042"))
    messages, _ = await run(ActionPasswordReset(), tracker)
    said = kit.texts(messages)
    no_secret(said)
    assert "maya@example.com" in " ".join(said)
    [mail] = mails(store)
    assert mail["To"] == "maya@example.com" and f"{store.settings.public_url}/reset/" in body(mail)
    assert db_session.execute(select(OutboxMessage)).scalar_one().status.value == "sent"
    db_session.refresh(maya)
    assert maya.account_locked is True, "an order number + e-mail unlocks nothing"


async def test_an_email_alone_does_not_unlock_an_account(store, run, kit, customer_id, db_session):
    emma = db_session.get(Customer, customer_id("emma@example.com"))
    emma.account_locked = True
    db_session.commit()
    entity = {"entity": "email", "value": "emma@example.com", "start": 0, "end": 16}
    messages, _ = await run(ActionPasswordReset(), kit.tracker("account_access", "emma@example.com",
                                                               entities=[entity]))
    no_secret(kit.texts(messages))
    db_session.refresh(emma)
    assert emma.account_locked is True
    assert [m["To"] for m in mails(store)] == ["emma@example.com"]


async def test_order_verified_cancel_waits_for_the_mailed_link(store, run, kit, customer_id, db_session,
                                                               db_session_factory):
    tracker = kit.tracker("affirm", "yes", slots=verified(customer_id, "ava@example.com", "1075",
                                                          pending_action="cancel_order:1075"))
    messages, events = await run(ActionExecutePending(), tracker)
    said = kit.texts(messages)
    no_secret(said)
    assert "ava@example.com" in said[0] and kit.slots(events)["pending_action"] is None
    assert find_order(db_session, "1075").status.value == "processing"  # nothing changed yet
    [mail] = mails(store)
    token = body(mail).split("/confirm/")[1].split()[0]
    with transaction(db_session_factory) as session:
        done = redeem(session, token)
    assert done["kind"] == "cancel_order" and done["order"] == "1075"
    db_session.expire_all()
    assert find_order(db_session, "1075").status.value == "cancelled"
    with pytest.raises(NotFound), transaction(db_session_factory) as session:
        redeem(session, token)  # single use


async def test_order_verified_address_change_waits_for_the_mailed_link(store, run, kit, customer_id, db_session,
                                                                       db_session_factory):
    new = "12 Harbour Street, Portland, OR 97201"
    tracker = kit.tracker("affirm", "yes", slots=verified(customer_id, "ava@example.com", "1075",
                                                          pending_action="change_address:1075", new_address=new))
    messages, _ = await run(ActionExecutePending(), tracker)
    no_secret(kit.texts(messages))
    assert find_order(db_session, "1075").shipping_address != new
    token = body(mails(store)[0]).split("/confirm/")[1].split()[0]
    with transaction(db_session_factory) as session:
        assert redeem(session, token)["new_address"] == new
    db_session.expire_all()
    assert find_order(db_session, "1075").shipping_address == new


async def test_a_forged_confirmation_token_does_nothing(store, db_session_factory, db_session):
    with pytest.raises(NotFound), transaction(db_session_factory) as session:
        redeem(session, "not-a-real-token")
    assert find_order(db_session, "1075").status.value == "processing"


class Sink:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: List[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Any:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


async def test_reset_link_arrives_over_smtp_and_not_in_the_chat(smtp, db_settings, db_session_factory, run, kit,
                                                                customer_id):
    controller, sink = smtp
    settings = dataclasses.replace(db_settings, smtp_host="127.0.0.1", smtp_port=controller.port)
    runtime.configure(settings, db_session_factory)
    try:
        tracker = kit.tracker("account_access", "I forgot my password",
                              slots=verified(customer_id, "maya@example.com", "1042"))
        messages, _ = await run(ActionPasswordReset(), tracker)
    finally:
        runtime.dispose()
    no_secret(kit.texts(messages))
    [envelope] = sink.received
    assert envelope.rcpt_tos == ["maya@example.com"]
    text = body(message_from_bytes(envelope.content))
    assert "http://127.0.0.1:8000/reset/" in text
    assert not list(settings.outbox_dir.glob("*.eml"))  # SMTP, not the file sink


async def test_two_deliverers_send_each_message_exactly_once(smtp, db_settings, db_session_factory):
    controller, sink = smtp
    settings = dataclasses.replace(db_settings, smtp_host="127.0.0.1", smtp_port=controller.port)
    with transaction(db_session_factory) as session:
        for n in range(6):
            outbox.enqueue(session, f"c{n}@example.com", "hello", f"message {n}")
    results: List[int] = []
    threads = [threading.Thread(target=lambda: results.append(deliver_pending(settings, db_session_factory)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(results) == 6
    assert sorted(e.rcpt_tos[0] for e in sink.received) == sorted(f"c{n}@example.com" for n in range(6))
    assert deliver_pending(settings, db_session_factory) == 0


async def test_failed_smtp_keeps_the_message_for_the_next_try(db_settings, db_session_factory):
    settings = dataclasses.replace(db_settings, smtp_host="127.0.0.1", smtp_port=free_port())  # nobody listens
    with transaction(db_session_factory) as session:
        outbox.enqueue(session, "maya@example.com", "hello", "body")
    assert deliver_pending(settings, db_session_factory) == 0
    with transaction(db_session_factory) as session:
        row = session.execute(select(OutboxMessage)).scalar_one()
        assert row.status.value == "pending" and row.attempts == 1 and row.last_error


def attempt(kit: Any, number: str, email: str, sender: str, address: str = "203.0.113.7") -> Any:
    return kit.tracker("inform", f"{number} {email}", sender=sender, metadata={"client_address": address},
                       after=[{"event": "slot", "name": "order_number", "value": number},
                              {"event": "slot", "name": "email", "value": email}])


async def test_a_new_session_per_guess_does_not_reset_the_count(store, run, kit):
    for n in range(5):  # five sessions, one wrong guess each, from five addresses
        messages, _ = await run(ValidateIdentifyForm(), attempt(kit, "1042", f"guess{n}@example.com",
                                                                f"session-{n}", f"198.51.100.{n}"))
        assert not any(t in LOCKED for t in kit.texts(messages)) or n == 4
    messages, events = await run(ValidateIdentifyForm(), attempt(kit, "1042", "maya@example.com", "session-new",
                                                                 "192.0.2.1"))
    assert kit.texts(messages)[0] in LOCKED and kit.handoffs(messages)
    assert kit.slots(events)["verified"] is False  # even the right pair, once the order is locked


async def test_failures_from_one_address_are_limited_across_orders(store, run, kit):
    for n in range(10):
        await run(ValidateIdentifyForm(), attempt(kit, str(1100 + n), "x@example.com", f"s-{n}"))
    messages, events = await run(ValidateIdentifyForm(), attempt(kit, "1042", "maya@example.com", "s-last"))
    assert kit.texts(messages)[0] in LOCKED and kit.slots(events)["verified"] is False
    # Another address is not affected.
    messages, events = await run(ValidateIdentifyForm(), attempt(kit, "1042", "maya@example.com", "s-other",
                                                                 "192.0.2.44"))
    assert kit.slots(events)["verified"] is True
