"""Nothing goes unseen (service side): the assistant's typing, the transcript e-mail and the one
"an agent replied after you left" notice per absence; real store, fake sockets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.identity import sign_identity
from handoff import errors
from handoff.service import agents, handoffs, notices, sessions, turns
from store import outbox
from store.models import Customer, Order
from store.verification import mark_verified

pytestmark = pytest.mark.asyncio


async def _token(svc, email: str) -> str:
    cust = await svc.run(lambda s: s.execute(select(Customer).where(Customer.email == email)).scalar_one())
    return sign_identity(cust.id, email, svc.settings.identity_secret)


async def _claimed(svc, sid: str, token=None) -> tuple:
    await sessions.open_session(svc, sid, None, None, token)
    await turns.customer_message(svc, sid, "a person please", None, None)
    await svc.drain()
    login = await agents.login(svc, "dana", "support-demo")
    dana = await agents.connect(svc, f"agent-{sid}", login["token"])
    cid = svc.customers[sid].conversation_id
    await handoffs.claim(svc, dana, cid)
    return dana, cid


async def test_the_assistant_types_while_it_works_and_stops_once_its_replies_are_out(svc) -> None:
    await sessions.open_session(svc, "c1", None, None, None)
    await turns.customer_message(svc, "c1", "hello", None, None)
    await svc.drain()
    cid = svc.customers["c1"].conversation_id
    seen = [(e, d) for k, who, e, d in svc.notifier.sent if k == "conv" and who == cid and e in ("typing", "bot_uttered")]
    assert seen[0] == ("typing", {"typing": True, "sender": "bot"})
    assert seen[-1] == ("typing", {"typing": False, "sender": "bot"})
    assert [e for e, _ in seen[1:-1]] == ["bot_uttered"]


async def test_the_assistant_stops_typing_when_rasa_is_down(svc) -> None:
    svc.rasa.down = True
    await sessions.open_session(svc, "c1", None, None, None)
    await turns.customer_message(svc, "c1", "hello", None, None)
    await svc.drain()
    typing = svc.notifier.events("conv", "typing")
    assert typing == [{"typing": True, "sender": "bot"}, {"typing": False, "sender": "bot"}]


async def test_a_signed_in_customer_gets_the_transcript_without_typing_an_address(svc) -> None:
    dana, cid = await _claimed(svc, "c1", await _token(svc, "maya@example.com"))
    await agents.note(svc, dana, cid, "private: checked with the carrier")
    await agents.send(svc, dana, cid, "Hi Maya, I'm on it.")
    ack = await notices.email_transcript(svc, "c1", "someone.else@example.com")  # the known address wins
    assert ack == {"ok": True, "sent_to": "m•••@example.com"}
    [mail] = await svc.run(outbox.messages_to, "maya@example.com")
    assert "a person please" in mail["body"] and "Hi Maya, I'm on it." in mail["body"]
    assert "Dana (support team)" in mail["body"] and "checked with the carrier" not in mail["body"]
    assert svc.customers["c1"].session_id not in mail["body"]  # no key to the conversation in a mail
    assert await svc.run(outbox.messages_to, "someone.else@example.com") == []


async def test_an_anonymous_visitor_is_asked_for_an_address_then_a_verified_one_is_not(svc) -> None:
    await sessions.open_session(svc, "c1", None, None, None)
    await turns.customer_message(svc, "c1", "where is my order", None, None)
    await svc.drain()
    with pytest.raises(errors.EmailRequired):
        await notices.email_transcript(svc, "c1", None)
    with pytest.raises(errors.InvalidPayload):
        await notices.email_transcript(svc, "c1", "not-an-address")
    assert (await notices.email_transcript(svc, "c1", "visitor@example.net"))["sent_to"] == "visitor@example.net"
    assert len(await svc.run(outbox.messages_to, "visitor@example.net")) == 1
    cid = svc.customers["c1"].conversation_id
    order_id = await svc.run(lambda s: s.execute(select(Order.id).where(Order.number == "1042")).scalar_one())
    await svc.run(mark_verified, cid, order_id)  # order number + e-mail proved in the chat
    assert (await notices.email_transcript(svc, "c1", None))["sent_to"] == "m•••@example.com"


async def test_transcript_mails_are_limited_per_conversation(svc) -> None:
    import dataclasses

    from common.settings import Limit

    svc.settings = dataclasses.replace(svc.settings, limit_emails=Limit(2, 3600.0))
    await sessions.open_session(svc, "c1", None, None, await _token(svc, "maya@example.com"))
    for _ in range(2):
        await notices.email_transcript(svc, "c1", None)
    with pytest.raises(errors.RateLimited):
        await notices.email_transcript(svc, "c1", None)
    assert len(await svc.run(outbox.messages_to, "maya@example.com")) == 2


async def test_one_notice_per_absence_when_an_agent_replies_after_the_customer_left(svc) -> None:
    dana, cid = await _claimed(svc, "c1")
    session_id = svc.customers["c1"].session_id
    with pytest.raises(errors.EmailRequired):
        await notices.notify_me(svc, "c1", None)
    assert (await notices.notify_me(svc, "c1", "visitor@example.net"))["notify"] == "visitor@example.net"

    await agents.send(svc, dana, cid, "Still here?")  # the customer is here: no mail
    assert await svc.run(outbox.messages_to, "visitor@example.net") == []

    await sessions.disconnect(svc, "c1")
    await agents.send(svc, dana, cid, "I've sorted the replacement for you.")
    await agents.send(svc, dana, cid, "And a note on the refund.")
    [notice] = await svc.run(outbox.messages_to, "visitor@example.net")
    assert "Dana" in notice["subject"] and svc.settings.chat_url in notice["body"]
    assert session_id not in notice["body"] and "replacement" not in notice["body"]  # no key, no content

    await sessions.open_session(svc, "c2", session_id, None, None)  # back: the absence ends
    await agents.send(svc, dana, cid, "Welcome back.")
    assert len(await svc.run(outbox.messages_to, "visitor@example.net")) == 1
    await sessions.disconnect(svc, "c2")
    await agents.send(svc, dana, cid, "One more thing.")
    assert len(await svc.run(outbox.messages_to, "visitor@example.net")) == 2


async def test_no_notice_without_asking(svc) -> None:
    dana, cid = await _claimed(svc, "c1", await _token(svc, "maya@example.com"))
    await sessions.disconnect(svc, "c1")
    await agents.send(svc, dana, cid, "Hello?")
    assert await svc.run(outbox.messages_to, "maya@example.com") == []


async def test_a_signed_in_customer_gets_the_follow_up_at_the_address_on_file(svc) -> None:
    from handoff.service import customers

    await sessions.open_session(svc, "c1", None, None, await _token(svc, "maya@example.com"))
    await turns.customer_message(svc, "c1", "a person please", None, None)  # nobody online: queued
    await svc.drain()
    ack = await customers.follow_up(svc, "c1", None)
    assert ack["ok"] and ack["reply_to"] == "m•••@example.com" and isinstance(ack["ticket_id"], int)
    await sessions.open_session(svc, "c2", None, None, None)
    await turns.customer_message(svc, "c2", "a person please", None, None)
    await svc.drain()
    with pytest.raises(errors.EmailRequired):
        await customers.follow_up(svc, "c2", None)
    assert (await customers.follow_up(svc, "c2", "visitor@example.net"))["reply_to"] == "visitor@example.net"
