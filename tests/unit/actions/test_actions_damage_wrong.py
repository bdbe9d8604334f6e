"""action_damaged_item and action_wrong_item: replacements that really exist."""

import pytest
from sqlalchemy import select

from bot.actions.damage import ActionDamagedItem
from bot.actions.wrong_item import ActionWrongItem
from store.models import Order, Resolution, ResolutionKind
from store.queries import find_order

pytestmark = pytest.mark.asyncio


def replacements(db_session, number):
    order = find_order(db_session, number)
    return db_session.execute(select(Resolution).where(Resolution.order_id == order.id,
                                                       Resolution.kind == ResolutionKind.REPLACEMENT)).scalars().all()


async def test_damaged_gift_is_replaced_without_a_return(store, run, kit, token, phrases, db_session):
    tracker = kit.tracker("item_damaged", "the vase arrived smashed, it was a gift",
                          metadata={"identity_token": token("liam@example.com")})
    messages, events = await run(ActionDamagedItem(), tracker)
    said = kit.texts(messages)
    assert said[0] in phrases["situations"]["damaged"]
    rows = replacements(db_session, "1051")
    assert len(rows) == 1 and rows[0].details["return_required"] is False
    new = db_session.execute(select(Order).where(Order.number == rows[0].details["replacement_order"])).scalar_one()
    assert new.customer_id == find_order(db_session, "1051").customer_id and new.status.value == "processing"
    assert [i.sku for i in new.items] == ["HM-220"] and float(new.total) == 0
    joined = " ".join(said)
    assert f"#{new.number}" in joined and ("no need to send" in joined or "no return needed" in joined)
    assert "60th birthday" in joined and kit.slots(events)["order_number"] == "1051"
    kit.assert_voice(said)


async def test_second_damage_claim_on_the_same_order_goes_to_a_person(store, run, kit, token, db_session):
    meta = {"identity_token": token("liam@example.com")}
    await run(ActionDamagedItem(), kit.tracker("item_damaged", "broken", metadata=meta))
    messages, _ = await run(ActionDamagedItem(), kit.tracker("item_damaged", "the new one is broken too", metadata=meta,
                                                             slots={"order_number": "1051"}))
    assert kit.handoffs(messages) and "already had a replacement" in kit.handoffs(messages)[0]["reason"]
    assert len(replacements(db_session, "1051")) == 1


async def test_damage_not_on_record_is_a_persons_call(store, run, kit, token, db_session):
    messages, _ = await run(ActionDamagedItem(), kit.tracker(
        "item_damaged", "my skillet arrived cracked", slots={"order_number": "1043"},
        metadata={"identity_token": token("maya@example.com")}))
    assert kit.handoffs(messages) and "no damaged or wrong item" in kit.handoffs(messages)[0]["reason"]
    assert replacements(db_session, "1043") == []


async def test_safety_mention_hands_off_as_severe_before_anything_else(store, run, kit, token, db_session):
    meta = {"identity_token": token("liam@example.com"),
            "detector": {"score": 0.9, "severity": "severe", "reasons": ["mentions safety: cut my hand"],
                         "high_stakes": ["safety"]}}
    messages, _ = await run(ActionDamagedItem(), kit.tracker("item_damaged", "the broken vase cut my hand", metadata=meta))
    assert kit.handoffs(messages)[0]["severity"] == "severe"
    assert replacements(db_session, "1051") == []


async def test_wrong_item_sends_the_right_one_and_a_label(store, run, kit, token, phrases, db_session):
    tracker = kit.tracker("wrong_item", "I ordered green and got blue",
                          metadata={"identity_token": token("sofia@example.com")})
    messages, _ = await run(ActionWrongItem(), tracker)
    said = kit.texts(messages)
    assert said[0] in phrases["situations"]["wrong_item"]
    rows = replacements(db_session, "1060")
    assert len(rows) == 1 and rows[0].details["return_label"] == "/returns/1060/label"
    joined = " ".join(said)
    assert "Sage Green" in joined and "Ocean Blue" in joined and "/returns/1060/label" in joined
    kit.assert_voice(said)


async def test_the_bots_replacement_schedules_one_check_in_for_the_customer(store, run, kit, token, db_session):
    from store import conversations, followups
    from tests.unit.actions.conftest import SENDER

    cid = conversations.create_conversation(db_session, SENDER, None).id
    db_session.commit()
    await run(ActionDamagedItem(), kit.tracker("item_damaged", "the vase arrived smashed, it was a gift",
                                               metadata={"identity_token": token("liam@example.com")}))
    [checkin] = followups.for_conversation(db_session, cid)
    assert (checkin["kind"], checkin["order_number"], checkin["email"], checkin["state"]) == (
        "replacement", "1051", "liam@example.com", "scheduled")
