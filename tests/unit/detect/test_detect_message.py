"""Message-level signals, each on the real spaCy pipeline and the shipped policy."""

from __future__ import annotations

import pytest


def reasons(finding) -> str:
    return " | ".join(finding.reasons)


def test_calm_faq_is_none(detector):
    for text in ("What payment methods do you accept?", "How long does delivery take to Canada?",
                 "Can I change the colour of my order before it ships?"):
        f = detector.score_message(text)
        assert f.severity == "none", (text, f)
        assert f.score < 0.2 and f.topics == []


def test_negation_through_the_parse(detector):
    calm = detector.score_message("I'm not unhappy with it.")
    assert calm.severity == "none" and calm.signals.get("sentiment", 0) < 0.1
    plain = detector.score_message("I'm unhappy with it.")
    # The parse-aware sentiment carries the difference; the learned heads read n-grams (no
    # parse) and add a little to both, and sentiment weighs 0.5 since they came (was 0.7).
    assert plain.signals["sentiment"] > calm.signals.get("sentiment", 0) + 0.2
    assert plain.score > calm.score + 0.15
    negated = detector.score_message("It's not good at all.")
    assert "'not good'" in reasons(negated)
    assert detector.score_message("I don't hate it").signals.get("anger") is None


def test_modifier_of_an_object_stays_negative(detector):
    f = detector.score_message("I didn't like the terrible service.")
    assert "terrible" in reasons(f) and "not terrible" not in reasons(f)


def test_anger_words_and_negated_anger(detector):
    angry = detector.score_message("This is ridiculous, your service is useless.")
    assert angry.severity != "none" and "angry words" in reasons(angry)
    assert "'ridiculous'" in reasons(angry)
    assert "anger" not in detector.score_message("I'm not angry, just confused.").signals


def test_profanity(detector):
    f = detector.score_message("Where the fuck is my package")
    assert "profanity: 'fuck'" in f.reasons
    assert f.severity != "none"
    assert "profanity" in detector.score_message("this is sh*t").signals


@pytest.mark.parametrize("text, evidence", [
    ("WHERE IS MY ORDER I NEED IT", "ALL CAPS"),
    ("where is my order!!!", "'!!!'"),
    ("where is my order???", "'???'"),
    ("this is sooo slow", "elongated 'sooo'"),
])
def test_intensity_cues(detector, text, evidence):
    f = detector.score_message(text)
    assert any(evidence in r for r in f.reasons), f.reasons


def test_intensity_amplifies_but_does_not_alarm_alone(detector):
    assert detector.score_message("THANK YOU SO MUCH!!!").severity == "none"
    calm = detector.score_message("this is unacceptable")
    loud = detector.score_message("THIS IS UNACCEPTABLE!!!")
    assert loud.score > calm.score
    assert "ALL CAPS and '!!!'" in loud.reasons


def test_allowed_acronyms_are_not_shouting(detector):
    assert "intensity" not in detector.score_message("Is it shipped by UPS or DHL?").signals


def test_escalation_cues(detector):
    f = detector.score_message("This is the third time I ask and nobody answers.")
    assert "escalation" in f.signals
    assert "'the third time'" in reasons(f) and "'nobody answers'" in reasons(f)


def test_urgency(detector):
    f = detector.score_message("I need it by Friday, the party is tomorrow")
    assert "urgency" in f.signals and "time pressure" in reasons(f)


def test_sarcasm_needs_negative_context(detector):
    sarcastic = detector.score_message("Great, just great. Still nothing.")
    assert "sarcasm" in sarcastic.signals
    sincere = detector.score_message("Great job, thank you!")
    assert "sarcasm" not in sincere.signals and sincere.severity == "none"


@pytest.mark.parametrize("text, topic", [
    ("The charger caught fire on my desk.", "safety"),
    ("My daughter had an allergic reaction to the snack box.", "safety"),
    ("There is an unauthorized charge on my card.", "fraud"),
    ("My account was hacked and the e-mail changed.", "account_takeover"),
    ("I will speak to my lawyer about this.", "legal"),
    ("I'm going to file a chargeback.", "chargeback"),
    ("I was charged $1,250 for an order I cancelled.", "large_amount"),
    ("My husband passed away and I need to close his account.", "vulnerable"),
])
def test_high_stakes_topics_are_severe_even_calmly_worded(detector, text, topic):
    f = detector.score_message(text)
    assert topic in f.topics
    assert f.severity == "severe"
    assert f.score >= detector.policy.thresholds.topic_floor


def test_small_amounts_and_casual_words_are_not_high_stakes(detector):
    assert detector.score_message("The shipping was $24.99, is that right?").topics == []
    assert detector.score_message("My heart just melted, thank you").topics == []
    assert detector.score_message("He missed the game with an injury").topics == []


def test_finding_shape(detector):
    d = detector.score_message("If this isn't fixed I'm calling my lawyer and my bank to dispute the charge!").to_dict()
    assert set(d) == {"score", "severity", "reasons", "signals", "topics"}
    assert 0.0 <= d["score"] <= 1.0 and d["severity"] == "severe"
    assert {"legal", "chargeback"} <= set(d["topics"])
    assert d["reasons"][0].startswith(("legal threat", "mentions a chargeback"))


def test_curly_apostrophes_and_empty_text(detector):
    assert detector.score_message("I don\u2019t hate it").signals.get("anger") is None
    empty = detector.score_message("")
    assert empty.severity == "none" and empty.reasons == []
    with pytest.raises(TypeError):
        detector.score_message(None)  # type: ignore[arg-type]


def test_only_sentences_with_a_negation_are_parsed(detector):
    from handoff.detect.message import parse

    doc = parse(detector.nlp, detector.lexicon, "Delivery was quick. I am not happy with the box!")
    deps = {t.text: (t.dep_, t.head.text) for t in doc}
    assert deps["not"] == ("neg", "am") and deps["happy"] == ("acomp", "am")
    assert deps["quick"] == ("ROOT", "quick")  # first sentence left unparsed
    assert not parse(detector.nlp, detector.lexicon, "All good here").has_annotation("DEP")
    f = detector.score_message("Delivery was quick. I am not happy with the box!")
    assert any("'not happy'" in r for r in f.reasons)


def test_problem_reports_add_up_but_stay_calm_alone(detector):
    alone = detector.score_message("My order hasn't arrived yet, can you check?")
    assert "problem: 'hasn't arrived'" in alone.reasons and alone.severity == "none"
    upset = detector.score_message("My order still hasn't arrived after 3 weeks, very disappointed")
    assert upset.severity != "none" and upset.score > alone.score
    assert any("after 3 weeks" in r for r in upset.reasons)


def test_service_complaints_outrank_service_questions(detector):
    complaints = ["I've been on hold for 2 hours, this is the worst customer service ever",
                  "Still no refund after 6 weeks. I've emailed four times.",
                  "You charged my card twice and I want my money back now"]
    questions = ["Hi, I'd like to update my billing address please",
                 "Do you ship to Norway?", "Can I get an invoice for order 1043?"]
    lowest_complaint = min(detector.score_message(t).score for t in complaints)
    highest_question = max(detector.score_message(t).score for t in questions)
    assert lowest_complaint > highest_question + 0.2
