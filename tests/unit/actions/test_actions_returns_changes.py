"""Recap-and-confirm flows: return, cancel, address change; then yes or no."""

import pytest
from sqlalchemy import select

from bot.actions.changes import ActionCancelOrder, ActionChangeAddress
from bot.actions.pending import ActionCancelPending, ActionExecutePending
from bot.actions.returns import ActionRefundStatus, ActionStartReturn
from store.models import Resolution, ResolutionKind
from store.queries import find_order

pytestmark = pytest.mark.asyncio


def meta(token, email):
    return {"identity_token": token(email)}


async def confirm(run, kit, token, email, pending, **slots):
    tracker = kit.tracker("affirm", "yes", metadata=meta(token, email), slots={"pending_action": pending, **slots})
    return await run(ActionExecutePending(), tracker)


async def test_return_is_recapped_then_started_after_yes(store, run, kit, token, db_session):
    messages, events = await run(ActionStartReturn(), kit.tracker(
        "return_item", "I want to return order 1043", slots={"order_number": "1043"},
        metadata=meta(token, "maya@example.com")))
    recap = messages[-1]
    assert "Shall I go ahead?" in recap["text"] and "#1043" in recap["text"] and "$43.50" in recap["text"]
    assert [b["payload"] for b in recap["buttons"]] == ["/affirm", "/deny"]
    assert kit.slots(events)["pending_action"] == "start_return:1043"
    order = find_order(db_session, "1043")
    query = select(Resolution).where(Resolution.order_id == order.id, Resolution.kind == ResolutionKind.RETURN)
    assert db_session.execute(query).first() is None  # nothing happens before "yes"
    messages, events = await confirm(run, kit, token, "maya@example.com", "start_return:1043")
    assert "/returns/1043/label" in kit.texts(messages)[0]
    assert kit.slots(events)["pending_action"] is None
    assert db_session.execute(query).scalars().one().status.value == "in_progress"


async def test_cancel_is_recapped_then_done_after_yes(store, run, kit, token, db_session):
    messages, events = await run(ActionCancelOrder(), kit.tracker(
        "cancel_order", "cancel my order please", metadata=meta(token, "ava@example.com")))
    assert "#1075" in messages[-1]["text"] and "Shall I go ahead?" in messages[-1]["text"]
    assert kit.slots(events)["pending_action"] == "cancel_order:1075"
    assert find_order(db_session, "1075").status.value == "processing"
    messages, _ = await confirm(run, kit, token, "ava@example.com", "cancel_order:1075")
    assert "cancelled" in kit.texts(messages)[0]
    db_session.expire_all()
    assert find_order(db_session, "1075").status.value == "cancelled"


async def test_no_leaves_the_order_alone(store, run, kit, token, db_session):
    tracker = kit.tracker("deny", "no wait", metadata=meta(token, "ava@example.com"),
                          slots={"pending_action": "cancel_order:1075"})
    messages, events = await run(ActionCancelPending(), tracker)
    assert "#1075" in kit.texts(messages)[0] and kit.slots(events)["pending_action"] is None
    assert find_order(db_session, "1075").status.value == "processing"


async def test_shipped_order_is_not_cancellable_but_a_return_is_offered(store, run, kit, token, db_session):
    messages, events = await run(ActionCancelOrder(), kit.tracker(
        "cancel_order", "cancel 1088", slots={"order_number": "1088"}, metadata=meta(token, "ethan@example.com")))
    assert "return" in kit.texts(messages)[-1] and "pending_action" not in kit.slots(events)
    assert find_order(db_session, "1088").status.value == "in_transit"


async def test_address_change_before_dispatch(store, run, kit, token, db_session):
    new = "77 Harbor Street, Oakland, CA 94607"
    messages, events = await run(ActionChangeAddress(), kit.tracker(
        "inform", new, slots={"new_address": new, "order_number": "1075"}, metadata=meta(token, "ava@example.com")))
    assert "1200 Bay Road" in messages[-1]["text"] and new in messages[-1]["text"] and messages[-1]["buttons"]
    assert kit.slots(events)["pending_action"] == "change_address:1075"
    messages, events = await confirm(run, kit, token, "ava@example.com", "change_address:1075", new_address=new)
    assert new in kit.texts(messages)[0] and kit.slots(events)["new_address"] is None
    db_session.expire_all()
    assert find_order(db_session, "1075").shipping_address == new


async def test_incomplete_address_is_asked_again(store, run, kit, token):
    messages, events = await run(ActionChangeAddress(), kit.tracker(
        "inform", "home", slots={"new_address": "home", "order_number": "1075"}, metadata=meta(token, "ava@example.com")))
    assert "street" in kit.texts(messages)[-1] and kit.slots(events)["new_address"] is None
    assert "pending_action" not in kit.slots(events)


async def test_address_change_after_dispatch_goes_to_a_person(store, run, kit, token, db_session):
    messages, _ = await run(ActionChangeAddress(), kit.tracker(
        "change_shipping_address", "ship it elsewhere", slots={"order_number": "1088", "new_address": "1 Long Road, Reno"},
        metadata=meta(token, "ethan@example.com")))
    assert kit.handoffs(messages) and "1088" in kit.handoffs(messages)[0]["reason"]
    assert find_order(db_session, "1088").shipping_address.startswith("7 Quarry Road")


async def test_pending_action_on_someone_elses_order_does_nothing(store, run, kit, token, db_session):
    messages, events = await confirm(run, kit, token, "maya@example.com", "cancel_order:1075")
    assert kit.slots(events)["pending_action"] is None
    assert find_order(db_session, "1075").status.value == "processing"


async def test_yes_with_nothing_pending(store, run, kit, token):
    messages, _ = await confirm(run, kit, token, "maya@example.com", None)
    assert "nothing" in kit.texts(messages)[0].lower() or "anything" in kit.texts(messages)[0].lower()


async def test_refund_status_names_amount_and_order(store, run, kit, token):
    messages, events = await run(ActionRefundStatus(), kit.tracker(
        "refund_status", "where's my refund", metadata=meta(token, "lucas@example.com")))
    said = " ".join(kit.texts(messages))
    assert "$62.00" in said and "#1080" in said and kit.slots(events)["order_number"] == "1080"


async def test_refund_status_without_refunds(store, run, kit, token):
    messages, _ = await run(ActionRefundStatus(), kit.tracker(
        "refund_status", "refund?", metadata=meta(token, "maya@example.com")))
    assert "don't see a refund" in kit.texts(messages)[-1]
