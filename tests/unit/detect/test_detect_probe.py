"""Our own customer-service probe set (not a public benchmark): a guard for generality.

tests/unit/detect/data/service_probe.tsv holds airline, bank, telecom, retail and SaaS
messages written in the styles of real complaints, labelled severe / elevated / calm.
"""

from __future__ import annotations

from pathlib import Path

PROBE = Path(__file__).parent / "data" / "service_probe.tsv"


def load_probe():
    rows = []
    for line in PROBE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line == "text\tlabel":
            continue
        text, _, label = line.rpartition("\t")
        assert label in ("severe", "elevated", "calm"), line
        rows.append((text, label))
    return rows


def test_probe_set_is_balanced_enough():
    labels = [label for _, label in load_probe()]
    assert len(labels) >= 140
    assert min(labels.count(x) for x in ("severe", "elevated", "calm")) >= 40


def test_no_calm_message_is_rated_severe(detector):
    severe = [text for text, label in load_probe()
              if label == "calm" and detector.score_message(text).severity == "severe"]
    assert severe == []


def test_severe_recall_at_least_0_8(detector):
    severe = [text for text, label in load_probe() if label == "severe"]
    missed = [t for t in severe if detector.score_message(t).severity != "severe"]
    assert 1 - len(missed) / len(severe) >= 0.8, missed


def test_calm_routine_questions_with_negative_words_stay_below_severe(detector):
    for text in ("Hi, can I cancel my order?", "My package is late, when will it arrive?",
                 "How do I dispute a transaction in the app? Just want to know where the option is."):
        assert detector.score_message(text).severity != "severe", text


def test_hostility_aimed_at_the_company_is_named(detector):
    f = detector.score_message("Your useless company cancelled my order without telling me.")
    assert any("aimed at the company" in r for r in f.reasons), f.reasons
    plain = detector.score_message("This useless umbrella broke in the wind.")
    assert "directed" not in plain.signals


def test_complaint_structures_count_as_escalation(detector):
    for text, evidence in (("I've called five times about this", "called five times"),
                           ("It's been two weeks and nothing", "been two weeks"),
                           ("Nobody at the desk will help me", "will help")):
        f = detector.score_message(text)
        assert "escalation" in f.signals and evidence in " ".join(f.reasons), (text, f.reasons)
