"""Phrasing: validating lines from the phrase bank, and never saying the same thing twice.

Every reply is chosen from several variations; one already said in this conversation (any
bot event whose text contains it) is skipped while an unsaid one remains.
"""

from __future__ import annotations

import random
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from rasa_sdk import Tracker

from common.severity import severity_rank

_rng = random.Random()


def said(tracker: Tracker) -> List[str]:
    """Texts the bot has said so far in this conversation."""
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]


def said_this_turn(tracker: Tracker) -> List[str]:
    """Texts the bot said since the latest user message."""
    texts: List[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            texts.append(event.get("text") or "")
    return texts


def pick(tracker: Tracker, options: Sequence[str], also_said: Iterable[str] = (), **fields: Any) -> str:
    """One of ``options`` (formatted with ``fields``) not yet said, at random.

    Args:
        also_said: texts this action already queued in this run.
    """
    if not options:
        raise ValueError("pick() needs at least one option")
    history = said(tracker) + list(also_said)
    rendered = [option.format(**fields) for option in options]
    fresh = [text for text in rendered if not any(text in old for old in history)]
    return _rng.choice(fresh or rendered)


def is_negative(bank: Mapping[str, Any], intent: Optional[str], severity: str = "none") -> bool:
    """Whether this turn calls for validation first."""
    return severity_rank(severity) > 0 or intent in (bank.get("negative_intents") or [])


def all_validating_phrases(bank: Mapping[str, Any]) -> List[str]:
    situations: Dict[str, List[str]] = bank.get("situations") or {}
    return [p for phrases in situations.values() for p in phrases or []]


def validated_this_turn(tracker: Tracker, bank: Mapping[str, Any]) -> bool:
    """True when a validating phrase was already said since the latest user message."""
    phrases = all_validating_phrases(bank)
    return any(p in text for text in said_this_turn(tracker) for p in phrases)


# A situation validated this recently is still the same moment (the customer is answering our
# questions about it: which order, which e-mail), so it is not validated again.
RECENT_TURNS = 3


def said_last_turns(tracker: Tracker, turns: int = RECENT_TURNS) -> List[str]:
    """Texts the bot said in its ``turns`` previous turns (before the latest user message)."""
    texts: List[str] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > turns:
                break
        elif event.get("event") == "bot" and users >= 1:
            texts.append(event.get("text") or "")
    return texts


def validated_recently(tracker: Tracker, bank: Mapping[str, Any], situation: str) -> bool:
    """True when one of the bot's recent turns already validated ``situation`` (or with a severe line)."""
    situations = bank.get("situations") or {}
    phrases = list(situations.get(situation) or []) + list(situations.get("severe") or [])
    return any(p in text for text in said_last_turns(tracker) for p in phrases)


def validating_line(tracker: Tracker, bank: Mapping[str, Any], situation: str) -> Optional[str]:
    """A validating phrase for ``situation`` not yet used in this conversation.

    None when every phrase of the situation (and of ``general``) was already said: a phrase
    said twice in one conversation sounds like a script, so no line beats a repeated one.
    """
    situations = bank.get("situations") or {}
    history = said(tracker)
    for name in (situation, "general"):
        fresh = [p for p in situations.get(name) or [] if not any(p in old for old in history)]
        if fresh:
            return _rng.choice(fresh)
    return None


_LEADING_POSSESSIVE = re.compile(r"^(his|her|their)\s+", re.I)
_THIRD_PERSON = re.compile(r"\b(he|she|him|his|her|hers|they|them|their|theirs|customer|client)\b", re.I)


def for_the_customer(note: Optional[str]) -> Optional[str]:
    """A store note (written by staff, about the customer) in words addressed to the customer.

    ``"his mother's 60th birthday"`` -> ``"your mother's 60th birthday"``; a note that still
    speaks of someone in the third person after that is never read out (None).
    """
    text = (note or "").strip()
    if not text:
        return None
    text = _LEADING_POSSESSIVE.sub("your ", text, count=1)
    return None if _THIRD_PERSON.search(text) else text
