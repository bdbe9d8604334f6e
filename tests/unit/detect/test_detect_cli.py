"""``python -m handoff.detect`` as a subprocess (DESIGN.md contract 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_cli(stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "handoff.detect", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_lines_in_json_out():
    stdin = "\n".join([
        "What payment methods do you accept?",
        "",
        json.dumps({"text": "I will call my lawyer", "id": 7}),
        "{not json at all",
        json.dumps({"no_text": True}),
        "   ",
        "Ünïcode <b>stays</b> text 😡",
    ]) + "\n"
    proc = run_cli(stdin)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["What payment methods do you accept?",
                                         "I will call my lawyer", "{not json at all",
                                         '{"no_text": true}', "Ünïcode <b>stays</b> text 😡"]
    for r in rows:
        assert set(r) == {"text", "score", "severity", "reasons"}
        assert 0.0 <= r["score"] <= 1.0 and r["severity"] in ("none", "elevated", "severe")
    assert rows[0]["severity"] == "none"
    assert rows[1]["severity"] == "severe" and rows[1]["reasons"] == ["legal threat: 'lawyer'"]


def test_lines_are_independent_unless_conversation():
    stdin = "how do i connect shopify\n" * 3
    independent = [json.loads(x) for x in run_cli(stdin).stdout.splitlines()]
    assert len({x["score"] for x in independent}) == 1
    conversation = [json.loads(x) for x in run_cli(stdin, "--conversation").stdout.splitlines()]
    assert conversation[2]["score"] > conversation[0]["score"]
    assert "third time saying the same thing" in conversation[2]["reasons"]


def test_conversation_reads_intents_from_json_lines():
    turn = json.dumps({"text": "connect shopify how", "intent": "nlu_fallback", "confidence": 0.3})
    proc = run_cli(f"{turn}\n{turn}\nhello?\n", "--conversation", "--details")
    last = json.loads(proc.stdout.splitlines()[-1])
    assert "2 misunderstood messages in a row" in last["reasons"]
    assert "fallback" in last["signals"] and last["topics"] == []


def test_bad_policy_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "detector.yml"
    bad.write_text("thresholds: {elevated: 2}\n", encoding="utf-8")
    proc = run_cli("hello\n", "--policy", str(bad))
    assert proc.returncode == 2
    assert "error:" in proc.stderr and "thresholds" in proc.stderr
    assert proc.stdout == ""


def test_import_is_free_and_load_skips_tensorflow():
    """No side effects at import; loading must not pull in TensorFlow (~4 s of start-up)."""
    code = ("import sys; import handoff.detect; assert 'spacy' not in sys.modules; "
            "d = handoff.detect.Detector.load(); d.score_message('I am not happy. Not at all.'); "
            "print(sorted(m for m in ('tensorflow', 'asent', 'spacy') if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['spacy']"
