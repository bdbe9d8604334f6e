"""The designers' phrase bank (``policy/phrase_bank.yml``) and its one situation rule.

The bot's validating opener and the agent console's suggested replies both ask
:func:`situation_for`; this module needs only PyYAML, so the action server and the handoff
service can import it without pulling in each other's frameworks.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Union

import yaml

GENERAL = "general"
SEVERE = "severe"


def load_phrase_bank(path: Union[str, Path]) -> Dict[str, Any]:
    """The phrase bank as a mapping (empty when the file is absent or not a mapping)."""
    path = Path(path)
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    return raw if isinstance(raw, dict) else {}


def situation_for(bank: Mapping[str, Any], intents: Sequence[Optional[str]], severity: str = "none") -> str:
    """The situation of the latest intent the bank maps to a known situation.

    Args:
        intents: the customer's intents, oldest first (one for the bot's current turn,
            the last few for the console).
        severity: the conversation's; ``severe`` is the situation only when no intent maps.

    Returns:
        A key of ``bank["situations"]``: the mapped one, else ``severe`` (when severe and the
        bank has it), else ``general``.
    """
    mapping = bank.get("intents") or {}
    known = bank.get("situations") or {}
    for intent in reversed(list(intents)):
        situation = mapping.get(intent or "")
        if situation in known:
            return str(situation)
    return SEVERE if severity == SEVERE and SEVERE in known else GENERAL


def conversation_situation(bank: Mapping[str, Any], intents: Sequence[Optional[str]], severity: str = "none") -> str:
    """The situation a whole conversation is about, for the agent's suggestions.

    Like :func:`situation_for`, but a later intent that maps only to ``general`` (e.g.
    ``request_human`` after ``delivery_late``) does not hide an earlier specific one: the
    late delivery still matters.
    """
    mapping = bank.get("intents") or {}
    known = bank.get("situations") or {}
    for intent in reversed(list(intents)):
        situation = mapping.get(intent or "")
        if situation in known and situation != GENERAL:
            return str(situation)
    return situation_for(bank, intents, severity)


def attachment_thanks(bank: Mapping[str, Any], intents: Sequence[Optional[str]], kind: str,
                      choose: Callable[[Sequence[str]], str] = random.choice) -> str:
    """The assistant's thanks for a photo (``kind`` ``image``) or document, fitted to the situation.

    The situation is :func:`situation_for` of the customer's intents; a situation with no
    thanks of its own uses ``general`` (and an empty bank a plain line).
    """
    thanks = bank.get("attachment_thanks") or {}
    lines = thanks.get(situation_for(bank, intents)) or thanks.get(GENERAL) or ["Thank you for the {what}, that helps."]
    return str(choose([str(line) for line in lines])).replace("{what}", "photo" if kind == "image" else "document")
