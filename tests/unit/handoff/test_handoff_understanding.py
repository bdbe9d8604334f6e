""""You're not understanding me" is a signal (item 4 of issue 10): fallbacks, complaints
about understanding and repeats count together; the second hands off."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.detect import conversation
from handoff.policy import load_handoff_policy
from handoff.service import wording
from handoff.service.decide import PastTurn, TurnFacts, decide, understanding_signals

ROOT = Path(__file__).resolve().parents[3]
CALM = {"score": 0.1, "severity": "none", "reasons": [], "topics": []}
REASON = "the assistant isn't understanding"


@pytest.fixture(scope="module")
def policy():
    return load_handoff_policy(ROOT / "policy" / "handoff.yml")


@pytest.mark.parametrize("text", ["that's not what I asked", "you're not understanding me", "this is useless",
                                  "are you even reading what I write", "You don’t understand", "NOT WHAT I MEANT"])
def test_complaints_about_understanding_are_the_detectors(policy, text) -> None:
    assert conversation.complains_not_understood(text, policy.conversation)


@pytest.mark.parametrize("text", ["where is my order", "I understand, thanks", "that's what I asked for, great",
                                  "the lamp is not what I ordered"])
def test_ordinary_messages_are_not_complaints(policy, text) -> None:
    assert not conversation.complains_not_understood(text, policy.conversation)


def test_the_second_complaint_hands_off(policy) -> None:
    first = TurnFacts("that's not what I asked", CALM, "complain", 0.8)
    assert decide(policy, first) is None, "one signal: the bot tries again"
    second = TurnFacts("you're not understanding me", CALM, "complain", 0.7,
                       history=[PastTurn("that's not what I asked", "complain", 0.8)])
    d = decide(policy, second)
    assert d is not None and d.source == "fallback" and REASON in d.reasons


def test_a_fallback_and_a_complaint_count_together(policy) -> None:
    history = [PastTurn("blorp snark", "nlu_fallback", 0.3), PastTurn("where is my order", "order_status", 0.95)]
    d = decide(policy, TurnFacts("this is useless", CALM, "complain", 0.6, history=history))
    assert d is not None and REASON in d.reasons


def test_fallbacks_anywhere_in_the_conversation_count(policy) -> None:
    history = [PastTurn("blorp snark", "nlu_fallback", 0.3), PastTurn("/delivery_late", "delivery_late", 1.0)]
    assert understanding_signals(policy, TurnFacts("zzz qqq", CALM, "nlu_fallback", 0.3, history=history)) == 2
    d = decide(policy, TurnFacts("zzz qqq", CALM, "nlu_fallback", 0.3, history=history))
    assert d is not None and REASON in d.reasons


def test_a_repeat_is_a_signal_but_button_payloads_are_not(policy) -> None:
    history = [PastTurn("blorp snark", "nlu_fallback", 0.3), PastTurn("my package never arrived where is it",
                                                                        "order_status", 0.9)]
    d = decide(policy, TurnFacts("my package never arrived, where is it?", CALM, "order_status", 0.9,
                                 history=history))
    assert d is not None and REASON in d.reasons
    clicks = [PastTurn("/item_damaged", "item_damaged", 1.0)]
    assert decide(policy, TurnFacts("/item_damaged", CALM, "item_damaged", 1.0, history=clicks)) is None


def test_calm_off_topic_questions_are_understood(policy) -> None:
    history = [PastTurn("what's the weather like", "out_of_scope", 0.9), PastTurn("ok and my order?", "order_status")]
    assert decide(policy, TurnFacts("who won the game last night", CALM, "out_of_scope", 0.9,
                                    history=history)) is None


def test_without_the_intent_the_words_still_count(policy) -> None:
    """What the service tells the bot before Rasa answers (metadata.handoff)."""
    history = [PastTurn("that's not what I asked", "complain", 0.8)]
    facts = TurnFacts("you're not understanding me", CALM, history=history)
    assert understanding_signals(policy, facts) == 2
    assert understanding_signals(policy, facts, current=False) == 1
    assert decide(policy, facts).source == "fallback"


def test_no_agent_after_the_bot_announced_gives_only_the_facts() -> None:
    text = wording.no_agent("bot", announced=True)
    assert "no one from our support team is online" in text.lower()
    assert "bringing in" not in text and "I want a person" not in text
    assert "e-mail" in text and "keep chatting" in text


def test_something_else_is_a_click_not_a_misunderstanding(policy) -> None:
    """The clarifying question's "Something else" button sends /nlu_fallback."""
    history = [PastTurn("blorp snark", "nlu_fallback", 0.3)]
    facts = TurnFacts("/nlu_fallback", CALM, "nlu_fallback", 1.0, history=history)
    assert decide(policy, facts) is None and understanding_signals(policy, facts) == 1
    then = TurnFacts("zzz qqq", CALM, "nlu_fallback", 0.3,
                     history=history + [PastTurn("/nlu_fallback", "nlu_fallback", 1.0)])
    assert REASON in decide(policy, then).reasons, "the next real miss is the second signal"
