"""Check-ins, honest queue updates and auto-resolve through the service (real SQLite store, fake sockets)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
from typing import List

import pytest
from sqlalchemy import select

from common.identity import sign_identity
from handoff.service import agents, checkins, handoffs, sessions, turns, waiting
from store import followups, outbox
from store.models import Customer
from store.models.base import utcnow
from store.models.support import Message

pytestmark = pytest.mark.asyncio


async def _token(svc, email: str) -> str:
    cust = await svc.run(lambda s: s.execute(select(Customer).where(Customer.email == email)).scalar_one())
    return sign_identity(cust.id, email, svc.settings.identity_secret)


async def _queued(svc, sid: str, email: str = "liam@example.com") -> int:
    await sessions.open_session(svc, sid, None, None, await _token(svc, email))
    await turns.customer_message(svc, sid, "the vase arrived smashed, a person please", None, None)
    await svc.drain()
    return svc.customers[sid].conversation_id


async def _agent(svc, username: str = "dana") -> int:
    login = await agents.login(svc, username, "support-demo")
    return await agents.connect(svc, f"agent-{username}", login["token"])


async def _resolved_with_replacement(svc, sid: str = "liam") -> int:
    dana = await _agent(svc)
    cid = await _queued(svc, sid)
    await handoffs.claim(svc, dana, cid)
    await agents.grant(svc, dana, cid, {"kind": "replacement", "order_number": "1051", "reason": "smashed vase"})
    await handoffs.resolve(svc, dana, cid, "resolved")
    return cid


@pytest.fixture
def at_once(svc, monkeypatch):
    """FOLLOWUP_DELAY_S=0 for this service and for the store's grants (which read the setting)."""
    monkeypatch.setenv("FOLLOWUP_DELAY_S", "0")
    svc.settings = dataclasses.replace(svc.settings, followup_delay_s=0.0)
    return svc


async def test_a_replacement_check_in_goes_out_once_with_a_link_and_no_secret(at_once) -> None:
    svc = at_once
    cid = await _resolved_with_replacement(svc)
    [row] = await svc.run(followups.for_conversation, cid)
    assert (row["kind"], row["order_number"], row["state"]) == ("replacement", "1051", "scheduled")
    assert await checkins.send_due(svc) == 1
    assert await checkins.send_due(svc) == 0, "sent once"
    [mail] = await svc.run(outbox.messages_to, "liam@example.com")
    assert mail["status"] == "sent" and "Hi Liam" in mail["body"] and "replacement" in mail["body"]
    assert "#1051" in mail["body"] and "/?resume=" in mail["body"]
    session_id = svc.customers["liam"].session_id
    assert session_id not in mail["body"], "the session id (an anonymous transcript's key) is never mailed"
    assert svc.settings.identity_secret not in mail["body"] and "identity" not in mail["body"]


async def test_a_check_in_that_fails_holds_back_no_other(at_once, monkeypatch) -> None:
    svc = at_once
    cid = await _resolved_with_replacement(svc)
    [row] = await svc.run(followups.for_conversation, cid)
    original = checkins._send_one
    calls: List[int] = []

    def flaky(s, followup_id, *args):
        calls.append(followup_id)
        if len(calls) == 1:
            raise RuntimeError("a bad row")
        return original(s, followup_id, *args)

    monkeypatch.setattr(checkins, "_send_one", flaky)
    monkeypatch.setattr(followups, "due_ids", lambda s, now=None, limit=50: [row["id"] + 1000, row["id"]])
    assert await checkins.send_due(svc) == 1, "the row after the failing one still goes out"
    [mail] = await svc.run(outbox.messages_to, "liam@example.com")
    assert "Hi Liam" in mail["body"]


async def test_the_link_reopens_the_conversation_with_its_transcript_and_the_bot_knows(at_once) -> None:
    svc = at_once
    cid = await _resolved_with_replacement(svc)
    await checkins.send_due(svc)
    [mail] = await svc.run(outbox.messages_to, "liam@example.com")
    link = re.search(r"/\?resume=(\S+)", mail["body"]).group(1)
    ack = await sessions.open_session(svc, "from-mail", None, None, None, resume_token=link)
    assert ack["session_id"] == svc.customers["liam"].session_id and ack["status"] == "bot"
    replay = [d for k, sid, e, d in svc.notifier.sent if k == "sid" and sid == "from-mail" and e == "transcript"]
    texts = [m.get("text") for m in replay[-1]["messages"]]
    assert texts[0] == "the vase arrived smashed, a person please"
    assert texts[-1].startswith("Welcome back, Liam.") and "the replacement for order #1051" in texts[-1]
    [row] = await svc.run(followups.for_conversation, cid)
    assert row["state"] == "opened"
    again = await sessions.open_session(svc, "from-mail-2", None, None, None, resume_token=link)
    assert again["last_seq"] == ack["last_seq"], "the welcome-back note is written once"
    await turns.customer_message(svc, "from-mail", "it came but the box was wet", None, None)
    await svc.drain()
    sent = [c for c in svc.rasa.calls if c[0] == "send"]
    assert sent[-1][3]["followup"] == {"kind": "replacement", "order_number": "1051"}
    assert "identity_token" not in sent[-1][3], "the link is not a sign-in"


