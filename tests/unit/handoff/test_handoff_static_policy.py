"""Static files never escape their folder; the policy file loads and rejects bad patterns."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.policy import load_handoff_policy, policy_from_dict
from handoff.transport.static import safe_file


def test_safe_file_blocks_traversal(tmp_path: Path) -> None:
    (tmp_path / "widget").mkdir()
    (tmp_path / "widget" / "index.html").write_text("<p>hi</p>")
    (tmp_path / "secret.txt").write_text("no")
    base = tmp_path / "widget"
    assert safe_file(base, "index.html") == (base / "index.html").resolve()
    assert safe_file(base, "../secret.txt") is None
    assert safe_file(base, "/etc/passwd") is None
    assert safe_file(base, "missing.js") is None
    assert safe_file(base, "") is None


def test_repo_policy_loads() -> None:
    policy = load_handoff_policy(Path(__file__).resolve().parents[3] / "policy" / "handoff.yml")
    assert "request_human" in policy.request_human_intents
    assert set(policy.high_stakes_topics) >= {"safety", "fraud", "account_takeover", "legal", "chargeback"}


def test_bad_pattern_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="request_human_patterns"):
        policy_from_dict({"request_human_patterns": ["(unclosed"]})


def test_unknown_high_stakes_topic_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="high_stakes"):
        policy_from_dict({"high_stakes": {"topics": ["legal", "weather"]}})


def test_missing_policy_gives_defaults(tmp_path: Path) -> None:
    assert load_handoff_policy(tmp_path / "nope.yml").fallback_streak == 2
