"""Message-level analysis: every signal found in one customer message."""

from __future__ import annotations

import re
from typing import AbstractSet, Any, List, Optional, Sequence, Set, Tuple

import numpy

from handoff.detect.cues import cue_evidence, intensity_evidence, quote
from handoff.detect.finding import Evidence
from handoff.detect.lexicon import Lexicon
from handoff.detect.phrases import Match
from handoff.detect.pipeline import Pipeline
from handoff.detect.policy import Policy
from handoff.detect.sentiment import needs_parse, negativity, negator_of, token_polarities
from handoff.detect.topics import topic_evidence

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
NEGATABLE = ("anger", "escalation")
# Cues that count only in a context: sarcasm with negativity, "directed" with anger/profanity.
CONTEXTUAL = ("sarcasm", "directed")
_SENTENCE_END = re.compile(r"[.!?;]+")
_CLAUSE_BREAKS = frozenset({",", ":", "(", ")", "-", "--", "\u2013", "\u2014", "but"})


def normalise(text: str) -> str:
    """Straight quotes, so "don’t" matches "don't" in the policy's phrases."""
    return text.translate(_QUOTES)


def _is_break(tok: Any) -> bool:
    text = tok.text
    return (text.lower() in _CLAUSE_BREAKS or _SENTENCE_END.fullmatch(text) is not None
            or "\n" in text)


def parse_windows(doc: Any, lexicon: Lexicon, cue_chars: Sequence[Tuple[int, int]] = (),
                  ignore: AbstractSet[str] = frozenset()) -> List[Tuple[int, int]]:
    """Token ranges worth parsing: clauses where a negation word precedes something it could
    negate, a word with a valence (not one the policy ignores) or a negatable cue.

    A clause runs between sentence punctuation, commas, semicolons, colons, brackets, dashes,
    "but" and line breaks (no parser needed). Negation does not reach past them in
    ``negator_of`` for the messages we see, so the rest of the message needs no parse.
    """
    negations, valence = lexicon.negations, lexicon.valence
    windows: List[Tuple[int, int]] = []
    clause_start, negated, wanted = 0, False, False
    for tok in doc:
        if _is_break(tok):
            if wanted:
                windows.append((clause_start, tok.i))
            clause_start, negated, wanted = tok.i + 1, False, False
            continue
        lower = tok.lower_
        if negated and not wanted and ((lower in valence and lower not in ignore)
                                       or any(a <= tok.idx < b for a, b in cue_chars)):
            wanted = True
        if lower in negations or tok.norm_ == "not":
            negated = True
    if wanted:
        windows.append((clause_start, len(doc)))
    return windows


def parse(nlp: Any, lexicon: Lexicon, text: str,
          cue_chars: Sequence[Tuple[int, int]] = (),
          ignore: AbstractSet[str] = frozenset()) -> Any:
    """Tokenise; parse only the clauses where a negation could change something.

    A clause without a negation word followed by a sentiment word or a negatable cue
    (``cue_chars``: their character spans) needs no parse (see ``parse_windows``); tok2vec +
    parser are most of the detector's time. The clauses that do are parsed together in one
    batch (``Pipeline.annotate``). Unparsed tokens are their own roots: they negate nothing.

    Args:
        nlp: a ``Pipeline`` (or a spaCy ``Language``, wrapped on the fly: slower).
        ignore: lexicon words the sentiment ignores; negating them changes nothing.
    """
    pipe = Pipeline.of(nlp)
    doc = pipe.make_doc(text)
    if not needs_parse(doc, lexicon):
        return doc
    targets = parse_windows(doc, lexicon, cue_chars, ignore)
    if not targets:
        return doc
    if targets == [(0, len(doc))]:
        pipe.annotate([doc])
        return doc
    from spacy.attrs import DEP, HEAD  # spaCy is loaded by then (see pipeline.py)

    heads = numpy.zeros(len(doc), dtype="int64")
    deps = numpy.full(len(doc), doc.vocab.strings.add("ROOT"), dtype="uint64")
    subs = pipe.annotate([doc[a:b].as_doc() for a, b in targets])
    for (a, _), sub in zip(targets, subs, strict=False):
        for tok in sub:
            heads[a + tok.i] = tok.head.i - tok.i
            deps[a + tok.i] = tok.dep
    doc.from_array([HEAD, DEP], numpy.stack([heads.astype("uint64"), deps], axis=1))
    return doc


def analyse(nlp: Any, lexicon: Lexicon, policy: Policy, text: str) -> List[Evidence]:
    """All message-level evidence for ``text`` (order: topics, cues, sentiment, intensity)."""
    text = normalise(text)
    negatable = {name: policy.cues[name].matcher.find(text) for name in NEGATABLE}
    doc = parse(nlp, lexicon, text, [(m.start, m.end) for ms in negatable.values() for m in ms],
                policy.sentiment.ignore)
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
        if name in CONTEXTUAL:
            continue
        if name in NEGATABLE:
            found = cue_evidence(name, cue, text, not_negated, negatable[name])
        else:
            found = cue_evidence(name, cue, text)
        if found is not None:
            cues[name] = found
    intensity = intensity_evidence(policy.intensity, text)
    directed = policy.cues.get("directed")
    if directed is not None and (cues.get("anger") or cues.get("profanity")):
        aimed = cue_evidence("directed", directed, text)
        if aimed is not None:
            cues["directed"] = aimed

    sp = policy.sentiment
    polarities = token_polarities(doc, lexicon, ignore=sp.ignore, discount=sp.discount,
                                  discount_factor=sp.discount_factor)
    sarcasm_spans = policy.cues["sarcasm"].matcher.find(text)
    sarcastic_tokens: Set[int] = set()
    for m in sarcasm_spans:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            sarcastic_tokens.update(t.i for t in span)
    neg = negativity(polarities, positive_offset=sp.positive_offset, center=sp.center, spread=sp.spread,
                     ignore_positive=sarcastic_tokens)
    sarcasm: Optional[Evidence] = None
    if sarcasm_spans:
        raw_neg = negativity(polarities, positive_offset=0.0, center=sp.center, spread=sp.spread)
        context = (cues.get("anger") or cues.get("profanity") or cues.get("escalation")
                   or intensity or raw_neg.strength >= policy.sarcasm_context)
        if context:
            sarcasm = cue_evidence("sarcasm", policy.cues["sarcasm"], text)
    if sarcasm is None and sarcastic_tokens:
        neg = negativity(polarities, positive_offset=sp.positive_offset, center=sp.center, spread=sp.spread)

    evidence.extend(cues.values())
    if sarcasm is not None:
        evidence.append(sarcasm)
    if neg.strength > 0:
        reason = sp.reason.format(evidence=quote(list(neg.words))) if neg.words else "negative tone"
        evidence.append(Evidence("sentiment", neg.strength, reason))
    if intensity is not None:
        evidence.append(intensity)
    return evidence
