"""Tone checks for everything the bot and the console say from designers' files.

Loads domain.yml and policy/phrase_bank.yml and fails on the brief's banned phrases
(the list lives in policy/tone.yml, shared with ``make lint-tone``), on responses with too
few variations, and on a malformed phrase bank.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

#: From the domain brief: toxic positivity, hiding behind policy, commanding, blaming (at least these).
BRIEF_BANNED = ("look on the bright side", "have a great day", "policy prevents", "you need to", "unfortunately",
                "calm down", "your fault")
SITUATIONS = ("late_delivery", "damaged", "wrong_item", "billing", "confusion",
              "account_access", "general", "severe")
MIN_VARIATIONS = 3


def _load(name: str) -> Dict[str, Any]:
    with open(ROOT / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def domain() -> Dict[str, Any]:
    return _load("domain.yml")


@pytest.fixture(scope="module")
def bank() -> Dict[str, Any]:
    return _load("policy/phrase_bank.yml")


def _response_texts(domain: Dict[str, Any]) -> Iterator[Tuple[str, str]]:
    for name, variations in domain["responses"].items():
        for variation in variations:
            yield name, variation.get("text", "")
            for button in variation.get("buttons") or []:
                yield name, button["title"]


def _bank_texts(bank: Dict[str, Any]) -> Iterator[Tuple[str, str]]:
    for section in ("situations", "agent_replies"):
        for situation, phrases in bank[section].items():
            for phrase in phrases:
                yield f"{section}.{situation}", phrase


def find_banned(text: str) -> List[str]:
    """Banned phrases in ``text``, case-insensitive, whole words only (policy/tone.yml's rule)."""
    from insights.voice import load_rules

    return [phrase for phrase, _ in load_rules(ROOT / "policy").banned_in(text)]


def test_tone_rules_ban_at_least_the_briefs_phrases() -> None:
    from insights.voice import load_rules

    assert set(BRIEF_BANNED) <= {phrase for phrase, _, _ in load_rules(ROOT / "policy").banned}


@pytest.mark.parametrize("text,expected", [
    ("Unfortunately we can't.", ["unfortunately"]),
    ("You NEED   to reset it", ["you need to"]),
    ("Our policy prevents that", ["policy prevents"]),
    ("Have a great day!", ["have a great day"]),
    ("Let's fix it together.", []),
])
def test_find_banned_detects_variants(text: str, expected: List[str]) -> None:
    assert find_banned(text) == expected


def test_no_banned_phrases_in_responses(domain: Dict[str, Any]) -> None:
    offenders = [(name, text, find_banned(text)) for name, text in _response_texts(domain) if find_banned(text)]
    assert offenders == []


def test_no_banned_phrases_in_phrase_bank(bank: Dict[str, Any]) -> None:
    offenders = [(where, text, find_banned(text)) for where, text in _bank_texts(bank) if find_banned(text)]
    assert offenders == []


def test_every_response_has_enough_distinct_variations(domain: Dict[str, Any]) -> None:
    thin = {}
    for name, variations in domain["responses"].items():
        distinct = {v.get("text", "").strip() for v in variations}
        if len(distinct) < MIN_VARIATIONS:
            thin[name] = len(distinct)
    assert thin == {}


def test_responses_only_use_known_slots(domain: Dict[str, Any]) -> None:
    slots = set(domain["slots"])
    unknown = {
        (name, field)
        for name, text in _response_texts(domain)
        for _, field, _, _ in string.Formatter().parse(text)
        if field and field not in slots
    }
    assert unknown == set()


def test_phrase_bank_has_every_situation_with_variety(bank: Dict[str, Any]) -> None:
    for situation in SITUATIONS:
        phrases = bank["situations"].get(situation) or []
        assert len(set(phrases)) >= MIN_VARIATIONS, situation
        replies = bank["agent_replies"].get(situation) or []
        assert len(set(replies)) >= MIN_VARIATIONS, situation


def test_phrase_bank_maps_known_intents_to_known_situations(bank: Dict[str, Any], domain: Dict[str, Any]) -> None:
    intents = set(domain["intents"]) | {"nlu_fallback"}
    assert set(bank["intents"]) <= intents
    assert set(bank["intents"].values()) <= set(bank["situations"])
    assert set(bank["negative_intents"]) <= intents
    assert {"delivery_late", "item_damaged", "wrong_item", "billing_issue", "complain",
            "account_access"} <= set(bank["negative_intents"])


def test_agent_replies_only_use_name_and_order(bank: Dict[str, Any]) -> None:
    for where, text in _bank_texts(bank):
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        assert fields <= {"name", "order"}, (where, text)
        if where.startswith("situations."):
            assert not fields, (where, text)
