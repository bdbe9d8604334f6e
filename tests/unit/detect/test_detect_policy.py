"""The policy file: validation with clear errors, phrase syntax, edits take effect."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from handoff.detect.phrases import PhraseSet
from handoff.detect.policy import DEFAULT_POLICY_PATH, PolicyError, load_detector_policy, parse_policy


def shipped() -> dict:
    return yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))


def test_shipped_policy_is_valid():
    policy = load_detector_policy()
    assert 0 < policy.thresholds.elevated < policy.thresholds.severe
    assert {t.name for t in policy.topics} == {"safety", "fraud", "account_takeover", "legal",
                                               "chargeback", "vulnerable"}


def test_phrase_syntax():
    ps = PhraseSet(["great just great", "frustrat*", "f*ck", r"re:\bcharged? twice\b"])
    found = [m.text for m in ps.find("Great, just great. So frustrating! What the f*ck, charged twice")]
    assert found == ["Great, just great", "frustrating", "f*ck", "charged twice"]
    assert PhraseSet(["hate"]).find("whatever") == []  # whole words only
    assert not PhraseSet([])


@pytest.mark.parametrize("path, value, message", [
    (("thresholds", "severe"), "high", "thresholds.severe must be a number"),
    (("thresholds", "elevated"), 0.95, "0 < elevated < severe"),
    (("anger", "words"), "hate", "anger.words must be a list of strings"),
    (("escalation", "phrases"), ["re:(unclosed"], "escalation.phrases: bad regular expression"),
    (("conversation", "waiting", "full_s"), 10, "full_s must be above start_s"),
])
def test_invalid_values_name_the_key(path, value, message):
    data = shipped()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(PolicyError, match=message.replace("(", r"\(")):
        parse_policy(data)


def test_unknown_topic_and_missing_section():
    data = shipped()
    data["topics"]["weather"] = {"reason": "x", "phrases": ["rain"]}
    with pytest.raises(PolicyError, match="unknown topic"):
        parse_policy(data)
    data = shipped()
    del data["sarcasm"]
    with pytest.raises(PolicyError, match="sarcasm is missing"):
        parse_policy(data)


def test_unreadable_or_malformed_file(tmp_path: Path):
    with pytest.raises(PolicyError, match="cannot read"):
        load_detector_policy(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("thresholds: [unclosed", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_detector_policy(bad)


def test_designer_edit_takes_effect(detector, tmp_path: Path):
    from handoff.detect import Detector

    data = shipped()
    data["anger"]["words"].append("kerfuffle")
    edited = tmp_path / "detector.yml"
    edited.write_text(yaml.safe_dump(data), encoding="utf-8")
    custom = Detector(detector.nlp, detector.lexicon, load_detector_policy(edited))
    assert "anger" in custom.score_message("what a kerfuffle").signals
    assert "anger" not in detector.score_message("what a kerfuffle").signals
