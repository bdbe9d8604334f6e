"""The state machine on a real (SQLite) store, with fake Rasa, detector and sockets."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

import pytest

from handoff import errors
from handoff.service import agents, handoffs, sessions, turns
from handoff.service.context import Service
from handoff.transport.guard import guarded

pytestmark = pytest.mark.asyncio


async def _say(svc: Service, sid: str, text: str, cmid: Optional[str] = None) -> Dict[str, Any]:
    ack = await turns.customer_message(svc, sid, text, None, cmid)
    await svc.drain()
    return ack


async def _online_agent(svc: Service, username: str, sid: str) -> int:
    token = (await agents.login(svc, username, "support-demo"))["token"]
    return await agents.connect(svc, sid, token)


async def test_bot_turn_then_request_human_queues_and_offers(svc) -> None:
    dana = await _online_agent(svc, "dana", "agent-sid")
    await sessions.open_session(svc, "c1", None, None, None)
    ack = await _say(svc, "c1", "hello")
    assert ack == {"ok": True, "seq": 1, "client_msg_id": None}
    utter = svc.notifier.events("conv", "bot_uttered")
    assert set(utter[0]) == {"text", "metadata"} and utter[0]["text"] == "echo: hello"
    assert utter[0]["metadata"]["sender"] == "bot" and utter[0]["metadata"]["seq"] == 2
    await _say(svc, "c1", "a person please")
    status = svc.notifier.events("conv", "handoff_status")[-1]
    assert status["status"] == "queued" and status["agents_online"] == 1
    offers = [(who, d) for k, who, e, d in svc.notifier.sent if k == "agent" and e == "handoff_offered"]
    assert offers and offers[0][0] == dana and offers[0][1]["item"]["source"] == "customer"
    assert ("pause", svc.customers["c1"].session_id) in svc.rasa.calls


async def test_claim_is_exclusive_and_flows_to_resolution(svc) -> None:
    dana = await _online_agent(svc, "dana", "a1")
    sam = await _online_agent(svc, "sam", "a2")
    await sessions.open_session(svc, "c1", None, None, None)
    await _say(svc, "c1", "I'll file a chargeback")
    cid = svc.customers["c1"].conversation_id
    results = await asyncio.gather(handoffs.claim(svc, dana, cid), handoffs.claim(svc, sam, cid),
                                   return_exceptions=True)
    assert sum(isinstance(r, dict) for r in results) == 1
    assert sum(isinstance(r, errors.AlreadyClaimed) for r in results) == 1
    winner = dana if isinstance(results[0], dict) else sam
    loser = sam if winner == dana else dana
    view = next(r for r in results if isinstance(r, dict))
    assert view["handoff"]["severity"] == "severe" and "mentions a chargeback" in view["reasons"]
    with pytest.raises(errors.Forbidden):
        await agents.send(svc, loser, cid, "hi")
    assert (await agents.send(svc, winner, cid, "Hi, I'm here"))["ok"]
    agent_msgs = [d for d in svc.notifier.events("conv", "bot_uttered") if d["metadata"]["sender"] == "agent"]
    assert agent_msgs[-1]["metadata"]["agent_name"] in ("Dana", "Sam")
    before = len(svc.rasa.calls)
    await _say(svc, "c1", "thanks")
    assert not [c for c in svc.rasa.calls[before:] if c[0] == "send"], "no bot while a person owns it"
    await handoffs.hand_back(svc, winner, cid)
    assert svc.rasa.calls[-1][0] == "resume"
    with pytest.raises(errors.InvalidState):
        await handoffs.hand_back(svc, winner, cid)
    await _say(svc, "c1", "a person again")  # back with the agent who helped, who is online with room
    assert svc.notifier.events("conv", "handoff_status")[-1]["status"] == "assigned"
    assert [d["conversation_id"] for d in svc.notifier.events("agent", "conversation_assigned")] == [cid]
    with pytest.raises(errors.AlreadyClaimed):
        await handoffs.claim(svc, loser, cid)
    await handoffs.resolve(svc, winner, cid, "done")
    assert svc.notifier.events("conv", "handoff_status")[-1] == {"status": "resolved", "csat_requested": True}
    await _say(svc, "c1", '/csat{"score":4}')
    assert svc.notifier.events("conv", "bot_uttered")[-1]["text"].startswith("Thank you")
    with pytest.raises(errors.InvalidPayload):
        await handoffs.rate(svc, cid, 0)


async def test_rasa_down_queues_with_an_honest_message(svc) -> None:
    await sessions.open_session(svc, "c1", None, None, None)
    svc.rasa.down = True
    ack = await _say(svc, "c1", "hello?")
    assert ack["ok"]
    system = [d for d in svc.notifier.events("conv", "bot_uttered") if d["metadata"]["sender"] == "system"]
    assert "nothing you wrote is lost" in system[0]["text"]
    assert "no one from our support team is online" in system[0]["text"]
    assert svc.notifier.events("conv", "handoff_status")[-1]["options"] == ["follow_up", "continue_with_bot"]
    await _say(svc, "c1", "/follow_up")
    assert "e-mail" in svc.notifier.events("conv", "bot_uttered")[-1]["text"]
    await _say(svc, "c1", "me@example.com")
    assert svc.notifier.events("conv", "handoff_status")[-1]["status"] == "bot"


async def test_idempotent_retry_and_input_errors(svc) -> None:
    import dataclasses

    from common.settings import Limit

    svc.settings = dataclasses.replace(svc.settings, limit_messages=Limit(5, 60.0))
    await sessions.open_session(svc, "c1", None, None, None)
    one = await _say(svc, "c1", "hi", "m-1")
    two = await _say(svc, "c1", "hi", "m-1")
    assert one["seq"] == two["seq"] and two["duplicate"] is True
    assert len([c for c in svc.rasa.calls if c[0] == "send"]) == 1
    with pytest.raises(errors.TooLong):
        await turns.customer_message(svc, "c1", "x" * 10_000, None, None)
    with pytest.raises(errors.EmptyMessage):
        await turns.customer_message(svc, "c1", " ", None, None)
    with pytest.raises(errors.NoSession):
        await turns.customer_message(svc, "nobody", "hi", None, None)
    for i in range(3):  # the two "m-1" sends count too: 5 per minute in this fixture
        await turns.customer_message(svc, "c1", f"m{i}", None, None)
    with pytest.raises(errors.RateLimited):
        await turns.customer_message(svc, "c1", "one too many", None, None)


async def test_sessions_are_bound_to_their_identity(svc) -> None:
    from common.identity import sign_identity

    token = sign_identity(1, "x@example.com", svc.settings.identity_secret)
    ack = await sessions.open_session(svc, "c1", None, None, token)
    await _say(svc, "c1", "hello")
    stolen = await sessions.open_session(svc, "c2", ack["session_id"], 0, None)
    assert stolen["session_id"] != ack["session_id"] and stolen["fresh"]
    assert svc.notifier.events("sid", "session_rejected")
    assert not [d for d in svc.notifier.events("sid", "transcript") if d["messages"]]
    back = await sessions.open_session(svc, "c3", ack["session_id"], 0, token)
    assert back["session_id"] == ack["session_id"] and not back["fresh"]
    replay = svc.notifier.events("sid", "transcript")[-1]
    assert [m["metadata"]["seq"] for m in replay["messages"]] == [1, 2]


async def test_database_error_sends_no_ack(svc) -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    def down(s):
        raise OperationalError("stmt", {}, Exception("db down"))

    def duplicate(s):
        raise IntegrityError("stmt", {}, Exception("unique"))

    # The service maps SQLAlchemy's errors to its own; the transport never sees SQLAlchemy.
    with pytest.raises(errors.StoreFailed):
        await svc.run(down)
    with pytest.raises(errors.DuplicateWrite):
        await svc.run(duplicate)

    class Server:
        not_handled = object()

    class Handler:
        server = Server()

        @guarded
        async def on_x(self, sid):
            await svc.run(down)

        @guarded
        async def on_y(self, sid):
            raise errors.TooLong()

    h = Handler()
    assert await h.on_x("s") is Server.not_handled
    assert (await h.on_y("s"))["error"]["code"] == "too_long"


async def test_a_status_write_that_finishes_after_sign_out_leaves_the_agent_offline(svc) -> None:
    from store import agents as agent_store

    dana = await _online_agent(svc, "dana", "agent-sid")
    original = svc.run

    async def slow_run(fn, *args):
        if fn.__name__ == "tx":  # set_status's write: the socket closes while it is under way
            await agents.disconnect(svc, "agent-sid")
        return await original(fn, *args)

    svc.run = slow_run
    await agents.set_status(svc, dana, "online")
    svc.run = original
    agent = await svc.run(agent_store.get_agent, dana)
    assert agent.status.value == "offline"


async def test_demo_identities_can_be_turned_off(svc) -> None:
    import dataclasses

    from handoff.service import shop

    assert (await shop.demo_identity(svc, 1))["token"]
    svc.settings = dataclasses.replace(svc.settings, demo_identities=False)
    with pytest.raises(errors.NotFound):
        await shop.demo_identity(svc, 1)
    with pytest.raises(errors.NotFound):
        await shop.demo_customers(svc)


async def test_a_new_client_chosen_session_id_is_kept_like_rasa_does(svc) -> None:
    chosen = "4f1c9b2e7d0a4e5b8c3d2a1f0e9b8c7d"  # what rasa-webchat sends: a uuid4 hex
    ack = await sessions.open_session(svc, "c9", chosen, None, None)
    assert ack["session_id"] == chosen and ack["fresh"] is True
    # another visitor asking for the same id later gets it back (anonymous, same binding) ...
    again = await sessions.open_session(svc, "c10", chosen, None, None)
    assert again["session_id"] == chosen and again["fresh"] is False
    # ... but an unusable id is replaced by a server-chosen one
    odd = await sessions.open_session(svc, "c11", "<script>", None, None)
    assert odd["session_id"] != "<script>"


async def test_user_uttered_without_session_request_opens_the_session(svc) -> None:
    ack = await turns.customer_message(svc, "c12", "hello there", "naive-client-0001", None)
    await svc.drain()
    assert ack["ok"] is True and ack["seq"] == 1
    assert svc.customers["c12"].session_id == "naive-client-0001"
    assert svc.notifier.events("conv", "bot_uttered")[-1]["text"] == "echo: hello there"


async def test_the_bot_is_told_who_is_online_and_what_the_service_will_do(svc) -> None:
    """metadata.handoff: agents online, the handoff the words alone bring, earlier misunderstandings."""
    await sessions.open_session(svc, "c1", None, None, None)
    await _say(svc, "c1", "hello")
    sent = [c[3] for c in svc.rasa.calls if c[0] == "send"]
    assert sent[-1]["handoff"] == {"agents_online": 0, "coming": None, "misunderstood": 0}
    await _online_agent(svc, "dana", "agent-sid")
    await _say(svc, "c1", "that's not what I asked")
    assert [c[3] for c in svc.rasa.calls if c[0] == "send"][-1]["handoff"] == \
        {"agents_online": 1, "coming": None, "misunderstood": 0}
    await _say(svc, "c1", "you're not understanding me")
    last = [c[3] for c in svc.rasa.calls if c[0] == "send"][-1]["handoff"]
    assert last == {"agents_online": 1, "coming": "fallback", "misunderstood": 1}
    status = svc.notifier.events("conv", "handoff_status")[-1]
    assert status["status"] == "queued"


async def test_each_reply_is_one_of_rasas_shapes_text_then_image_then_custom(svc) -> None:
    from handoff.rasa_client import BotTurn

    svc.rasa.replies["show me"] = BotTurn(messages=[
        {"text": "Here is your return label.", "image": "https://example.com/label.png"},
        {"text": "Anything else?", "custom": {"data": {"card": "survey"}}},
        {"text": "Pick one", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
    ], parse={"intent": {"name": "return_item", "confidence": 0.9}})
    await sessions.open_session(svc, "c1", None, None, None)
    await _say(svc, "c1", "show me")
    bodies = [{k: v for k, v in d.items() if k != "metadata"} for d in svc.notifier.events("conv", "bot_uttered")]
    assert bodies == [
        {"text": "Here is your return label."},
        {"attachment": {"type": "image", "payload": {"src": "https://example.com/label.png"}}},
        {"text": "Anything else?"},
        {"card": "survey"},
        {"text": "Pick one", "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}]},
    ]
