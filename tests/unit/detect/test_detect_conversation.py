"""Conversation-level scenarios from the brief and the domain reference."""

from __future__ import annotations

from handoff.detect import Turn
from handoff.detect.conversation import ordinal, similarity

BIRTHDAY = ("I'm so frustrated! I paid for overnight shipping for a birthday gift, and it's "
            "three days late. The party is tomorrow and I have nothing to give.")


def test_late_birthday_gift_is_elevated_with_reasons(detector):
    f = detector.score_turn(BIRTHDAY, [Turn("Hi, where is my order #1042?", "order_status", 0.93)])
    assert f.severity == "elevated", f
    assert any("frustrated" in r for r in f.reasons)
    assert any(r.startswith("time pressure") and "party is tomorrow" in r for r in f.reasons)
    assert f.topics == []


def test_legal_or_chargeback_threat_is_severe(detector):
    for text in ("If I don't get my money back I'll have my lawyer sue you.",
                 "Fine. I'm calling my bank to do a chargeback."):
        f = detector.score_turn(text, [Turn("my refund never came", "refund_status", 0.9)])
        assert f.severity == "severe", (text, f)
        assert set(f.topics) & {"legal", "chargeback"}
        assert f.reasons[0].startswith(("legal threat", "mentions a chargeback"))


def test_fire_or_injury_is_severe_even_calmly_worded(detector):
    f = detector.score_turn("Hello. The lamp I bought caught fire and my son burned his hand. "
                            "He is fine now, thank you.")
    assert f.severity == "severe" and "safety" in f.topics
    assert any(r.startswith("safety issue") for r in f.reasons)


def test_calm_faq_is_none(detector):
    history = [Turn("Hi", "greet", 0.99)]
    f = detector.score_turn("What is your return policy?", history)
    assert f.severity == "none" and f.reasons == []


def test_not_unhappy_is_not_negative(detector):
    f = detector.score_turn("I'm not unhappy with it, I'd just like a different size.")
    assert f.severity == "none"
    assert f.signals.get("sentiment", 0.0) < 0.1


def test_great_just_great_third_time_is_elevated(detector):
    f = detector.score_turn("great, just great, third time")
    assert f.severity == "elevated", f
    assert any(r.startswith("sarcasm") for r in f.reasons)
    assert any("third time" in r for r in f.reasons)


def test_same_question_three_times_with_fallbacks_is_severe(detector):
    q = "how do I connect the shopify thing"
    history = [Turn(q, "nlu_fallback", 0.31), Turn(q + "?", "nlu_fallback", 0.28)]
    f = detector.score_turn(q, history)
    assert f.severity == "severe", f
    assert "2 misunderstood messages in a row" in f.reasons
    assert "third time saying the same thing" in f.reasons
    # The same message with no history is calm: the severity comes from the conversation.
    assert detector.score_turn(q).severity == "none"


def test_low_confidence_counts_as_misunderstood(detector):
    history = [Turn("abc", "order_status", 0.2), Turn("xyz", "faq/shipping_options", 0.3)]
    f = detector.score_turn("hello?", history)
    assert "fallback" in f.signals
    assert detector.score_turn("hello?", [history[0]]).signals.get("fallback") is None


def test_third_message_about_the_same_order(detector):
    history = [Turn("where is order 1042", "order_status", 0.9),
               Turn("any news on #1042", "order_status", 0.9)]
    f = detector.score_turn("what about my order #1042", history)
    assert "third message about order #1042" in f.reasons
    assert f.severity != "none"
    g = detector.score_turn("and now?", history, order_numbers=["1042"])
    assert "third message about order #1042" in g.reasons


def test_same_intent_streak(detector):
    history = [Turn("my parcel is late", "delivery_late", 0.9),
               Turn("it still has not arrived", "delivery_late", 0.9)]
    f = detector.score_turn("any update", history)
    assert "2 earlier messages in a row about delivery late" in f.reasons


def test_negativity_trend(detector):
    history = [Turn("hi, where is my order", "order_status", 0.9),
               Turn("it's late and that's annoying", "delivery_late", 0.9)]
    f = detector.score_turn("this is ridiculous, useless service, I'm furious", history)
    assert "trend" in f.signals
    assert any(r.startswith("getting more upset") for r in f.reasons)


def test_waiting_time(detector):
    assert detector.score_turn("hello?", waiting_s=30).signals.get("waiting") is None
    f = detector.score_turn("hello?", waiting_s=600)
    assert "waited 10 min" in f.reasons and f.severity != "none"


def test_customer_value_boosts_only_frustrated_customers(detector):
    calm = detector.score_turn("What is your return policy?", customer_value=12480)
    assert "value" not in calm.signals and calm.severity == "none"
    text = "This is unacceptable, the order is late again"
    plain = detector.score_turn(text, customer_value=0)
    vip = detector.score_turn(text, customer_value=12480)
    assert vip.score > plain.score
    assert "high-value customer ($12,480)" in vip.reasons


def test_history_findings_are_reused(detector):
    sentinel = detector.score_message("I'm furious, this is a joke!!!")
    history = [Turn("x", "order_status", 0.9, sentinel), Turn("y", "order_status", 0.9, sentinel)]
    f = detector.score_turn("ok", history)
    assert "trend" not in f.signals  # falling, not rising


def test_helpers():
    assert [ordinal(n) for n in (1, 3, 7, 11, 22)] == ["first", "third", "7th", "11th", "22nd"]
    assert similarity("Where is my order?", "where is my order") == 1.0
    assert similarity("", "anything") == 0.0
