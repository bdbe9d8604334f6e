"""The summary in the claim payload, over the service with a real (SQLite) store: its next best
action is a grant the agent can make with one click, and never one over their budget."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.identity import sign_identity
from handoff.rasa_client import BotTurn
from handoff.service import agents, handoffs, sessions, turns
from store import resolutions
from store.models import Actor, Customer

pytestmark = pytest.mark.asyncio

LATE = "my birthday gift 1042 is late and the party is tomorrow"


async def _maya_hands_off(svc, sid: str) -> int:
    cust = await svc.run(lambda s: s.execute(select(Customer).where(Customer.email == "maya@example.com")).scalar_one())
    token = sign_identity(cust.id, "maya@example.com", svc.settings.identity_secret)
    svc.rasa.replies[LATE] = BotTurn(
        messages=[{"text": "I can see order #1042 is running late."}],
        parse={"intent": {"name": "delivery_late", "confidence": 0.97},
               "entities": [{"entity": "order_number", "value": "1042"}]})
    await sessions.open_session(svc, sid, None, None, token)
    await turns.customer_message(svc, sid, LATE, None, None)
    await turns.customer_message(svc, sid, "a person please", None, None)
    await svc.drain()
    return svc.customers[sid].conversation_id


async def _claim(svc, username: str, cid: int):
    login = await agents.login(svc, username, "support-demo")
    agent_id = await agents.connect(svc, f"agent-{username}", login["token"])
    return agent_id, await handoffs.claim(svc, agent_id, cid)


async def test_claim_carries_the_summary_and_its_grant_works_in_one_step(svc) -> None:
    cid = await _maya_hands_off(svc, "maya")
    dana, view = await _claim(svc, "dana", cid)
    summary = view["summary"]
    assert summary["who"]["name"] == "Maya Patel" and summary["who"]["verified"]
    assert summary["want"].startswith("Maya wants their late order #1042")
    assert summary["situation"] == "late_delivery" and summary["order"] == "1042"
    assert "Maya" in summary["recap"]["text"]
    assert "Answered about the late delivery" in summary["done"]
    nba = summary["next_best_action"]
    assert nba["kind"] == "grant", nba
    assert nba["grant"]["kind"] == "credit" and nba["grant"]["order_number"] == "1042"
    assert "Dana" in nba["why"]

    done = await agents.grant(svc, dana, cid, nba["grant"])
    assert done["ok"] and done["resolution"]["kind"] == "credit"
    after = (await agents.open_view(svc, "agent-dana", dana, cid))["summary"]
    assert any(line.startswith("Credit of $") for line in after["done"]), after["done"]
    assert after["next_best_action"]["kind"] == "step", "the same grant is never suggested twice"


async def test_over_the_agents_budget_no_grant_is_suggested(svc) -> None:
    cid = await _maya_hands_off(svc, "maya2")
    sam, _ = await _claim(svc, "sam", cid)

    def earlier_grant(s) -> None:  # $40 already given in this conversation, on Maya's other order
        resolutions.grant_credit(s, "1043", actor=Actor.AGENT, agent_id=sam, conversation_id=cid, amount=40,
                                 reason="goodwill")

    await svc.run(earlier_grant)
    nba = (await agents.open_view(svc, "agent-sam", sam, cid))["summary"]["next_best_action"]
    assert nba["kind"] == "step" and "grant" not in nba, nba
    assert "Sam's $50.00 budget" in nba["label"]


async def test_an_anonymous_visitor_who_verified_an_order_is_unnamed_and_can_be_helped(svc) -> None:
    from store.models import Order
    from store.verification import mark_verified

    svc.rasa.replies["my order is late"] = BotTurn(messages=[{"text": "What's the order number?"}],
                                                   parse={"intent": {"name": "delivery_late", "confidence": 0.9}})
    await sessions.open_session(svc, "anon", None, None, None)
    await turns.customer_message(svc, "anon", "my order is late", None, None)
    await turns.customer_message(svc, "anon", "a person please", None, None)
    await svc.drain()
    cid = svc.customers["anon"].conversation_id
    dana, view = await _claim(svc, "dana", cid)
    assert view["summary"]["who"] == {"verified": False, "name": None, "text": view["summary"]["who"]["text"]}
    assert view["summary"]["next_best_action"]["kind"] == "step"

    order_id = await svc.run(lambda s: s.execute(select(Order.id).where(Order.number == "1042")).scalar_one())
    await svc.run(mark_verified, cid, order_id)
    summary = (await agents.open_view(svc, "agent-dana", dana, cid))["summary"]
    assert summary["who"]["name"] is None and "#1042" in summary["who"]["text"]
    assert "Maya" not in summary["recap"]["text"]
    nba = summary["next_best_action"]
    assert nba["kind"] == "grant" and nba["grant"]["order_number"] == "1042", nba
    assert (await agents.grant(svc, dana, cid, nba["grant"]))["ok"]
