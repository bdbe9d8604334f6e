"""Lexicon sentiment with negation read from the dependency parse.

VADER's valences with its boosters, ALL-CAPS emphasis and "but" weighting, but a word is
negated when the parse says so ("I'm not unhappy with it": ``not`` hangs off the copula
that ``unhappy`` completes), not merely when a negation is within three words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import AbstractSet, Any, FrozenSet, Iterable, List, Optional, Sequence

from handoff.detect.lexicon import Lexicon

NEGATION_SCALAR = -0.74       # Hutto & Gilbert (2014), as in asent/VADER
CAPS_INCREMENT = 0.733
BOOSTER_DAMPING = (1.0, 0.95, 0.90)
BEFORE_BUT, AFTER_BUT = 0.5, 1.5
# A word inherits the negation of the clause it completes: "is not good", "don't think it's
# good", "not a good product" (amod of a predicate nominal), "don't have complaints" (object).
# Modifiers of an object do not: "didn't like the terrible service" stays negative.
_FIRST_STEP = frozenset({"acomp", "attr", "xcomp", "oprd", "advmod", "dobj"})
_CLIMB = frozenset({"acomp", "attr", "xcomp", "oprd"})
# A clausal complement inherits negation only from verbs that raise it ("don't think").
_NEG_RAISERS = frozenset({"think", "thinks", "thought", "believe", "believes", "feel", "feels",
                          "expect", "expects", "suppose", "imagine", "reckon", "guess"})
_PREDICATE = frozenset({"attr", "acomp", "oprd"})
_NEGATOR_DEPS = frozenset({"neg", "det", "advmod", "nsubj", "nsubjpass", "preconj", "dobj"})


@dataclass(frozen=True)
class Polarity:
    """One sentiment-bearing token after boosters, emphasis and negation."""

    index: int
    value: float
    text: str
    negator: Optional[str]


def needs_parse(doc: Any, lexicon: Lexicon) -> bool:
    """Whether the message has a negation word the parse must attach."""
    negations = lexicon.negations
    return any(t.lower_ in negations or t.norm_ == "not" for t in doc)


def negator_of(token: Any, negations: Iterable[str]) -> Optional[Any]:
    """The negation word governing ``token`` in the parse, or None (unparsed docs: None)."""
    if not token.doc.has_annotation("DEP"):
        return None
    node = token
    for step in range(4):
        for child in node.children:
            if child.dep_ == "neg" or (child.dep_ in _NEGATOR_DEPS and child.lower_ in negations):
                if child.i < token.i:  # negation scopes rightwards: "definitely not X"
                    return child
        if node.head is node:
            break
        if node.dep_ == "ccomp":
            climbs = node.head.lower_ in _NEG_RAISERS
        elif step == 0:
            climbs = node.dep_ in _FIRST_STEP or (node.dep_ == "amod" and node.head.dep_ in _PREDICATE)
        else:
            climbs = node.dep_ in _CLIMB
        if not climbs:
            break
        node = node.head
    return None


def token_polarities(doc: Any, lexicon: Lexicon, *, ignore: FrozenSet[str] = frozenset(),
                     discount: FrozenSet[str] = frozenset(),
                     discount_factor: float = 1.0) -> List[Polarity]:
    """Polarity of every sentiment-bearing token, VADER-style, negation from the parse.

    Args:
        ignore: words whose lexicon valence is not evidence here ("no", "cancel").
        discount: words of sadness or worry, scaled by ``discount_factor``: they signal
            distress rather than frustration.
    """
    tokens = list(doc)
    words = [t for t in tokens if t.is_alpha]
    shouting = bool(words) and all(t.is_upper for t in words)
    but_at = next((t.i for t in tokens if t.lower_ == "but"), None)
    out: List[Polarity] = []
    for tok in tokens:
        lower = tok.lower_
        value = lexicon.valence.get(lower)
        if not value or lower in ignore:
            continue
        if lower in discount:
            value *= discount_factor
        if tok.is_upper and len(tok) > 1 and not shouting:
            value += CAPS_INCREMENT if value > 0 else -CAPS_INCREMENT
        for back, damping in enumerate(BOOSTER_DAMPING, start=1):
            if tok.i - back < 0:
                break
            boost = lexicon.intensifiers.get(tokens[tok.i - back].lower_, 0.0) * damping
            value += boost if value > 0 else -boost
        negator = negator_of(tok, lexicon.negations)
        if negator is not None:
            value *= NEGATION_SCALAR
        if but_at is not None:
            value *= BEFORE_BUT if tok.i < but_at else AFTER_BUT if tok.i > but_at else 1.0
        text = f"{negator.text} {tok.text}" if negator is not None else tok.text
        out.append(Polarity(tok.i, value, text, negator.text if negator is not None else None))
    return out


@dataclass(frozen=True)
class Negativity:
    """How negative a message reads: 0..1, and the words that made it so."""

    strength: float
    words: Sequence[str]


def negativity(polarities: Sequence[Polarity], *, positive_offset: float, center: float,
               spread: float, ignore_positive: AbstractSet[int] = frozenset()) -> Negativity:
    """Negative mass minus part of the positive mass, through a logistic curve to 0..1.

    Args:
        polarities: from ``token_polarities``.
        positive_offset: share of positive mass that cancels negative mass.
        center: net negative mass (VADER units) that gives strength 0.5.
        spread: how gradually strength rises around ``center``.
        ignore_positive: token indexes whose positive value is not trusted (sarcasm).
    """
    neg = -sum(p.value for p in polarities if p.value < 0)
    pos = sum(p.value for p in polarities if p.value > 0 and p.index not in ignore_positive)
    mass = neg - positive_offset * pos
    strength = 1.0 / (1.0 + math.exp(-(mass - center) / spread))
    worst = sorted((p for p in polarities if p.value < 0), key=lambda p: p.value)
    return Negativity(strength, tuple(p.text for p in worst[:3]))
