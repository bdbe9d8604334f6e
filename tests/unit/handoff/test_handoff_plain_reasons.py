"""Issue 12: the reasons agents read are worded for people, not detector internals; the
detector itself (its reasons, its CLI) is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.service.plain_reasons import ReasonWording, for_agents, load_reason_wording, plain, plain_all

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def wording() -> ReasonWording:
    return load_reason_wording(ROOT / "policy" / "reasons.yml")


@pytest.mark.parametrize("reason,expected", [
    ("elongated 'BBB'", "stretched words"),
    ("ALL CAPS", "wrote in capitals"),
    ("ALL CAPS, '!!!' and elongated 'sooo'",
     "wrote in capitals, used lots of exclamation marks and stretched words"),
    ("'??'", "used repeated question marks"),
    ("the wording reads as angry (learned model, 0.87): 'ridiculous'", "sounds angry: 'ridiculous'"),
    ("the wording reads as negative (learned model, 0.41)", "sounds negative"),
    ("negative tone: 'useless' and 'broken'", "sounds unhappy: 'useless' and 'broken'"),
    ("escalation: 'bbb'", "talks of taking it further: 'bbb'"),
    ("2nd time saying the same thing", "said the same thing for the 2nd time"),
    ("2 misunderstood messages in a row", "the assistant misunderstood 2 messages in a row"),
])
def test_detector_reasons_are_worded_for_people(wording, reason, expected):
    assert plain(reason, wording) == expected


@pytest.mark.parametrize("reason", [
    "mentions a chargeback: 'chargeback'",  # already plain
    "You asked to talk to a person",  # the bot's own handoff reason
    "ALL CAPS and something new",  # a piece no rule knows: shown as it is, never half-translated
])
def test_other_reasons_are_shown_as_they_are(wording, reason):
    assert plain(reason, wording) == reason


def test_repeats_collapse_and_order_is_kept(wording):
    assert plain_all(["elongated 'sooo'", "legal threat: 'lawyer'", "elongated 'BBB'"], wording) == [
        "stretched words", "legal threat: 'lawyer'"]


def test_live_messages_get_the_same_wording(wording):
    message = {"seq": 3, "detection": {"score": 0.7, "reasons": ["elongated 'BBB'"]}}
    assert for_agents(message, wording)["detection"]["reasons"] == ["stretched words"]
    assert message["detection"]["reasons"] == ["elongated 'BBB'"]  # the stored finding is untouched


def test_a_missing_file_words_nothing(tmp_path):
    assert plain("elongated 'BBB'", load_reason_wording(tmp_path / "none.yml")) == "elongated 'BBB'"

