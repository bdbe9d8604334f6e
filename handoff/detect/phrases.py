"""Designer-friendly phrase lists compiled into one fast regular expression each.

Syntax (see policy/detector.yml): lower-case words separated by spaces match any run of
spaces or punctuation; a ``*`` inside or at the end of a word matches any letters; an entry
starting with ``re:`` is a raw, case-insensitive regular expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Pattern, Sequence, Tuple

RAW_PREFIX = "re:"
_JOINER = r"[\W_]+"


class PhraseError(ValueError):
    """A phrase in the policy cannot be compiled."""


def _word_pattern(word: str) -> str:
    parts = [re.escape(piece) for piece in word.split("*")]
    return r"[\w*]*".join(parts)


def _plain_body(phrase: str) -> str:
    words = phrase.lower().split()
    if not words:
        raise PhraseError("empty phrase")
    return _JOINER.join(_word_pattern(w) for w in words)


def _grouped(plain: Sequence[str]) -> str:
    """One alternation per first character: the engine tries only phrases that can start
    at a word (~6x faster than one flat alternation of hundreds of phrases)."""
    groups: Dict[str, List[str]] = {}
    loose: List[str] = []
    for phrase in sorted(set(plain), key=len, reverse=True):
        body = _plain_body(phrase)
        head = re.escape(phrase.lower()[0])
        if phrase[0] != "*" and body.startswith(head):
            groups.setdefault(head, []).append(body[len(head):] or "")
        else:
            loose.append(body)
    alternatives = [f"{head}(?:{'|'.join(rests)})" for head, rests in groups.items()] + loose
    return r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"


def phrase_pattern(phrase: str) -> str:
    """Regular expression (without flags) for one policy phrase."""
    if phrase.startswith(RAW_PREFIX):
        body = phrase[len(RAW_PREFIX):]
        try:
            re.compile(body)
        except re.error as exc:
            raise PhraseError(f"bad regular expression {body!r}: {exc}") from exc
        return body
    return r"(?<!\w)" + _plain_body(phrase) + r"(?!\w)"


@dataclass(frozen=True)
class Match:
    """A phrase found in a message: its character span and the words as written."""

    start: int
    end: int
    text: str


class PhraseSet:
    """A list of phrases searched in one pass (case-insensitive)."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self.phrases: Tuple[str, ...] = tuple(str(p) for p in phrases)
        plain = [p for p in self.phrases if not p.startswith(RAW_PREFIX)]
        parts = [_grouped(plain)] if plain else []
        parts += [f"(?:{phrase_pattern(p)})" for p in self.phrases if p.startswith(RAW_PREFIX)]
        self._regex: Optional[Pattern[str]] = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def __bool__(self) -> bool:
        return self._regex is not None

    def find(self, text: str) -> List[Match]:
        """All non-overlapping matches, left to right."""
        if self._regex is None:
            return []
        return [Match(m.start(), m.end(), m.group(0)) for m in self._regex.finditer(text)]
