"""State shared by nodes through the store: presence, turn order, stranded turns, flags.

Two ``Service`` objects on one SQLite file stand for two nodes (the integration suite does the
same with real processes on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, Dict, List

import pytest
from sqlalchemy import func, select

from handoff import errors
from handoff.rasa_client import BotTurn
from handoff.service import agents, handoffs, publish, runner, sessions, turns, upkeep
from handoff.service.context import Service
from handoff.service.ratelimit import MemoryLimiter
from store import conversations as conv_store
from store import turn_claims
from store.models.support import Agent, AgentPresence, Message, Sender
from tests.unit.handoff.conftest import FakeDetector, FakeNotifier, FakeRasa

pytestmark = pytest.mark.asyncio


def _node(svc: Service, node_id: str, rasa: Any = None, **settings: Any) -> Service:
    """Another node on ``svc``'s store."""
    return dataclasses.replace(
        svc, settings=dataclasses.replace(svc.settings, node_id=node_id, **settings), rasa=rasa or FakeRasa(),
        detector=FakeDetector(), notifier=FakeNotifier(), limiter=MemoryLimiter(), customers={},
        agent_sids={}, _tasks=set())


async def _token(svc: Service, username: str) -> str:
    return str((await agents.login(svc, username, "support-demo"))["token"])


async def _status(svc: Service, username: str) -> str:
    return await svc.run(lambda s: s.execute(select(Agent.status).where(Agent.username == username))
                         .scalar_one().value)


async def _rows(svc: Service) -> int:
    return await svc.run(lambda s: s.execute(select(func.count()).select_from(AgentPresence)).scalar_one())


@pytest.mark.parametrize("when", ["before_the_row", "after_the_row"])
async def test_a_socket_closed_during_connect_leaves_no_presence(svc, when) -> None:
    token = await _token(svc, "dana")
    original = svc.run

    async def racing_run(fn, *args, **kwargs):
        if getattr(fn, "__name__", "") != "arrive":
            return await original(fn, *args, **kwargs)
        if when == "before_the_row":  # disconnect runs while connect is still awaiting the store
            await agents.disconnect(svc, "a1")
            return await original(fn, *args, **kwargs)
        result = await original(fn, *args, **kwargs)
        await agents.disconnect(svc, "a1")  # ... or right after the row was committed
        return result

    svc.run = racing_run
    await agents.connect(svc, "a1", token)
    svc.run = original
    assert await _rows(svc) == 0
    assert await _status(svc, "dana") == "offline"
    assert "a1" not in svc.agent_sids


async def test_presence_is_shared_and_a_dead_node_takes_its_agents_offline(svc) -> None:
    node_a = _node(svc, "a:1", presence_ttl_s=0.5)
    node_b = _node(svc, "b:1", presence_ttl_s=0.5)
    await agents.connect(node_a, "a-dana", await _token(svc, "dana"))
    await agents.connect(node_b, "b-sam", await _token(svc, "sam"))
    await sessions.open_session(node_b, "c1", None, None, None)
    status = node_b.notifier.events("sid", "handoff_status")
    assert await _status(svc, "dana") == "online"
    await asyncio.sleep(0.7)  # node A died: it stopped vouching for dana's socket
    await upkeep.tick(node_b)  # node B vouches for sam and expires A's rows
    assert await _status(svc, "dana") == "offline" and await _status(svc, "sam") == "online"
    assert node_b.notifier.events("agents", "queue"), "agents hear the queue changed"
    assert status  # the customer on node B got a status at session start


async def test_a_restarting_node_clears_what_it_owned(svc) -> None:
    node_a = _node(svc, "a:1")
    await agents.connect(node_a, "a-dana", await _token(svc, "dana"))
    assert await _rows(svc) == 1
    again = _node(svc, "a:1")  # the same node id, a new process: the old sockets are gone
    await upkeep.start(again)
    assert await _rows(svc) == 0 and await _status(svc, "dana") == "offline"


class SlowRasa(FakeRasa):
    """Records overlapping sends; answers after a pause."""

    def __init__(self, log: List[str], active: Dict[str, int]) -> None:
        super().__init__()
        self.log, self.active = log, active

    async def send(self, sender: str, text: str, metadata: Dict[str, Any]) -> BotTurn:
        self.active["now"] += 1
        self.active["max"] = max(self.active["max"], self.active["now"])
        await asyncio.sleep(0.05)
        self.active["now"] -= 1
        self.log.append(text)
        return await super().send(sender, text, metadata)


