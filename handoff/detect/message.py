"""Message-level analysis: every signal found in one customer message."""

from __future__ import annotations

from typing import Any, List, Optional, Set

from handoff.detect.cues import cue_evidence, intensity_evidence, quote
from handoff.detect.finding import Evidence
from handoff.detect.lexicon import Lexicon
from handoff.detect.phrases import Match
from handoff.detect.policy import Policy
from handoff.detect.sentiment import needs_parse, negativity, negator_of, token_polarities
from handoff.detect.topics import topic_evidence

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
NEGATABLE = ("anger", "escalation")


def normalise(text: str) -> str:
    """Straight quotes, so "don’t" matches "don't" in the policy's phrases."""
    return text.translate(_QUOTES)


def parse(nlp: Any, lexicon: Lexicon, text: str) -> Any:
    """Tokenise; run tok2vec + parser only when a negation word needs attaching.

    Without a negation word nothing can be negated, so the parse (~3-4 ms on this machine)
    would change nothing.
    """
    doc = nlp.make_doc(text)
    if needs_parse(doc, lexicon):
        for _, component in nlp.pipeline:
            doc = component(doc)
    return doc


def analyse(nlp: Any, lexicon: Lexicon, policy: Policy, text: str) -> List[Evidence]:
    """All message-level evidence for ``text`` (order: topics, cues, sentiment, intensity)."""
    text = normalise(text)
    doc = parse(nlp, lexicon, text)
    parsed = doc.has_annotation("DEP")

    def not_negated(match: Match) -> bool:
        if not parsed:
            return True
        span = doc.char_span(match.start, match.end, alignment_mode="expand")
        return span is None or negator_of(span[0], lexicon.negations) is None

    evidence: List[Evidence] = topic_evidence(policy.topics, policy.amount_threshold,
                                              policy.amount_reason, text)
    cues = {}
    for name, cue in policy.cues.items():
        if name == "sarcasm":
            continue
        found = cue_evidence(name, cue, text, not_negated if name in NEGATABLE else None)
        if found is not None:
            cues[name] = found
    intensity = intensity_evidence(policy.intensity, text)

    sp = policy.sentiment
    polarities = token_polarities(doc, lexicon, ignore=sp.ignore, discount=sp.discount,
                                  discount_factor=sp.discount_factor)
    sarcasm_spans = policy.cues["sarcasm"].matcher.find(text)
    sarcastic_tokens: Set[int] = set()
    for m in sarcasm_spans:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            sarcastic_tokens.update(t.i for t in span)
    curve = {"center": sp.center, "spread": sp.spread}
    neg = negativity(polarities, positive_offset=sp.positive_offset,
                     ignore_positive=sarcastic_tokens, **curve)
    sarcasm: Optional[Evidence] = None
    if sarcasm_spans:
        raw_neg = negativity(polarities, positive_offset=0.0, **curve)
        context = (cues.get("anger") or cues.get("profanity") or cues.get("escalation")
                   or intensity or raw_neg.strength >= policy.sarcasm_context)
        if context:
            sarcasm = cue_evidence("sarcasm", policy.cues["sarcasm"], text)
    if sarcasm is None and sarcastic_tokens:
        neg = negativity(polarities, positive_offset=sp.positive_offset, **curve)

    evidence.extend(cues.values())
    if sarcasm is not None:
        evidence.append(sarcasm)
    if neg.strength > 0:
        reason = sp.reason.format(evidence=quote(list(neg.words))) if neg.words else "negative tone"
        evidence.append(Evidence("sentiment", neg.strength, reason))
    if intensity is not None:
        evidence.append(intensity)
    return evidence
