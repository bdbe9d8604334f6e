"""Clarifying instead of guessing (item 3 of issue 10): the likeliest readings as buttons,
"something else", a person at the second miss, and validation first for an upset message."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

from bot.actions.fallback import CAN_DO, FIRST, REPHRASE, ActionDefaultFallback

pytestmark = pytest.mark.asyncio

RANKING = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "delivery_late", "confidence": 0.31},
           {"name": "order_status", "confidence": 0.28}, {"name": "out_of_scope", "confidence": 0.2},
           {"name": "refund_status", "confidence": 0.12}, {"name": "greet", "confidence": 0.01}]


def unsure(kit: Any, text: str, ranking: List[Dict[str, Any]] = RANKING,
           metadata: Optional[Dict[str, Any]] = None, history: List[Dict[str, Any]] = ()) -> Any:
    tracker = kit.tracker("nlu_fallback", text, metadata=metadata, history=list(history))
    tracker.latest_message["intent_ranking"] = ranking
    return tracker


def payloads(messages: List[Dict[str, Any]]) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


async def test_unsure_asks_which_of_the_likeliest_readings(store, run, kit, phrases):
    messages, _ = await run(ActionDefaultFallback(), unsure(kit, "parcel thing still nothing"))
    assert payloads(messages) == ["/delivery_late", "/order_status", "/refund_status", "/nlu_fallback"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[:3] == [phrases["readings"][i] for i in ("delivery_late", "order_status", "refund_status")]
    assert titles[-1] == "Something else"
    assert not any("didn't" in t for t in kit.texts(messages)), "no 'I didn't get that'"
    assert not kit.handoffs(messages)


async def test_without_readings_it_asks_an_open_question(store, run, kit):
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "greet", "confidence": 0.02}]
    messages, _ = await run(ActionDefaultFallback(), unsure(kit, "hmm", ranking))
    assert kit.texts(messages)[0] in FIRST and not payloads(messages)


async def test_something_else_asks_for_their_own_words(store, run, kit):
    history = [kit.user("parcel thing", "nlu_fallback"), {"event": "action", "name": "action_default_fallback"},
               kit.bot("Which of these is closest?"), {"event": "action", "name": "action_listen"}]
    messages, events = await run(ActionDefaultFallback(), kit.tracker("nlu_fallback", "/nlu_fallback",
                                                                      history=history))
    assert kit.texts(messages)[0] in REPHRASE and not kit.handoffs(messages)
    assert not [e for e in events if e["event"] == "followup"], "the rule listens next"


async def test_the_service_count_decides_the_second_miss(store, run, kit):
    """An earlier miss elsewhere in the conversation counts (metadata.handoff.misunderstood: earlier ones)."""
    meta = {"handoff": {"agents_online": 2, "misunderstood": 1, "coming": None}}
    messages, _ = await run(ActionDefaultFallback(), unsure(kit, "no the other thing", metadata=meta))
    assert kit.handoffs(messages)[0]["reason"] == "the assistant isn't understanding"


async def test_an_upset_message_is_validated_then_offered_a_person(store, run, kit, phrases):
    meta = {"detector": {"score": 0.7, "severity": "elevated", "reasons": ["frustration"]}}
    messages, _ = await run(ActionDefaultFallback(), unsure(kit, "I'm done with you people, cancel everything",
                                                            metadata=meta))
    said = kit.texts(messages)
    every = [p for ps in phrases["situations"].values() for p in ps]
    assert said[0] in every, f"validation first: {said}"
    assert said[1] in CAN_DO and "/request_human" in payloads(messages)
    assert not kit.handoffs(messages), "offered, not forced"


async def test_a_high_stakes_message_is_validated_and_brought_to_a_person(store, run, kit, phrases):
    meta = {"detector": {"score": 0.5, "severity": "elevated", "reasons": [], "topics": ["account_takeover"],
                         "high_stakes": ["account_takeover"]}}
    messages, _ = await run(ActionDefaultFallback(), unsure(kit, "someone got into my account and changed stuff",
                                                            metadata=meta))
    said = kit.texts(messages)
    assert said[0] in [p for ps in phrases["situations"].values() for p in ps]
    assert kit.handoffs(messages) and kit.handoffs(messages)[0]["severity"] == "severe"


async def test_nobody_online_the_bot_promises_no_one_now(store, run, kit):
    meta = {"handoff": {"agents_online": 0, "misunderstood": 1, "coming": None}}
    messages, _ = await run(ActionDefaultFallback(), unsure(kit, "blah", metadata=meta))
    said = " ".join(kit.texts(messages))
    assert kit.handoffs(messages) and "now" not in said and "bringing in" not in said, said