async def test_turns_of_one_conversation_run_in_order_across_nodes(svc) -> None:
    log: List[str] = []
    active = {"now": 0, "max": 0}
    node_a = _node(svc, "a:1", SlowRasa(log, active))
    node_b = _node(svc, "b:1", SlowRasa(log, active))
    ack = await sessions.open_session(node_a, "ca", None, None, None)
    await sessions.open_session(node_b, "cb", ack["session_id"], None, None)  # the same customer on node B
    for i in range(6):
        node = node_a if i % 2 else node_b
        await turns.customer_message(node, "ca" if node is node_a else "cb", f"m{i}", None, None)
    await asyncio.gather(node_a.drain(), node_b.drain())
    assert log == [f"m{i}" for i in range(6)], "each message once, in seq order"
    assert active["max"] == 1, "never two turns of one conversation at a time"
    cid = node_a.customers["ca"].conversation_id
    assert await svc.run(turn_claims.next_unanswered, cid) is None
    bot = [m.text for m in await svc.run(conv_store.messages_after, cid, 0) if m.sender == Sender.BOT]
    assert bot == [f"echo: m{i}" for i in range(6)]


async def test_the_ack_comes_with_the_claim_and_a_message_meanwhile_goes_to_its_holder(svc) -> None:
    node_a, node_b = _node(svc, "a:1"), _node(svc, "b:1")
    ack = await sessions.open_session(node_a, "ca", None, None, None)
    await sessions.open_session(node_b, "cb", ack["session_id"], None, None)
    cid = node_a.customers["ca"].conversation_id
    await turns.customer_message(node_a, "ca", "first", None, None)
    owner = (await svc.run(conv_store.get_conversation, cid)).turn_owner
    assert owner and owner.startswith("a:1/"), "the transaction that stored the message took the claim"
    await turns.customer_message(node_b, "cb", "second", None, None)  # node A's task holds the claim
    assert not node_b._tasks, "node B starts no turn of its own"
    await node_a.drain()
    assert [c[2] for c in node_a.rasa.calls if c[0] == "send"] == ["first", "second"]
    assert await svc.run(turn_claims.next_unanswered, cid) is None
    assert (await svc.run(conv_store.get_conversation, cid)).turn_owner is None, "given up when done"


async def test_a_stranded_turn_is_answered_once_after_a_restart(svc) -> None:
    node_a = _node(svc, "a:1")
    await sessions.open_session(node_a, "c1", None, None, None)
    cid = node_a.customers["c1"].conversation_id

    def crashed_mid_turn(s):  # acknowledged, claimed by node A's task, then node A died
        msg = conv_store.append_message(s, cid, Sender.CUSTOMER, "where is my parcel?")
        assert turn_claims.claim(s, cid, "a:1/dead-task", 3600)
        return msg.id

    await svc.run(crashed_mid_turn)
    node_b = _node(svc, "b:1")
    assert await runner.recover(node_b) == 0, "a live claim (and a fresh message) is left alone"
    restarted = _node(svc, "a:1")
    runner.RECOVER_AFTER_S, saved = 0.0, runner.RECOVER_AFTER_S
    try:
        await upkeep.start(restarted)  # drops node A's claims, finds the message
        await restarted.drain()
        assert [c[2] for c in restarted.rasa.calls if c[0] == "send"] == ["where is my parcel?"]
        await upkeep.tick(restarted)
        await runner.recover(node_b)
        await asyncio.gather(restarted.drain(), node_b.drain())
    finally:
        runner.RECOVER_AFTER_S = saved
    assert not [c for c in node_b.rasa.calls if c[0] == "send"], "answered exactly once"
    replies = await svc.run(lambda s: s.execute(select(Message.text).where(
        Message.conversation_id == cid, Message.sender == Sender.BOT)).scalars().all())
    assert replies == ["echo: where is my parcel?"]
    assert restarted.notifier.events("conv", "bot_uttered")[-1]["text"] == "echo: where is my parcel?"
    # the recovered turn spoke for the conversation's customer, from the store
    assert restarted.rasa.calls[0][1] == node_a.customers["c1"].session_id


