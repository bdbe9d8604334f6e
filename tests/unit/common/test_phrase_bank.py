"""The one situation rule, shared by the bot's validating opener and the agent console."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.phrase_bank import conversation_situation, load_phrase_bank, situation_for

ROOT = Path(__file__).resolve().parents[3]
BANK = {
    "situations": {"late_delivery": ["a"], "billing": ["b"], "severe": ["c"], "general": ["d"]},
    "intents": {"delivery_late": "late_delivery", "billing_issue": "billing", "odd": "not_a_situation"},
}


@pytest.mark.parametrize("intents,severity,expected", [
    (["delivery_late"], "none", "late_delivery"),
    (["billing_issue", "delivery_late"], "none", "late_delivery"),  # the latest mapped intent
    (["delivery_late", "greet", None], "none", "late_delivery"),  # unmapped ones are skipped
    (["delivery_late"], "severe", "late_delivery"),  # an intent beats severity
    (["greet"], "severe", "severe"),
    (["greet"], "elevated", "general"),
    (["odd"], "none", "general"),  # mapped to an unknown situation
    ([], "none", "general"),
])
def test_situation_for(intents, severity, expected):
    assert situation_for(BANK, intents, severity) == expected


def test_severe_needs_the_bank_to_have_it():
    assert situation_for({"situations": {"general": ["x"]}}, [], "severe") == "general"


def test_the_designers_bank_loads_and_maps(tmp_path):
    bank = load_phrase_bank(ROOT / "policy" / "phrase_bank.yml")
    assert situation_for(bank, ["item_damaged"]) == "damaged"
    assert load_phrase_bank(tmp_path / "missing.yml") == {}
    (tmp_path / "list.yml").write_text("- a\n- b\n", encoding="utf-8")
    assert load_phrase_bank(tmp_path / "list.yml") == {}


def test_the_service_and_the_bot_use_this_rule():
    """One home: neither side keeps its own copy."""
    from bot.actions import voice
    from handoff.service import views

    assert views.conversation_situation is conversation_situation
    assert not hasattr(voice, "situation_for")


@pytest.mark.parametrize("intents,severity,expected", [
    (["delivery_late", "request_human"], "none", "late_delivery"),  # a later general intent hides nothing
    (["billing_issue", "delivery_late"], "none", "late_delivery"),
    (["request_human"], "none", "general"),
    (["greet"], "severe", "severe"),
    ([], "none", "general"),
])
def test_conversation_situation_keeps_the_specific_one(intents, severity, expected):
    bank = {**BANK, "intents": {**BANK["intents"], "request_human": "general"}}
    assert conversation_situation(bank, intents, severity) == expected
