"""Sentiment lexicon, negations and boosters: VADER's published data, nothing re-typed.

VADER's human-rated lexicon (7,500 words and emoticons), negation words and booster words
come from the ``vaderSentiment`` package; emoji valences from ``asent``'s packaged emoji
lexicon (read as a file: importing ``asent`` itself loads 80 languages, ~0.7 s).
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable


@dataclass(frozen=True)
class Lexicon:
    """Word -> valence (-4..4), negation words, booster word -> scalar."""

    valence: Dict[str, float]
    negations: FrozenSet[str]
    intensifiers: Dict[str, float]


def read_valences(path: Path) -> Dict[str, float]:
    """A VADER-format lexicon: ``token<TAB>mean valence<TAB>...`` per line."""
    valence: Dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                valence[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return valence


def _asent_emoji() -> Dict[str, float]:
    spec = importlib.util.find_spec("asent")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(list(spec.submodule_search_locations)[0]) / "lexicons" / "emoji_v1.json"
    if not path.is_file():
        return {}
    return {k: float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


@lru_cache(maxsize=4)
def _packaged() -> Lexicon:
    from vaderSentiment import vaderSentiment as vader

    valence = read_valences(Path(vader.__file__).parent / "vader_lexicon.txt")
    valence.update(_asent_emoji())
    negations = frozenset(w.lower() for w in vader.NEGATE) | {"n't", "nt"}
    return Lexicon(valence, negations, dict(vader.BOOSTER_DICT))


def load_lexicon(extra_negations: Iterable[str] = ()) -> Lexicon:
    """The packaged lexicon plus the policy's extra negation words (cached)."""
    base = _packaged()
    extra = frozenset(w.lower() for w in extra_negations)
    if extra <= base.negations:
        return base
    return Lexicon(base.valence, base.negations | extra, base.intensifiers)
