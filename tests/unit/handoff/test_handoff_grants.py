"""Agent grants through the service: only for the conversation's customer, within the budget per incident."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.identity import sign_identity
from handoff import errors
from handoff.service import agents, handoffs, sessions, turns
from store.models import Charge, Customer, Order
from store.queries import duplicate_charges
from store.verification import mark_verified

pytestmark = pytest.mark.asyncio


async def _claimed(svc, sid: str, email=None) -> tuple:
    token = None
    if email:
        cust = await svc.run(lambda s: s.execute(select(Customer).where(Customer.email == email)).scalar_one())
        token = sign_identity(cust.id, email, svc.settings.identity_secret)
    await sessions.open_session(svc, sid, None, None, token)
    await turns.customer_message(svc, sid, "a person please", None, None)
    await svc.drain()
    login = await agents.login(svc, "dana", "support-demo")
    dana = await agents.connect(svc, f"agent-{sid}", login["token"])
    cid = svc.customers[sid].conversation_id
    await handoffs.claim(svc, dana, cid)
    return dana, cid


async def test_anonymous_conversation_grants_only_on_an_order_verified_in_it(svc) -> None:
    dana, cid = await _claimed(svc, "anon")
    credit = {"kind": "credit", "order_number": "1042", "amount": 10, "reason": "late"}
    with pytest.raises(errors.Forbidden):
        await agents.grant(svc, dana, cid, credit)
    order_id = await svc.run(lambda s: s.execute(select(Order.id).where(Order.number == "1042")).scalar_one())
    await svc.run(mark_verified, cid, order_id)
    assert (await agents.grant(svc, dana, cid, credit))["ok"]


async def test_a_refund_only_of_the_conversation_customers_own_charge(svc) -> None:
    dana, cid = await _claimed(svc, "maya", "maya@example.com")

    def noahs_duplicate(s):
        noah = s.execute(select(Customer.id).where(Customer.email == "noah@example.com")).scalar_one()
        return duplicate_charges(s, noah)[0]["id"]

    charge_id = await svc.run(noahs_duplicate)
    with pytest.raises(errors.Forbidden):
        await agents.grant(svc, dana, cid, {"kind": "refund", "charge_id": charge_id, "reason": "dup"})
    status = await svc.run(lambda s: s.get(Charge, charge_id).status.value)
    assert status == "succeeded"


async def test_the_same_order_credited_again_stops_at_the_budget(svc) -> None:
    dana, cid = await _claimed(svc, "ava", "ava@example.com")
    credit = {"kind": "credit", "order_number": "1075", "amount": 40, "reason": "sorry"}
    assert (await agents.grant(svc, dana, cid, credit))["ok"]
    assert (await agents.grant(svc, dana, cid, credit))["ok"]
    with pytest.raises(errors.OverBudget):
        await agents.grant(svc, dana, cid, credit)  # $120 in all: above Dana's $100 per incident
