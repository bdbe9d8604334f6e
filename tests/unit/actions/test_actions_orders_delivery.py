"""action_order_status and action_late_delivery against the seeded store."""

import pytest
from sqlalchemy import select

from bot.actions.delivery import ActionLateDelivery
from bot.actions.orders import ActionOrderStatus
from store.models import Resolution, ResolutionKind

pytestmark = pytest.mark.asyncio


def credits(db_session, number):
    from store.queries import find_order

    order = find_order(db_session, number)
    return db_session.execute(select(Resolution).where(Resolution.order_id == order.id,
                                                       Resolution.kind == ResolutionKind.CREDIT)).scalars().all()


async def test_status_gives_carrier_detail_and_scans(store, run, kit, token):
    tracker = kit.tracker("order_status", "where's my order", metadata={"identity_token": token("ethan@example.com")})
    messages, events = await run(ActionOrderStatus(), tracker)
    said = "\n".join(kit.texts(messages))
    assert "#1088" in said and "FedEx" in said and "Memphis" in said
    assert kit.slots(events)["order_number"] == "1088"
    kit.assert_voice(kit.texts(messages))


async def test_anonymous_visitor_learns_nothing_before_identifying(store, run, kit):
    tracker = kit.tracker("order_status", "where is 1042", slots={"order_number": "1042"})
    messages, events = await run(ActionOrderStatus(), tracker)
    said = " ".join(kit.texts(messages))
    assert "e-mail" in said and "Louisville" not in said and "UPS" not in said and events == []


async def test_verified_visitor_sees_their_order(store, run, kit, customer_id):
    slots = {"order_number": "1043", "email": "maya@example.com", "verified": True,
             "customer_id": float(customer_id("maya@example.com"))}
    messages, _ = await run(ActionOrderStatus(), kit.tracker("order_status", "status?", slots=slots))
    assert "#1043" in kit.texts(messages)[0] and "delivered" in kit.texts(messages)[0].lower()


async def test_verified_visitor_cannot_read_another_customers_order(store, run, kit, customer_id):
    slots = {"order_number": "1051", "email": "maya@example.com", "verified": True,
             "customer_id": float(customer_id("maya@example.com"))}
    messages, events = await run(ActionOrderStatus(), kit.tracker("order_status", "status of 1051?", slots=slots))
    said = " ".join(kit.texts(messages))
    assert "Vase" not in said and "Boston" not in said and "1051" not in said and events == []
    assert "confirmation e-mail" in said


async def test_late_paid_delivery_is_validated_then_credited(store, run, kit, token, phrases, db_session):
    tracker = kit.tracker("delivery_late", "I paid for overnight and it's 3 days late!!",
                          metadata={"identity_token": token("maya@example.com")})
    messages, events = await run(ActionLateDelivery(), tracker)
    said = kit.texts(messages)
    assert said[0] in phrases["situations"]["late_delivery"]
    joined = " ".join(said)
    assert "$24.99" in joined and "credit" in joined and "Louisville" in joined
    assert "birthday" in joined  # the occasion is acknowledged
    assert not kit.handoffs(messages)
    kit.assert_voice(said)
    rows = credits(db_session, "1042")
    assert len(rows) == 1 and float(rows[0].amount) == 24.99 and rows[0].granted_by.value == "bot"
    assert "overnight" in rows[0].reason


async def test_second_credit_claim_goes_to_a_person(store, run, kit, token, db_session):
    meta = {"identity_token": token("maya@example.com")}
    first, _ = await run(ActionLateDelivery(), kit.tracker("delivery_late", "late!", metadata=meta))
    history = [kit.user("late!", "delivery_late")] + [kit.bot(t) for t in kit.texts(first)]
    messages, _ = await run(ActionLateDelivery(), kit.tracker("delivery_late", "still late!!", metadata=meta,
                                                              history=history))
    handoff = kit.handoffs(messages)
    assert handoff and "already had a credit" in handoff[0]["reason"] and handoff[0]["source"] == "bot"
    assert len(credits(db_session, "1042")) == 1
    assert not set(kit.texts(messages)) & set(kit.texts(first))  # nothing said twice
    kit.assert_voice(kit.texts(messages))


async def test_order_within_its_window_gets_no_credit(store, run, kit, token, db_session):
    messages, _ = await run(ActionLateDelivery(), kit.tracker(
        "delivery_late", "is it late?", metadata={"identity_token": token("ethan@example.com")}))
    assert "due" in " ".join(kit.texts(messages)) and credits(db_session, "1088") == []