async def test_a_forged_or_foreign_link_opens_nothing(at_once) -> None:
    svc = at_once
    await _resolved_with_replacement(svc)
    await checkins.send_due(svc)
    ack = await sessions.open_session(svc, "forger", None, None, None, resume_token="not.a.token")
    assert ack["fresh"] is True and ack["session_id"] != svc.customers["liam"].session_id
    [refusal] = svc.notifier.events("sid", "session_rejected")
    assert refusal["code"] == "link_expired"
    [mail] = await svc.run(outbox.messages_to, "liam@example.com")
    link = re.search(r"/\?resume=(\S+)", mail["body"]).group(1)
    maya = await sessions.open_session(svc, "maya", None, None, await _token(svc, "maya@example.com"),
                                       resume_token=link)
    assert maya["fresh"] is True, "another signed-in customer never gets Liam's conversation"


async def test_queued_customers_get_honest_updates_once_per_interval_across_nodes(svc) -> None:
    cid = await _queued(svc, "waiting")  # nobody online
    start = utcnow()
    first = await asyncio.gather(waiting.send_queue_updates(svc, start + dt.timedelta(seconds=301)),
                                 waiting.send_queue_updates(svc, start + dt.timedelta(seconds=301)))
    assert sum(first) == 1, "two nodes at once: one update"
    assert await waiting.send_queue_updates(svc, start + dt.timedelta(seconds=320)) == 0, "not yet due again"
    assert await waiting.send_queue_updates(svc, start + dt.timedelta(seconds=650)) == 1
    updates = await svc.run(lambda s: list(s.execute(select(Message).where(
        Message.conversation_id == cid, Message.sender == "system").order_by(Message.seq)).scalars()))
    first_update, second_update = updates[-2], updates[-1]
    assert first_update.text != second_update.text
    assert "no one from our support team is online" in second_update.text
    assert any(p in second_update.text for p in ("longer than", "dragging on")), "past the timeout: an apology"


async def test_an_assigned_conversation_left_quiet_is_resolved_once_with_a_note_for_the_agent(svc) -> None:
    dana = await _agent(svc)
    cid = await _queued(svc, "quiet")
    await handoffs.claim(svc, dana, cid)
    later = utcnow() + dt.timedelta(seconds=svc.policy.waiting.auto_resolve_after_s + 5)
    assert await waiting.auto_resolve_idle(svc, utcnow()) == 0, "not quiet long enough"
    done = await asyncio.gather(waiting.auto_resolve_idle(svc, later), waiting.auto_resolve_idle(svc, later))
    assert sum(done) == 1
    assert svc.notifier.events("conv", "handoff_status")[-1] == {"status": "resolved", "csat_requested": False}
    notes = [d["message"] for d in svc.notifier.events("conv_agents", "message")
             if d["message"].get("private") and d["message"]["text"].startswith("Resolved automatically")]
    assert len(notes) == 1
    customer = [d["text"] for d in svc.notifier.events("conv", "bot_uttered")]
    assert "haven't heard from you" in customer[-1] and not any(d.startswith("Resolved automatically")
                                                                 for d in customer)
    [row] = await svc.run(followups.for_conversation, cid)
    assert row["kind"] == "handoff" and row["state"] == "scheduled"


async def test_check_in_texts_vary_by_check_in_and_skip_order_lines_without_an_order(svc) -> None:
    policy = svc.followup_policy()
    base = {"kind": "replacement", "order_number": "1051", "customer_name": "Liam O'Brien"}
    bodies = {checkins.render(policy, {**base, "id": n}, "LINK")[1] for n in range(3)}
    assert len(bodies) == 3 and all(b.startswith("Hi Liam") and "LINK" in b for b in bodies)
    subject, body = checkins.render(policy, {"id": 1, "kind": "credit", "order_number": None,
                                             "customer_name": None}, "LINK")
    assert "#" not in subject + body and body.startswith("Hi there") and "LINK" in body
