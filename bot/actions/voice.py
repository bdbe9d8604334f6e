"""Phrasing: validating lines from the phrase bank, and never saying the same thing twice.

Every reply is chosen from several variations; one already said in this conversation (any
bot event whose text contains it) is skipped while an unsaid one remains.
"""

from __future__ import annotations

import random
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


def validating_line(tracker: Tracker, bank: Mapping[str, Any], situation: str) -> str:
    """A validating phrase for ``situation`` not yet used in this conversation."""
    situations = bank.get("situations") or {}
    options = situations.get(situation) or situations.get("general") or []
    if not options:
        return "That sounds really frustrating, and you're right to raise it."
    return pick(tracker, options)
