"""Set-up help, request a human, default fallback; and the voice of every action text."""

import importlib
import pkgutil

import pytest

import bot.actions
from bot.actions.fallback import ActionDefaultFallback
from bot.actions.handoff import ActionRequestHuman
from bot.actions.setup import ActionSetupHelp

pytestmark = pytest.mark.asyncio


async def test_setup_help_names_the_integration_and_offers_two_ways(store, run, kit, token):
    messages, _ = await run(ActionSetupHelp(), kit.tracker(
        "setup_help", "the shopify thing is so confusing", metadata={"identity_token": token("oliver@example.com")}))
    said = kit.texts(messages)
    assert "Shopify" in said[0] and "together" in said[0]
    assert "/settings/integrations/shopify" in said[-1] and "screen-share" in said[-1]
    assert messages[-1]["buttons"][0]["payload"] == "/request_human"
    kit.assert_voice(said)


async def test_setup_help_for_a_visitor_still_validates(store, run, kit, phrases):
    messages, _ = await run(ActionSetupHelp(), kit.tracker("setup_help", "I can't figure out the setup"))
    assert kit.texts(messages)[0] in phrases["situations"]["confusion"]


async def test_request_human_hands_off_at_once(store, run, kit):
    messages, _ = await run(ActionRequestHuman(), kit.tracker("request_human", "let me talk to a person"))
    assert kit.handoffs(messages) == [{"reason": "customer asked for a person", "source": "bot",
                                       "severity": "elevated"}]
    assert "teammate" in kit.texts(messages)[0]


async def test_request_human_carries_severity(store, run, kit):
    detector = {"score": 0.95, "severity": "severe", "reasons": ["insults"]}
    messages, _ = await run(ActionRequestHuman(), kit.tracker("request_human", "GET ME A HUMAN",
                                                              metadata={"detector": detector}))
    assert kit.handoffs(messages)[0]["severity"] == "severe"


async def test_second_miss_hands_off_because_the_assistant_isnt_understanding(store, run, kit):
    messages, events = await run(ActionDefaultFallback(), kit.tracker("nlu_fallback", "blorp"))
    assert kit.slots(events)["fallback_count"] == 1 and not kit.handoffs(messages)
    history = [kit.user("blorp", "nlu_fallback"), kit.bot(kit.texts(messages)[0])]
    messages, events = await run(ActionDefaultFallback(), kit.tracker("nlu_fallback", "zzz", history=history))
    assert kit.slots(events)["fallback_count"] == 2
    assert kit.handoffs(messages) == [{"reason": "the assistant isn't understanding", "source": "bot",
                                       "severity": "elevated"}]


async def test_fallback_streak_restarts_after_an_understood_message(store, run, kit):
    history = [kit.user("blorp", "nlu_fallback"), kit.user("where is my order", "order_status")]
    _, events = await run(ActionDefaultFallback(), kit.tracker("nlu_fallback", "zzz", history=history))
    assert kit.slots(events)["fallback_count"] == 1


async def test_core_fallback_listens_instead_of_looping(store, run, kit):
    """Understood, but no policy sure what next: one honest line, then listen."""
    messages, events = await run(ActionDefaultFallback(), kit.tracker("change_shipping_address", "new address pls"))
    assert len(messages) == 1
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_listen"]
    _, events = await run(ActionDefaultFallback(), kit.tracker("nlu_fallback", "blorp"))
    assert not [e for e in events if e["event"] == "followup"], "after nlu_fallback the rules decide"


def test_every_action_text_keeps_the_voice(kit):
    """Every phrase constant in every action module: no banned wording, several variations."""
    found = []
    for info in pkgutil.iter_modules(bot.actions.__path__):
        module = importlib.import_module(f"bot.actions.{info.name}")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                found.extend(value)
    assert len(found) > 60
    kit.assert_voice(found)


async def test_core_fallback_after_a_finished_form_resumes_the_customers_flow(store, run, kit):
    """Greeted first, the topic falls out of the policies' history: pick the flow up again."""
    history = [kit.user("hi", "greet"), kit.bot("Hi!"),
               kit.user("my parcel is three days late", "delivery_late"),
               {"event": "action", "name": "identify_form"}, {"event": "active_loop", "name": "identify_form"},
               kit.user("1042", "inform"), {"event": "action", "name": "identify_form"}]
    tracker = kit.tracker("inform", "maya@example.com", history=history,
                          after=[{"event": "action", "name": "identify_form"},
                                 {"event": "slot", "name": "verified", "value": True},
                                 {"event": "active_loop", "name": None}])
    messages, events = await run(ActionDefaultFallback(), tracker)
    assert messages == []
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_late_delivery"]


async def test_core_fallback_mid_conversation_still_listens(store, run, kit):
    history = [kit.user("my parcel is late", "delivery_late"), {"event": "action", "name": "action_late_delivery"}]
    messages, events = await run(ActionDefaultFallback(), kit.tracker("change_shipping_address", "x", history=history))
    assert len(messages) == 1 and [e["name"] for e in events if e["event"] == "followup"] == ["action_listen"]
