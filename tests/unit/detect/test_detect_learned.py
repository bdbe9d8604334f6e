"""The learned heads: the shipped arrays, their features, and how they add to the rules."""

from __future__ import annotations

import math
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy
import pytest
import yaml

from handoff.detect.learned import DEFAULT_MODEL_PATH, LearnedModel, ModelError
from handoff.detect.ngrams import features, tokens
from handoff.detect.policy import DEFAULT_POLICY_PATH, PolicyError, load_detector_policy

ROOT = Path(__file__).resolve().parents[3]


def test_the_shipped_model_is_small_plain_arrays():
    assert DEFAULT_MODEL_PATH.stat().st_size < 3_000_000
    with zipfile.ZipFile(DEFAULT_MODEL_PATH) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"{k}.npy" for k in ("format", "heads", "vocabulary", "idf", "coef", "intercept"))
    with numpy.load(DEFAULT_MODEL_PATH, allow_pickle=False) as data:  # no object arrays
        assert data["coef"].dtype == numpy.float32 and data["coef"].shape[0] == 3


def test_tokens_normalise_tweets_and_reddit_alike():
    assert tokens("@Delta sooooo late!!! http://t.co/x #fail") == ["@user", "soo", "late", "!!", "http", "fail"]
    assert tokens("[NAME] isn’t here") == ["@user", "isn't", "here"]
    assert tokens("order 1042") == ["order", "0000"]


def test_features_name_their_word():
    toks, feats = features("So useless")
    assert toks == ["so", "useless"]
    assert ("w:so useless", 0) in feats and ("w:useless", 1) in feats
    assert ("c: us", 1) in feats and ("c:ess ", 1) in feats
    assert all(not f.startswith("c:") or pos == 1 or "so" in f or " s" in f for f, pos in feats)


def test_vectors_match_the_training_matrix():
    from bench.train_detector import matrix

    model = LearnedModel.load()
    vocabulary = [""] * len(model.index)
    for feat, i in model.index.items():
        vocabulary[i] = feat
    text = "This is the WORST service, I'm furious!!"
    row = matrix([sorted({f for f, _ in features(text)[1]})], model.index, model.idf).toarray()[0]
    vector = model.vectorise(text)
    dense = numpy.zeros(len(vocabulary))
    dense[vector.ids] = vector.values
    assert numpy.allclose(row, dense)
    assert math.isclose(float(dense @ dense), 1.0)


def test_heads_read_anger_and_name_the_words():
    model = LearnedModel.load()
    angry = {r.head: r for r in model.read("I hate this, worst service ever, absolutely furious")}
    calm = {r.head: r for r in model.read("Can I change the delivery address on my order?")}
    assert angry["anger"].probability > 0.8 and calm["anger"].probability < 0.3
    assert angry["negative"].probability > 0.8 and calm["negative"].probability < 0.3
    assert {"hate", "worst", "furious"} & set(angry["anger"].words)


def test_learned_reason_and_signal(detector):
    f = detector.score_message("I hate this, worst service ever")
    learned = [r for r in f.reasons if "learned model" in r]
    assert learned and learned[0].startswith("the wording reads as")
    assert "'hate'" in " ".join(learned) or "'worst'" in " ".join(learned)
    assert f.signals["learned:negative"] > 0


def test_routine_questions_get_nothing_from_the_model(detector):
    for text in ("What's your refund policy for damaged items?", "Where is my order #1042?",
                 "How do I reset my password?", "Can I pay with PayPal?"):
        f = detector.score_message(text)
        assert sum(v for k, v in f.signals.items() if k.startswith("learned:")) < 0.05, (text, f.signals)
        assert not any("learned model" in r for r in f.reasons)


def test_the_learned_heads_raise_a_score_the_rules_miss(detector):
    rules_only = type(detector)(detector.nlp, detector.lexicon, replace(detector.policy, learned=None))
    assert rules_only.model is None
    text = "this company is a bloody disgrace"
    assert detector.score_message(text).score > rules_only.score_message(text).score + 0.05
    text = "I am fuming, two hours on hold"  # the anger head: from elevated to severe
    assert (rules_only.score_message(text).severity, detector.score_message(text).severity) == ("elevated", "severe")


def test_policy_without_a_learned_section_is_rules_only(tmp_path: Path):
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    del data["learned"]
    path = tmp_path / "detector.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_detector_policy(path).learned is None


def test_bad_learned_section_names_the_key(tmp_path: Path):
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    data["learned"]["heads"]["anger"]["floor"] = 1.5
    path = tmp_path / "detector.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PolicyError, match="learned.heads.anger.floor"):
        load_detector_policy(path)


def test_missing_model_file_fails_at_load(detector, tmp_path: Path):
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    data["learned"]["model"] = str(tmp_path / "nope.npz")
    path = tmp_path / "detector.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    from handoff.detect import Detector

    with pytest.raises(ModelError, match="nope.npz"):
        Detector(detector.nlp, detector.lexicon, load_detector_policy(path))


def test_importing_the_detector_loads_nothing():
    code = ("import sys, numpy; calls = []; real = numpy.load\n"
            "numpy.load = lambda *a, **k: calls.append(a) or real(*a, **k)\n"
            "import handoff.detect, handoff.detect.learned; assert not calls, calls\n"
            "assert 'sklearn' not in sys.modules and 'spacy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
