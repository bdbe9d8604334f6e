"""bench.nlu_report: table, macro F1 and the exit code gate."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bench import nlu_report


def _report(path: Path, f1s: dict) -> Path:
    data = {name: {"precision": f1, "recall": f1, "f1-score": f1, "support": 10,
                   "confused_with": {"other": 1} if f1 < 1 else {}} for name, f1 in f1s.items()}
    data["accuracy"] = 0.9
    data["macro avg"] = {"precision": 0, "recall": 0, "f1-score": 0, "support": 0}
    data["weighted avg"] = {"precision": 0, "recall": 0, "f1-score": 0, "support": 0}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_macro_f1_ignores_summary_rows_and_passes(tmp_path: Path) -> None:
    out = io.StringIO()
    code = nlu_report.main([str(_report(tmp_path / "r.json", {"greet": 1.0, "deny": 0.9}))], out=out)
    assert code == 0
    text = out.getvalue()
    assert "macro F1" in text and "0.950" in text
    assert text.index("deny") < text.index("greet")  # weakest first
    assert "accuracy" not in text


def test_below_minimum_fails(tmp_path: Path) -> None:
    out = io.StringIO()
    code = nlu_report.main([str(_report(tmp_path / "r.json", {"greet": 0.9, "deny": 0.8})), "--min", "0.9"], out=out)
    assert code == 1
    assert "FAIL" in out.getvalue()


def test_missing_or_malformed_report_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert nlu_report.main([str(tmp_path / "absent.json")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"greet": {"precision": 1}}), encoding="utf-8")
    assert nlu_report.main([str(bad)]) == 2
    assert "f1-score" in capsys.readouterr().err


def test_intents_without_support_do_not_count() -> None:
    scores = nlu_report.parse_report({
        "greet": {"f1-score": 1.0, "support": 5},
        "nlu_fallback": {"f1-score": 0.0, "support": 0},
    })
    assert nlu_report.macro_f1(scores) == 1.0
