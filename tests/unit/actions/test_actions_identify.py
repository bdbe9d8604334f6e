"""validate_identify_form: signed-in customers skip it; visitors prove an order is theirs."""

import pytest

from bot.actions.identify import GIVE_UP, MISMATCH, ValidateIdentifyForm

pytestmark = pytest.mark.asyncio


def candidates(kit, **values):
    return [{"event": "slot", "name": name, "value": value} for name, value in values.items()]


async def test_signed_in_customer_gets_the_late_order_and_email_filled(store, run, kit, token, customer_id):
    tracker = kit.tracker("delivery_late", "my gift is late!!", metadata={"identity_token": token("maya@example.com")})
    messages, events = await run(ValidateIdentifyForm(), tracker)
    slots = kit.slots(events)
    assert slots["order_number"] == "1042" and slots["email"] == "maya@example.com"
    assert slots["verified"] is True and slots["customer_id"] == float(customer_id("maya@example.com"))
    assert not any("order number" in t.lower() for t in kit.texts(messages))


@pytest.mark.parametrize("email,intent,number", [("liam@example.com", "item_damaged", "1051"),
                                                 ("sofia@example.com", "wrong_item", "1060"),
                                                 ("ava@example.com", "cancel_order", "1075")])
async def test_the_order_filled_is_the_one_the_intent_is_about(store, run, kit, token, email, intent, number):
    tracker = kit.tracker(intent, "help", metadata={"identity_token": token(email)})
    _, events = await run(ValidateIdentifyForm(), tracker)
    assert kit.slots(events)["order_number"] == number


async def test_signed_in_customer_naming_someone_elses_order_is_asked_again(store, run, kit, token):
    tracker = kit.tracker("order_status", "where is 1051", metadata={"identity_token": token("maya@example.com")},
                          after=candidates(kit, order_number="1051"))
    messages, events = await run(ValidateIdentifyForm(), tracker)
    assert kit.slots(events)["order_number"] is None
    assert "1051" in kit.texts(messages)[0] and "Liam" not in " ".join(kit.texts(messages))


async def test_visitor_with_the_right_pair_is_verified(store, run, kit, customer_id):
    tracker = kit.tracker("inform", "maya@example.com", slots={"order_number": "1042"},
                          after=candidates(kit, email="Maya@Example.com "))
    messages, events = await run(ValidateIdentifyForm(), tracker)
    slots = kit.slots(events)
    assert slots["verified"] is True and slots["customer_id"] == float(customer_id("maya@example.com"))
    assert slots["customer_name"] == "Maya Patel" and "Maya" in kit.texts(messages)[0]


async def test_visitor_giving_both_at_once_is_checked_once(store, run, kit):
    tracker = kit.tracker("inform", "1042 liam@example.com", after=candidates(kit, order_number="#1042",
                                                                               email="liam@example.com"))
    messages, events = await run(ValidateIdentifyForm(), tracker)
    assert kit.texts(messages) and len([t for t in kit.texts(messages) if t in MISMATCH]) == 1
    slots = kit.slots(events)
    assert slots["order_number"] is None and slots["email"] is None and slots["verified"] is False
    said = " ".join(kit.texts(messages))
    assert "Maya" not in said and "Liam" not in said and "Louisville" not in said


async def test_malformed_values_are_rejected_with_a_clear_ask(store, run, kit):
    messages, events = await run(ValidateIdentifyForm(), kit.tracker(
        "inform", "abc", after=candidates(kit, order_number="abc")))
    assert kit.slots(events)["order_number"] is None and "digits" in kit.texts(messages)[0]
    messages, events = await run(ValidateIdentifyForm(), kit.tracker(
        "inform", "maya at example", slots={"order_number": "1042"}, after=candidates(kit, email="maya at example")))
    assert kit.slots(events)["email"] is None and "e-mail" in kit.texts(messages)[0]


async def test_third_failure_hands_off_and_ends_the_form(store, run, kit):
    history = [kit.user("1042", "inform"), kit.bot(MISMATCH[0]), kit.user("1042", "inform"), kit.bot(MISMATCH[1])]
    tracker = kit.tracker("inform", "x@example.com", slots={"order_number": "1042"}, history=history,
                          after=candidates(kit, email="x@example.com"))
    messages, events = await run(ValidateIdentifyForm(), tracker)
    assert kit.texts(messages)[0] in GIVE_UP
    handoff = kit.handoffs(messages)
    assert handoff and handoff[0]["source"] == "bot" and "3 attempts" in handoff[0]["reason"]
    assert kit.slots(events)["requested_slot"] is None


async def test_mismatch_wording_varies(store, run, kit):
    history = [kit.user("1042", "inform"), kit.bot(MISMATCH[0])]
    tracker = kit.tracker("inform", "x@example.com", slots={"order_number": "1042"}, history=history,
                          after=candidates(kit, email="x@example.com"))
    messages, _ = await run(ValidateIdentifyForm(), tracker)
    assert kit.texts(messages)[0] in MISMATCH[1:]
