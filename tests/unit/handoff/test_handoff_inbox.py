"""The shared inbox on a real (SQLite) store: sign-out and offline grace, re-escalation, search, labels."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Dict, List

import pytest
from sqlalchemy import update

from handoff import errors
from handoff.service import agents, handoffs, inbox, sessions, turns, upkeep
from handoff.service.context import Service
from handoff.service.decide import TurnFacts, asked_for_agent, decide
from handoff.service.routing import sort_queue
from store.models.base import utcnow
from store.models.support import Agent, Conversation
from tests.unit.handoff.conftest import FakeNotifier, FakeRasa

pytestmark = pytest.mark.asyncio


async def _say(svc: Service, sid: str, text: str) -> Dict[str, Any]:
    ack = await turns.customer_message(svc, sid, text, None, None)
    await svc.drain()
    return ack


async def _online(svc: Service, username: str, sid: str) -> int:
    token = (await agents.login(svc, username, "support-demo"))["token"]
    return await agents.connect(svc, sid, token)


async def _queued(svc: Service, sid: str, text: str = "a person please") -> int:
    await sessions.open_session(svc, sid, None, None, None)
    await _say(svc, sid, text)
    return svc.customers[sid].conversation_id


def _system_texts(svc: Service, cid: int) -> List[str]:
    return [d["text"] for k, c, e, d in svc.notifier.sent
            if k == "conv" and c == cid and e == "bot_uttered" and d["metadata"]["sender"] == "system"]


async def test_sign_out_returns_open_conversations_first_in_line_and_tells_the_customer(svc) -> None:
    dana = await _online(svc, "dana", "a1")
    sam = await _online(svc, "sam", "a2")
    mine = await _queued(svc, "c1")
    await handoffs.claim(svc, dana, mine)
    newer = await _queued(svc, "c2", "I'll file a chargeback")  # severe: would normally go first
    assert (await agents.login(svc, "dana", "support-demo"))["agent"]["active"] == 1, "the real count"

    svc.notifier.sent.clear()
    ack = await agents.sign_out(svc, dana)
    assert ack == {"ok": True, "returned": [mine]}
    items = (await inbox.inbox(svc, sam, {"view": "unassigned"}))["items"]
    assert [i["conversation_id"] for i in items] == [mine, newer], "returned first, ahead of a severe one"
    assert items[0]["returned_at"] is not None
    told = _system_texts(svc, mine)
    assert len(told) == 1 and "Dana" in told[0] and "sign off" in told[0]
    assert svc.notifier.events("conv", "handoff_status")[0]["status"] == "queued"
    assert any(d["conversation_id"] == mine for d in svc.notifier.events("agent", "handoff_offered"))
    assert svc.notifier.events("agent", "signed_out") == [{"returned": [mine]}]
    assert (await agents.sign_out(svc, dana))["returned"] == [], "nothing left to return"
    # The returned conversation no longer counts against Dana's capacity, and loses its place once claimed.
    await handoffs.claim(svc, sam, mine)
    assert (await inbox.inbox(svc, sam, {"view": "mine"}))["items"][0]["returned_at"] is None


async def test_an_offline_agent_keeps_their_conversations_until_the_grace_is_over(svc) -> None:
    dana = await _online(svc, "dana", "a1")
    cid = await _queued(svc, "c1")
    await handoffs.claim(svc, dana, cid)
    await agents.disconnect(svc, "a1")
    await upkeep.tick(svc)
    stuck = (await inbox.inbox(svc, dana, {"view": "stuck"}))["items"]
    assert [i["conversation_id"] for i in stuck] == [cid], "the supervisor's list shows it meanwhile"
    assert stuck[0]["assignee"]["status"] == "offline"

    await svc.run(lambda s: s.execute(update(Agent).where(Agent.id == dana).values(
        offline_since=utcnow() - dt.timedelta(seconds=svc.settings.agent_offline_grace_s + 1))))
    other = dataclasses.replace(svc, notifier=FakeNotifier(), rasa=FakeRasa(), customers={}, agent_sids={},
                                _tasks=set())
    svc.notifier.sent.clear()
    moved = await handoffs.return_stranded(svc)
    assert moved == [cid]
    assert await handoffs.return_stranded(other) == [], "a second node sweeping finds nothing to move"
    told = _system_texts(svc, cid)
    assert len(told) == 1 and "Dana" in told[0]
    assert not (await inbox.inbox(svc, dana, {"view": "stuck"}))["items"]


async def test_reconnecting_within_the_grace_keeps_the_conversation(svc) -> None:
    dana = await _online(svc, "dana", "a1")
    cid = await _queued(svc, "c1")
    await handoffs.claim(svc, dana, cid)
    await agents.disconnect(svc, "a1")
    await _online(svc, "dana", "a2")
    later = dataclasses.replace(svc, settings=dataclasses.replace(svc.settings, agent_offline_grace_s=0.0))
    assert await handoffs.return_stranded(later) == []
    conv = await svc.run(lambda s: s.get(Conversation, cid))
    assert conv.assignee_id == dana


async def test_asking_again_goes_back_to_the_agent_who_helped_or_keeps_the_place(svc) -> None:
    dana = await _online(svc, "dana", "a1")
    sam = await _online(svc, "sam", "a2")
    cid = await _queued(svc, "c1")
    await handoffs.claim(svc, sam, cid)
    await handoffs.hand_back(svc, sam, cid)
    before = await svc.run(lambda s: s.get(Conversation, cid).priority)

    await _say(svc, "c1", "can I speak to Sam again?")  # named: Sam, although Dana is less busy
    conv = await svc.run(lambda s: s.get(Conversation, cid))
    assert conv.status.value == "assigned" and conv.assignee_id == sam
    assert "Sam" in _system_texts(svc, cid)[-1]
    assigned = svc.notifier.events("agent", "conversation_assigned")
    assert assigned[-1]["conversation_id"] == cid and assigned[-1]["reason"] == "returning"

    await handoffs.hand_back(svc, sam, cid)
    await agents.set_status(svc, sam, "away")
    for n in range(3):  # others waiting meanwhile
        await _queued(svc, f"w{n}")
    await _say(svc, "c1", "a person please")
    conv = await svc.run(lambda s: s.get(Conversation, cid))
    assert conv.status.value == "queued" and conv.priority >= before, "its priority is kept"
    assert "Sam" in _system_texts(svc, cid)[-1], "the customer hears Sam isn't free"
    items = (await inbox.inbox(svc, dana, {"view": "unassigned"}))["items"]
    assert items[0]["conversation_id"] == cid, "not behind those who came later"
    assert len(svc.notifier.events("agent", "conversation_assigned")) == 1, "nobody else was handed it"


async def test_a_name_alone_does_not_skip_the_queue(svc) -> None:
    await _online(svc, "dana", "a1")
    await _online(svc, "sam", "a2")
    waiting = await _queued(svc, "w0")
    cid = await _queued(svc, "c1", "I want to talk to Sam")  # a new visitor Sam never helped
    conv = await svc.run(lambda s: s.get(Conversation, cid))
    assert conv.status.value == "queued" and conv.assignee_id is None
    assert not any("earlier" in t or "again" in t for t in _system_texts(svc, cid)), "no untrue 'who helped you'"
    items = (await inbox.inbox(svc, (await _online(svc, "dana", "a3")), {"view": "unassigned"}))["items"]
    assert [i["conversation_id"] for i in items] == [waiting, cid], "behind the one who came first"
    assert svc.notifier.events("agent", "conversation_assigned") == []


async def test_search_filters_and_labels(svc) -> None:
    dana = await _online(svc, "dana", "a1")
    calm = await _queued(svc, "c1", "a person please, my parcel is stuck")
    severe = await _queued(svc, "c2", "I'll file a chargeback")

    async def ids(**query: Any) -> List[int]:
        return [i["conversation_id"] for i in (await inbox.inbox(svc, dana, query))["items"]]

    assert set(await ids(view="all")) == {calm, severe}
    assert await ids(view="all", q="PARCEL") == [calm], "message text, any case"
    assert await ids(view="all", q="chargeback") == [severe], "the handoff's reasons"
    assert await ids(view="all", severity="severe") == [severe]
    assert await ids(view="all", q="100%_") == [], "wildcards are literal"
    assert await ids(view="unassigned", min_age_s=3600) == []
    assert set(await ids(view="unassigned", max_age_s=3600)) == {calm, severe}
    assert (await inbox.inbox(svc, dana, {}))["view"] == "mine"

    assert (await inbox.set_label(svc, dana, calm, "  Carrier   Claim ", True))["labels"] == ["carrier claim"]
    assert (await inbox.set_label(svc, dana, calm, "carrier claim", True))["changed"] is False
    assert await ids(view="all", label="carrier claim") == [calm]
    assert svc.notifier.events("agents", "labels_changed")[-1] == {"conversation_id": calm,
                                                                    "labels": ["carrier claim"]}
    got = await inbox.inbox(svc, dana, {"view": "unassigned"})
    assert got["labels"] == ["carrier claim"] and got["counts"]["unassigned"] == 2
    assert (await inbox.set_label(svc, dana, calm, "carrier claim", False))["labels"] == []
    for bad in ({"view": "everything"}, {"severity": "mild"}, {"min_age_s": -1}, {"q": "x" * 500},
                {"label": "<b>"}, {"limit": 0}):
        with pytest.raises(errors.InvalidPayload):
            await inbox.inbox(svc, dana, bad)
    with pytest.raises(errors.InvalidPayload):
        await inbox.set_label(svc, dana, calm, "", True)


async def test_a_transfer_goes_only_to_someone_online(svc) -> None:
    dana = await _online(svc, "dana", "a1")
    sam = await _online(svc, "sam", "a2")
    cid = await _queued(svc, "c1")
    await handoffs.claim(svc, dana, cid)
    await agents.set_status(svc, sam, "away")
    with pytest.raises(errors.InvalidState, match="Sam is away"):
        await handoffs.transfer(svc, dana, cid, sam)
    assert (await svc.run(lambda s: s.get(Conversation, cid))).assignee_id == dana, "still Dana's"
    await agents.set_status(svc, sam, "online")
    await handoffs.transfer(svc, dana, cid, sam)
    conv = await svc.run(lambda s: s.get(Conversation, cid))
    assert conv.status.value == "assigned" and conv.assignee_id == sam
    assert "Sam" in _system_texts(svc, cid)[-1]


async def test_the_team_list_shows_who_can_take_a_transfer(svc) -> None:
    dana = await _online(svc, "dana", "a1")
    team = {a["username"]: a for a in (await inbox.team(svc, dana))["agents"]}
    assert team["dana"]["me"] and team["dana"]["connected"] and team["dana"]["has_room"]
    assert not team["sam"]["connected"] and not team["sam"]["has_room"] and team["sam"]["status"] == "offline"
    assert "password_hash" not in team["sam"]


def test_named_agent_requests(svc) -> None:
    policy = svc.policy
    names = ["Dana", "Sam"]
    assert asked_for_agent(policy, "I want to speak to Dana again", names) == "Dana"
    assert asked_for_agent(policy, "can you get sam back?", names) == "Sam"
    assert asked_for_agent(policy, "my friend samantha said hi", names) is None, "whole words only"
    assert asked_for_agent(policy, "the same one arrived broken again", names) is None
    decision = decide(policy, TurnFacts(text="is dana there? I want to talk to Dana", agent_names=names))
    assert decision is not None and decision.source == "customer" and decision.agent_name == "Dana"
    same = decide(policy, TurnFacts(text="can I talk to the same person as before?", agent_names=names))
    assert same is not None and same.source == "customer" and same.agent_name is None
    assert decide(policy, TurnFacts(text="I got the same blanket twice", agent_names=names)) is None


def test_returned_conversations_sort_first() -> None:
    items = [{"conversation_id": 1, "priority": 0.9, "waiting_s": 50, "returned_at": None},
             {"conversation_id": 2, "priority": 0.3, "waiting_s": 1, "returned_at": "2026-12-01T10:00:00Z"},
             {"conversation_id": 3, "priority": 0.5, "waiting_s": 10, "returned_at": None}]
    assert [i["conversation_id"] for i in sort_queue(items)] == [2, 1, 3]


async def test_a_lead_returns_a_stuck_conversation_now_but_not_an_online_agents(svc) -> None:
    dana = await _online(svc, "dana", "a1")
    sam = await _online(svc, "sam", "a2")
    cid = await _queued(svc, "c1")
    await handoffs.claim(svc, dana, cid)
    with pytest.raises(errors.Forbidden):
        await handoffs.return_stuck(svc, sam, cid)
    await agents.disconnect(svc, "a1")
    assert await handoffs.return_stuck(svc, sam, cid) == {"returned": [cid]}
    with pytest.raises(errors.InvalidState):
        await handoffs.return_stuck(svc, sam, cid)
