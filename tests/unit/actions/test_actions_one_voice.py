"""One consistent voice (item 6 of issue 10): what the bot says agrees with what it did and
with the service's state."""

from __future__ import annotations

import pytest

from bot.actions.billing import ActionBillingIssue
from bot.actions.damage import ActionDamagedItem
from bot.actions.feelings import ActionAcknowledgeFeelings
from bot.actions.pending import ActionExecutePending
from bot.actions.voice import for_the_customer

pytestmark = pytest.mark.asyncio


def test_store_notes_are_addressed_to_the_customer():
    assert for_the_customer("his mother's 60th birthday") == "your mother's 60th birthday"
    assert for_the_customer("Her niece's birthday party") == "your niece's birthday party"
    assert for_the_customer("birthday on Saturday") == "birthday on Saturday"
    assert for_the_customer("for his wife; he asked for gift wrap") is None
    assert for_the_customer("customer wants it wrapped") is None
    assert for_the_customer(None) is None


async def test_a_refunded_duplicate_is_not_denied_on_the_next_turn(store, run, kit, token):
    meta = {"identity_token": token("noah@example.com")}
    first, _ = await run(ActionBillingIssue(), kit.tracker("billing_issue", "charged twice!", metadata=meta))
    assert any("refunded" in t for t in kit.texts(first))
    history = [kit.user("charged twice!", "billing_issue")] + [kit.bot(t) for t in kit.texts(first)]
    again, _ = await run(ActionBillingIssue(), kit.tracker("billing_issue", "so was I charged twice?",
                                                           metadata=meta, history=history))
    said = " ".join(kit.texts(again))
    assert "already refunded" in said and "$29.00" in said, said
    assert "Nothing was charged twice" not in said and "don't see a double charge" not in said


async def test_the_gift_note_is_spoken_to_the_customer(store, run, kit, token):
    messages, _ = await run(ActionDamagedItem(), kit.tracker("item_damaged", "the vase arrived broken",
                                                             metadata={"identity_token": token("liam@example.com")}))
    said = " ".join(kit.texts(messages))
    assert "his mother" not in said and "your mother's 60th birthday" in said, said


async def test_several_items_are_confirmed_before_anything_ships(store, run, kit, token, db_session):
    from sqlalchemy import select

    from store.models import ItemCondition, Order, Resolution

    order = db_session.execute(select(Order).where(Order.number == "1043")).scalar_one()
    order.items[1].condition = ItemCondition.DAMAGED
    db_session.commit()
    damaged = order.items[1].name
    meta = {"identity_token": token("maya@example.com")}
    messages, events = await run(ActionDamagedItem(), kit.tracker(
        "item_damaged", "one thing in order 1043 came smashed", metadata=meta, slots={"order_number": "1043"}))
    said = " ".join(kit.texts(messages))
    assert damaged in said and "1043" in said and said.rstrip().endswith("?"), said
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]
    assert kit.slots(events)["pending_action"] == "replace_damaged:1043"
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_listen"]
    assert not db_session.execute(select(Resolution).where(Resolution.order_id == order.id)).scalars().all()

    done, events = await run(ActionExecutePending(), kit.tracker(
        "affirm", "yes", metadata=meta, slots={"pending_action": "replace_damaged:1043", "order_number": "1043"}))
    db_session.expire_all()
    grants = db_session.execute(select(Resolution).where(Resolution.order_id == order.id)).scalars().all()
    assert [g.kind.value for g in grants] == ["replacement"]
    assert f"#{grants[0].details['replacement_order']}" in " ".join(kit.texts(done))
    assert kit.slots(events)["pending_action"] is None


async def test_a_handoff_under_way_is_said_once_and_nothing_else_is_asked(store, run, kit):
    meta = {"detector": {"score": 0.6, "severity": "elevated", "reasons": []},
            "handoff": {"agents_online": 0, "coming": "customer", "misunderstood": 0}}
    messages, events = await run(ActionAcknowledgeFeelings(), kit.tracker(
        "delivery_late", "my parcel is late and I want to talk to a person", metadata=meta))
    said = kit.texts(messages)
    assert len(kit.handoffs(messages)) == 1
    assert not any("bringing in" in t or "now" in t.split() for t in said[1:]), said
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_listen"], \
        "no order-number question after a person is brought in"
