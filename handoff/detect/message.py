"""Message-level analysis: every signal found in one customer message."""

from __future__ import annotations

import re
from typing import Any, List, Optional, Sequence, Set, Tuple

import numpy

from handoff.detect.cues import cue_evidence, intensity_evidence, quote
from handoff.detect.finding import Evidence
from handoff.detect.lexicon import Lexicon
from handoff.detect.phrases import Match
from handoff.detect.policy import Policy
from handoff.detect.sentiment import needs_parse, negativity, negator_of, token_polarities
from handoff.detect.topics import topic_evidence

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
NEGATABLE = ("anger", "escalation")
_SENTENCE_END = re.compile(r"[.!?;]+")


def normalise(text: str) -> str:
    """Straight quotes, so "don’t" matches "don't" in the policy's phrases."""
    return text.translate(_QUOTES)


def _sentences(doc: Any) -> List[Tuple[int, int]]:
    """Token ranges split after sentence punctuation or line breaks (no parser needed)."""
    ranges, start = [], 0
    for tok in doc:
        if _SENTENCE_END.fullmatch(tok.text) or "\n" in tok.text:
            ranges.append((start, tok.i + 1))
            start = tok.i + 1
    if start < len(doc):
        ranges.append((start, len(doc)))
    return ranges


def _negation_matters(doc: Any, start: int, end: int, lexicon: Lexicon,
                      cue_chars: Sequence[Tuple[int, int]]) -> bool:
    """A negation word in doc[start:end] followed by something it could negate: a word
    with a valence or a negatable cue ("not angry")."""
    negations, valence = lexicon.negations, lexicon.valence
    seen_negation = False
    for tok in doc[start:end]:
        if seen_negation and (tok.lower_ in valence
                              or any(a <= tok.idx < b for a, b in cue_chars)):
            return True
        if tok.lower_ in negations or tok.norm_ == "not":
            seen_negation = True
    return False


def parse(nlp: Any, lexicon: Lexicon, text: str,
          cue_chars: Sequence[Tuple[int, int]] = ()) -> Any:
    """Tokenise; parse only the sentences where a negation could change something.

    Negation never crosses a sentence, so a sentence without a negation word followed by a
    sentiment word or a negatable cue (``cue_chars``: their character spans) needs no parse:
    tok2vec + parser cost ~3-4 ms a message here, most of the detector's time. Tokens of
    unparsed sentences are marked as their own roots, which negates nothing.
    """
    doc = nlp.make_doc(text)
    if not needs_parse(doc, lexicon):
        return doc
    targets = [(a, b) for a, b in _sentences(doc)
               if _negation_matters(doc, a, b, lexicon, cue_chars)]
    if not targets:
        return doc
    if targets == [(0, len(doc))]:
        for _, component in nlp.pipeline:
            doc = component(doc)
        return doc
    from spacy.attrs import DEP, HEAD  # spaCy is loaded by then (see pipeline.py)

    heads = numpy.zeros(len(doc), dtype="int64")
    deps = numpy.full(len(doc), doc.vocab.strings.add("ROOT"), dtype="uint64")
    for a, b in targets:
        sub = doc[a:b].as_doc()
        for _, component in nlp.pipeline:
            sub = component(sub)
        for tok in sub:
            heads[a + tok.i] = tok.head.i - tok.i
            deps[a + tok.i] = tok.dep
    doc.from_array([HEAD, DEP], numpy.stack([heads.astype("uint64"), deps], axis=1))
    return doc


def analyse(nlp: Any, lexicon: Lexicon, policy: Policy, text: str) -> List[Evidence]:
    """All message-level evidence for ``text`` (order: topics, cues, sentiment, intensity)."""
    text = normalise(text)
    negatable = {name: policy.cues[name].matcher.find(text) for name in NEGATABLE}
    doc = parse(nlp, lexicon, text, [(m.start, m.end) for ms in negatable.values() for m in ms])
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
        if name in NEGATABLE:
            found = cue_evidence(name, cue, text, not_negated, negatable[name])
        else:
            found = cue_evidence(name, cue, text)
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
