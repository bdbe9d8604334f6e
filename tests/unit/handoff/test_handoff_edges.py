"""Smaller holes: agent send idempotency, guessable session ids, CSAT values, security headers."""

from __future__ import annotations

import math

import pytest

from handoff import errors
from handoff.service import agents, handoffs, sessions, turns

pytestmark = pytest.mark.asyncio


async def _claimed(svc):
    token = (await agents.login(svc, "dana", "support-demo"))["token"]
    dana = await agents.connect(svc, "a1", token)
    await sessions.open_session(svc, "c1", None, None, None)
    await turns.customer_message(svc, "c1", "I'll file a chargeback", None, None)
    await svc.drain()
    cid = svc.customers["c1"].conversation_id
    await handoffs.claim(svc, dana, cid)
    return dana, cid


async def test_agent_send_with_the_same_client_msg_id_is_stored_and_shown_once(svc) -> None:
    dana, cid = await _claimed(svc)
    before = len(svc.notifier.events("conv", "bot_uttered"))
    one = await agents.send(svc, dana, cid, "Hi, I'm Dana", "a-1")
    two = await agents.send(svc, dana, cid, "Hi, I'm Dana", "a-1")
    assert one["ok"] and two["ok"] and one["seq"] == two["seq"]
    assert two.get("duplicate") is True and "duplicate" not in one
    shown = [d for d in svc.notifier.events("conv", "bot_uttered")[before:] if d["text"] == "Hi, I'm Dana"]
    assert len(shown) == 1, "the customer sees the retried message once"
    assert (await agents.send(svc, dana, cid, "Hi, I'm Dana", "a-2"))["seq"] == one["seq"] + 1


async def test_a_client_msg_id_of_someone_else_is_refused_not_echoed(svc) -> None:
    dana, cid = await _claimed(svc)
    await turns.customer_message(svc, "c1", "are you there?", None, "shared-1")
    with pytest.raises(errors.InvalidPayload, match="client_msg_id"):
        await agents.send(svc, dana, cid, "yes", "shared-1")
    await svc.drain()


async def test_short_client_session_ids_are_replaced_and_never_looked_up(svc) -> None:
    ack = await sessions.open_session(svc, "c1", "a", None, None)
    assert ack["session_id"] != "a" and len(ack["session_id"]) == 32 and ack["fresh"]
    short = await sessions.open_session(svc, "c2", "webchat-7f3a", None, None)  # 12 characters
    assert short["session_id"] != "webchat-7f3a"
    dotted = await sessions.open_session(svc, "c3", "has.dots:and-colons00", None, None)
    assert dotted["session_id"] != "has.dots:and-colons00"
    kept = await sessions.open_session(svc, "c4", "0123456789abcdef", None, None)  # 16 is enough
    assert kept["session_id"] == "0123456789abcdef"


@pytest.mark.parametrize("score", [math.inf, -math.inf, math.nan, 1e999, "5", 0, 6, 2.5, True, None, [5]])
async def test_csat_values_out_of_shape_are_refused(svc, score) -> None:
    with pytest.raises(errors.InvalidPayload, match="whole number from 1 to 5"):
        handoffs.csat_score(score)


@pytest.mark.parametrize("score", [1, 5, 3.0])
async def test_csat_whole_numbers_are_accepted(svc, score) -> None:
    assert handoffs.csat_score(score) == int(score)


@pytest.mark.parametrize("text", ['/csat{"score":1e999}', '/csat{"score":NaN}', '/csat{"score":"5"}',
                                  '/csat{"score":9}', '/csat{not json}', '/csat{"score":-Infinity}'])
async def test_a_bad_csat_payload_is_refused_before_it_is_stored(svc, text) -> None:
    await sessions.open_session(svc, "c1", None, None, None)
    with pytest.raises(errors.InvalidPayload):
        await turns.customer_message(svc, "c1", text, None, None)
    assert svc.rasa.calls == [] and not svc.notifier.events("conv", "bot_uttered")
    ack = await turns.customer_message(svc, "c1", "hello", None, None)
    assert ack["seq"] == 1, "nothing was stored for the refused payload"
    await svc.drain()
