"""action_greet_customer and action_acknowledge_feelings."""

import pytest

from bot.actions.feelings import ActionAcknowledgeFeelings
from bot.actions.greeting import ActionGreetCustomer

pytestmark = pytest.mark.asyncio


async def test_signed_in_customer_is_greeted_with_their_most_pressing_issue(store, run, kit, token, customer_id):
    tracker = kit.tracker("greet", "hi", metadata={"identity_token": token("maya@example.com")})
    messages, events = await run(ActionGreetCustomer(), tracker)
    said = kit.texts(messages)
    assert len(said) == 1 and "Maya" in said[0] and "#1042" in said[0] and "3 days late" in said[0]
    assert "let's" in said[0].lower()
    slots = kit.slots(events)
    assert slots["customer_id"] == float(customer_id("maya@example.com"))
    assert slots["verified"] is True and slots["order_number"] == "1042"


async def test_anonymous_visitor_gets_a_plain_greeting_and_no_slots(store, run, kit):
    messages, events = await run(ActionGreetCustomer(), kit.tracker("greet", "hello"))
    assert len(kit.texts(messages)) == 1 and events == []
    assert "#" not in kit.texts(messages)[0]


async def test_forged_token_is_treated_as_anonymous(store, run, kit, customer_id):
    from common.identity import sign_identity

    forged = sign_identity(customer_id("maya@example.com"), "maya@example.com", "not-the-secret")
    messages, events = await run(ActionGreetCustomer(), kit.tracker("greet", "hi", metadata={"identity_token": forged}))
    assert "Maya" not in kit.texts(messages)[0] and events == []


async def test_greeting_does_not_repeat_itself(store, run, kit):
    seen = set()
    history = []
    for _ in range(3):
        messages, _ = await run(ActionGreetCustomer(), kit.tracker("greet", "hi", history=history))
        text = kit.texts(messages)[0]
        assert text not in seen
        seen.add(text)
        history += [kit.user("hi", "greet"), kit.bot(text)]


async def test_negative_intent_is_validated_with_a_phrase_of_its_situation(store, run, kit, phrases):
    messages, events = await run(ActionAcknowledgeFeelings(), kit.tracker("delivery_late", "where is my parcel?!"))
    assert events == []
    assert kit.texts(messages) and kit.texts(messages)[0] in phrases["situations"]["late_delivery"]


async def test_neutral_intent_is_silent_unless_the_detector_says_upset(store, run, kit, phrases):
    quiet, _ = await run(ActionAcknowledgeFeelings(), kit.tracker("order_status", "where is my order"))
    assert quiet == []
    upset = kit.tracker("order_status", "WHERE IS MY ORDER", metadata={"detector": {"score": 0.9, "severity": "severe",
                                                                                   "reasons": ["all caps"]}})
    messages, _ = await run(ActionAcknowledgeFeelings(), upset)
    assert kit.texts(messages)[0] in phrases["situations"]["severe"]


async def test_validation_skips_phrases_already_said(store, run, kit, phrases):
    options = phrases["situations"]["damaged"]
    history = []
    for option in options[:-1]:
        history += [kit.user("it broke", "item_damaged"), kit.bot(option)]
    later = [event for n in range(3) for event in (kit.user(f"order {n}", "inform"), kit.bot("Thanks."))]
    messages, _ = await run(ActionAcknowledgeFeelings(),
                            kit.tracker("item_damaged", "broken again", history=history + later))
    assert kit.texts(messages) == [options[-1]]


async def test_no_phrase_twice_in_a_conversation(store, run, kit, phrases):
    """Every damaged and general phrase said already: no line rather than a repeated one."""
    said = phrases["situations"]["damaged"] + phrases["situations"]["general"]
    history = [e for text in said for e in (kit.user("it broke", "item_damaged"), kit.bot(text))]
    later = [event for n in range(3) for event in (kit.user(f"order {n}", "inform"), kit.bot("Thanks."))]
    messages, _ = await run(ActionAcknowledgeFeelings(),
                            kit.tracker("item_damaged", "broken again", history=history + later))
    assert messages == []


async def test_the_same_moment_is_not_validated_again(store, run, kit, phrases):
    """The bot validated the damage two turns ago and asked for the order: no second opener now."""
    history = [kit.user("my vase arrived broken", "item_damaged"), kit.bot(phrases["situations"]["damaged"][0]),
               kit.bot("Which order is it?"), kit.user("1051", "inform"), kit.bot("And your e-mail?")]
    messages, _ = await run(ActionAcknowledgeFeelings(), kit.tracker("item_damaged", "liam@example.com",
                                                                     history=history))
    assert messages == []
    severe = {"detector": {"score": 0.95, "severity": "severe", "reasons": ["insults"]}}
    messages, _ = await run(ActionAcknowledgeFeelings(), kit.tracker("item_damaged", "THIS IS A JOKE",
                                                                     history=history, metadata=severe))
    assert kit.texts(messages)[0] in phrases["situations"]["severe"], "angrier now: that is a new moment"


async def test_not_validated_twice_in_one_turn(store, run, kit, phrases):
    already = kit.bot(phrases["situations"]["billing"][0])
    messages, _ = await run(ActionAcknowledgeFeelings(),
                            kit.tracker("billing_issue", "charged twice", after=[already]))
    assert messages == []
