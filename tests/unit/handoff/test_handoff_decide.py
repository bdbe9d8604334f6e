"""The handoff policy on single turns."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.policy import load_handoff_policy
from handoff.service.decide import PastTurn, TurnFacts, decide, high_stakes_topics

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def policy():
    return load_handoff_policy(ROOT / "policy" / "handoff.yml")


@pytest.fixture(scope="module")
def detector():
    from handoff.detect import Detector

    return Detector.load()


CALM = {"score": 0.05, "severity": "none", "reasons": [], "topics": []}


def test_calm_routine_question_stays_with_the_bot(policy) -> None:
    assert decide(policy, TurnFacts("where is my order 1042?", CALM, "order_status", 0.97)) is None
    assert decide(policy, TurnFacts("what is your refund policy?", CALM, "faq", 0.91)) is None
    assert decide(policy, TurnFacts("can I pay with a credit card?", CALM, "faq", 0.9)) is None


def test_request_human_hands_off_at_once(policy) -> None:
    d = decide(policy, TurnFacts("can I talk to a person", CALM, "request_human", 0.93))
    assert d is not None and d.source == "customer" and d.severity == "elevated"


def test_request_human_with_low_confidence_is_not_enough(policy) -> None:
    assert decide(policy, TurnFacts("person", CALM, "request_human", 0.2)) is None


def test_severe_finding_means_now(policy) -> None:
    finding = {"score": 0.93, "severity": "severe", "reasons": ["swears at us"], "topics": []}
    d = decide(policy, TurnFacts("this is f***ing useless", finding, "complain", 0.8))
    assert d.source == "detector" and d.severity == "severe" and "swears at us" in d.reasons[0]


@pytest.mark.parametrize("text,topic", [
    ("I'm going to file a chargeback", "chargeback"),
    ("I will call my bank and dispute the charge", "chargeback"),
    ("if it isn't here tomorrow I'm disputing the charge with my bank", "chargeback"),
    ("my lawyer will hear about this", "legal"),
    ("someone logged into my account and changed my email", "account_takeover"),
    ("the charger caught fire", "safety"),
    ("there's an unauthorized charge on my card", "fraud"),
])
def test_high_stakes_patterns_hand_off_as_severe(policy, detector, text, topic) -> None:
    # Topics are the detector's to find: the finding is the real detector's.
    finding = detector.score_message(text).to_dict()
    d = decide(policy, TurnFacts(text, finding, "billing_issue", 0.9))
    assert d is not None and d.source == "high_stakes" and d.severity == "severe"
    assert topic.replace("_", " ") in d.reasons[0]


def test_detector_topics_count_as_high_stakes(policy) -> None:
    finding = {"score": 0.7, "severity": "severe", "reasons": ["mentions fraud"], "topics": ["fraud"]}
    assert decide(policy, TurnFacts("hmm", finding)).source == "high_stakes"


def test_only_the_policys_topics_are_high_stakes(policy) -> None:
    finding = {"score": 0.85, "severity": "severe", "reasons": ["vulnerable customer"],
               "topics": ["vulnerable", "legal"]}
    assert high_stakes_topics(policy, finding) == ["legal"]
    vulnerable = {**finding, "topics": ["vulnerable"]}
    d = decide(policy, TurnFacts("my mother passed away", vulnerable))
    assert d.source == "detector" and high_stakes_topics(policy, vulnerable) == []


def test_repeats_are_the_detectors_rule(policy) -> None:
    """decide counts repeats with the detector's similarity (one rule, policy/detector.yml)."""
    from handoff.detect import conversation
    from handoff.detect.policy import load_detector_policy

    assert policy.conversation == load_detector_policy().conversation
    text = "my package never arrived where is it"
    assert conversation.repeat_count(text, [text, "my package never arrived, where is it?"],
                                     policy.conversation) == 2
    assert conversation.repeat_count("yes", ["yes", "yes"], policy.conversation) == 0


def test_bot_request_is_honoured(policy) -> None:
    d = decide(policy, TurnFacts("the vase is broken again", CALM, "item_damaged", 0.9,
                                 bot_requests=[{"reason": "second replacement on one order", "severity": "elevated"}]))
    assert d.source == "bot" and "second replacement" in d.reasons[0]


def test_fallback_streak(policy) -> None:
    history = [PastTurn("blorp", "nlu_fallback", 0.3)]
    assert decide(policy, TurnFacts("zzz qqq", CALM, "nlu_fallback", 0.2, history=history)).source == "fallback"
    assert decide(policy, TurnFacts("zzz qqq", CALM, "nlu_fallback", 0.2)) is None


def test_repeating_oneself_three_times(policy) -> None:
    text = "my package never arrived where is it"
    one = [PastTurn(text, "order_status", 0.9)]
    assert decide(policy, TurnFacts(text, CALM, "order_status", 0.9, history=one)) is None
    two = one + [PastTurn("my package never arrived, where is it?", "order_status", 0.9)]
    d = decide(policy, TurnFacts(text, CALM, "order_status", 0.9, history=two))
    assert d.source == "fallback" and "3 times" in d.reasons[0]


def test_short_repeats_like_yes_do_not_count(policy) -> None:
    history = [PastTurn("yes", "affirm", 0.99), PastTurn("yes", "affirm", 0.99)]
    assert decide(policy, TurnFacts("yes", CALM, "affirm", 0.99, history=history)) is None


def test_elevated_streak(policy) -> None:
    elevated = {"score": 0.5, "severity": "elevated", "reasons": ["third message about order 1042"], "topics": []}
    assert decide(policy, TurnFacts("still nothing", elevated, "delivery_late", 0.9)) is None
    history = [PastTurn("it is late", "delivery_late", 0.9, "elevated")]
    d = decide(policy, TurnFacts("still nothing", elevated, "delivery_late", 0.9, history=history))
    assert d.source == "detector" and "third message about order 1042" in d.reasons[0]


@pytest.mark.parametrize("text", [
    "I got the wrong colour and I want to talk to a person",
    "it's three days late, let me speak with someone please",
    "can you transfer me to your supervisor",
    "I need a real person, not a bot",
    "agent please",
    "is there a human I can talk to?",
])
def test_explicit_ask_for_a_person_hands_off_whatever_the_intent(policy, text) -> None:
    d = decide(policy, TurnFacts(text, CALM, "wrong_item", 0.88))
    assert d is not None and d.source == "customer"


@pytest.mark.parametrize("text", [
    "are you a real person?",
    "the delivery person left it at the wrong door",
    "I was talking to my partner about the order",
    "can I change the person who receives the parcel?",
])
def test_words_about_people_are_not_a_request(policy, text) -> None:
    assert decide(policy, TurnFacts(text, CALM, "order_status", 0.9)) is None
