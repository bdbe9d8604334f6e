"""The fast paths give the same parse as spaCy's own components (real model, no mocks)."""

from __future__ import annotations

import numpy
import pytest

TEXTS = [
    "I'm not unhappy with it.",
    "x",
    "This is not what I ordered, and I don't think it is good at all!!!",
    "Nobody answers the phone. Not impressed, not one bit.\nStill no refund",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_tok2vec_matches_the_component(detector, text):
    pipe = detector.nlp
    assert pipe._fast is not None, "the pinned model should compile to the fast path"
    tok2vec = pipe.language.get_pipe("tok2vec")
    doc = pipe.make_doc(text)
    expected = tok2vec.model.predict([doc])[0]
    assert numpy.allclose(pipe._fast(doc), expected, atol=1e-4)


@pytest.mark.parametrize("text", TEXTS)
def test_annotate_gives_the_components_parse(detector, text):
    pipe = detector.nlp
    fast = pipe.annotate([pipe.make_doc(text)])[0]
    slow = pipe.make_doc(text)
    for _, component in pipe.language.pipeline:
        slow = component(slow)
    assert [(t.head.i, t.dep_) for t in fast] == [(t.head.i, t.dep_) for t in slow]


def test_only_clauses_with_a_negation_before_a_cue_are_parsed(detector):
    from handoff.detect.message import parse_windows

    doc = detector.nlp.make_doc("Delivery was quick, but I am not happy with the box. Thanks")
    windows = parse_windows(doc, detector.lexicon)
    assert [doc[a:b].text for a, b in windows] == ["I am not happy with the box"]
    assert parse_windows(detector.nlp.make_doc("Not now. Great work"), detector.lexicon) == []
    ignored = detector.nlp.make_doc("No, don't cancel it")
    assert parse_windows(ignored, detector.lexicon, ignore=frozenset({"cancel"})) == []


def test_annotate_handles_empty_documents(detector):
    pipe = detector.nlp
    assert pipe.annotate([pipe.make_doc("")])[0].text == ""