async def test_a_turn_longer_than_its_lease_keeps_its_claim(svc) -> None:
    slow = FakeRasa()
    original_send = slow.send

    async def send(sender: str, text: str, metadata: Dict[str, Any]) -> BotTurn:
        await asyncio.sleep(1.0)  # Rasa taking longer than the whole lease
        return await original_send(sender, text, metadata)

    slow.send = send
    node_a = _node(svc, "a:1", rasa=slow, turn_lease_s=0.3)
    node_b = _node(svc, "b:1", turn_lease_s=0.3)
    await sessions.open_session(node_a, "c1", None, None, None)
    cid = node_a.customers["c1"].conversation_id
    runner.RECOVER_AFTER_S, saved = 0.0, runner.RECOVER_AFTER_S
    try:
        await turns.customer_message(node_a, "c1", "where is my parcel?", None, None)
        await asyncio.sleep(0.7)  # two leases into the turn
        assert await runner.recover(node_b) == 0, "the claim is renewed while the turn runs"
        await node_a.drain()
    finally:
        runner.RECOVER_AFTER_S = saved
    assert not node_b.rasa.calls and len([c for c in slow.calls if c[0] == "send"]) == 1
    assert (await svc.run(conv_store.get_conversation, cid)).turn_owner is None, "given up when done"


async def test_a_handoff_the_turn_decided_survives_a_node_dying_right_after_the_replies(svc) -> None:
    node_a = _node(svc, "a:1")
    await sessions.open_session(node_a, "c1", None, None, None)
    cid = node_a.customers["c1"].conversation_id
    node_a.rasa.replies["I want a person"] = BotTurn(
        messages=[{"text": "I'm bringing in a teammate now."}],
        parse={"intent": {"name": "request_human", "confidence": 0.97}})

    async def died(svc_: Any, events: Any) -> None:  # the node stops once the bot's replies are committed
        if any(getattr(getattr(e, "message", None), "sender", None) == Sender.BOT for e in events):
            raise RuntimeError("killed")
        await original(svc_, events)

    original, publish.publish = publish.publish, died
    try:
        await turns.customer_message(node_a, "c1", "I want a person", None, None)
        await node_a.drain()
    finally:
        publish.publish = original
    conv = await svc.run(conv_store.get_conversation, cid)
    assert conv.status.value == "queued", "the reply promising a person and the handoff commit together"
    texts = await svc.run(lambda s: s.execute(select(Message.text).where(
        Message.conversation_id == cid, Message.sender != Sender.CUSTOMER).order_by(Message.seq)).scalars().all())
    assert texts[0] == "I'm bringing in a teammate now." and len(texts) == 2, texts
    assert await svc.run(turn_claims.next_unanswered, cid) is None, "answered: recovery does not ask Rasa again"


async def test_the_follow_up_flag_and_the_pending_resume_hold_across_nodes(svc) -> None:
    node_a, node_b = _node(svc, "a:1"), _node(svc, "b:1")
    ack = await sessions.open_session(node_a, "ca", None, None, None)
    node_a.rasa.down = True
    await turns.customer_message(node_a, "ca", "hello?", None, None)
    await node_a.drain()
    await turns.customer_message(node_a, "ca", "/follow_up", None, None)  # node A asks for the e-mail
    await node_a.drain()
    await sessions.open_session(node_b, "cb", ack["session_id"], None, None)
    node_b.rasa.down = True

    async def unreachable(sender: str) -> None:
        raise errors.RasaUnavailable()

    node_b.rasa.resume = unreachable  # the resume after leaving the queue does not reach Rasa
    await turns.customer_message(node_b, "cb", "me@example.com", None, None)  # node B knows it was asked
    await node_b.drain()
    cid = node_b.customers["cb"].conversation_id
    conv = await svc.run(conv_store.get_conversation, cid)
    assert conv.follow_up_email == "me@example.com" and conv.status.value == "bot"
    assert conv.awaiting_email is False and conv.resume_pending is True
    node_a.rasa.down = False
    await turns.customer_message(node_a, "ca", "hi again", None, None)  # node A resumes Rasa first
    await node_a.drain()
    calls = [c[0] for c in node_a.rasa.calls]
    assert calls[-2:] == ["resume", "send"]
    assert (await svc.run(conv_store.get_conversation, cid)).resume_pending is False
    assert handoffs.EMAIL.match("me@example.com")
