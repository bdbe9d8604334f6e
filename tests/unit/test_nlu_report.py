"""bench.nlu_report: the table and every gate (macro F1, per-intent floors, FAQ, entities, rejection)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Dict, Optional

import pytest

from bench import nlu_eval, nlu_report

GOOD = {"greet": 1.0, "deny": 0.96, "request_human": 1.0, "faq": 0.95}


def _classification(scores: Dict[str, float], support: int = 10) -> dict:
    data: dict = {name: {"precision": f1, "recall": f1, "f1-score": f1, "support": support,
                         "confused_with": {"other": 1} if f1 < 1 else {}} for name, f1 in scores.items()}
    data["accuracy"] = 0.9
    data["macro avg"] = {"precision": 0, "recall": 0, "f1-score": 0, "support": 0}
    data["weighted avg"] = {"precision": 0, "recall": 0, "f1-score": 0, "support": 0}
    return data


def _heldout(root: Path, name: str = "test_nlu", intents: Optional[Dict[str, float]] = None, faq: float = 0.95,
             entities: Optional[Dict[str, float]] = None) -> Path:
    directory = root / name
    directory.mkdir(parents=True)
    (directory / "intent_report.json").write_text(json.dumps(_classification(intents or GOOD)), encoding="utf-8")
    selection = _classification({"faq/shipping_options": faq, "faq/newsletter": faq})
    selection["accuracy"] = faq
    (directory / "response_selection_report.json").write_text(json.dumps(selection), encoding="utf-8")
    found = entities if entities is not None else {"order_number": 1.0, "email": 1.0}
    (directory / "RegexEntityExtractor_report.json").write_text(json.dumps(_classification(found, support=3)),
                                                                encoding="utf-8")
    return directory


def _rejection(root: Path, share: float, total: int = 100) -> Path:
    directory = root / "clinc150_oos_val"
    directory.mkdir(parents=True)
    path = directory / "rejection.json"
    path.write_text(json.dumps({"total": total, "rejected": int(share * total), "rejected_share": share,
                                "taken_for": {"faq": 3}}), encoding="utf-8")
    return path


def _run(*argv: object) -> tuple:
    out = io.StringIO()
    code = nlu_report.main([str(a) for a in argv], out=out)
    return code, out.getvalue()


def test_every_gate_passing_prints_the_tables_weakest_first(tmp_path: Path) -> None:
    code, text = _run(_heldout(tmp_path / "a"), _heldout(tmp_path / "b", "styles"),
                      "--reject", _rejection(tmp_path, 0.93))
    assert code == 0, text
    assert "== test_nlu" in text and "== styles" in text
    assert text.index("faq ") < text.index("greet")  # weakest first
    assert "accuracy" not in text.split("FAQ")[0]
    assert "0.978" in text  # macro F1 of GOOD
    assert "off-topic rejected (out_of_scope or nlu_fallback) 0.930 of 100" in text
    assert text.rstrip().splitlines()[-1].startswith("OK")


def test_macro_below_minimum_fails_on_the_file_that_misses_it(tmp_path: Path) -> None:
    weak = {"greet": 0.9, "deny": 0.8, "request_human": 1.0}
    code, text = _run(_heldout(tmp_path / "a"), _heldout(tmp_path / "b", "styles", intents=weak))
    assert code == 1
    assert "FAIL: styles: macro F1 0.900 is below 0.92" in text
    assert "FAIL: test_nlu" not in text


def test_one_weak_intent_fails_its_floor_even_when_the_macro_passes(tmp_path: Path) -> None:
    intents = {**{f"i{n}": 1.0 for n in range(20)}, "request_human": 1.0, "billing_issue": 0.7}
    code, text = _run(_heldout(tmp_path, intents=intents))
    assert code == 1
    assert "FAIL: test_nlu: billing_issue F1 0.700 is below its floor 0.75" in text
    assert "macro F1" not in text.split("FAIL", 1)[1]


def test_every_ask_for_a_person_must_be_recognised(tmp_path: Path) -> None:
    intents = {**{f"i{n}": 1.0 for n in range(20)}, "request_human": 0.96}
    code, text = _run(_heldout(tmp_path / "a", intents=intents))
    assert code == 1
    assert "request_human recall 0.960 is below its floor 1.00" in text
    # full recall with a false positive passes on the F1 floor; --floor-for makes it strict
    directory = _heldout(tmp_path / "b")
    report = _classification({**{f"i{n}": 1.0 for n in range(20)}})
    report["request_human"] = {"precision": 0.875, "recall": 1.0, "f1-score": 0.933, "support": 7}
    (directory / "intent_report.json").write_text(json.dumps(report), encoding="utf-8")
    assert _run(directory)[0] == 0
    code, text = _run(directory, "--floor-for", "request_human=1.0")
    assert code == 1 and "request_human F1 0.933 is below its floor 1.00" in text


def test_floor_for_overrides_and_labels_never_tested_are_ignored(tmp_path: Path) -> None:
    report = _classification({"greet": 1.0, "request_human": 1.0, "deny": 0.8})
    report["nlu_fallback"] = {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0}
    directory = _heldout(tmp_path)
    (directory / "intent_report.json").write_text(json.dumps(report), encoding="utf-8")
    code, text = _run(directory, "--min", "0.9", "--floor-for", "deny=0.85")
    assert code == 1
    assert text.count("FAIL") == 1 and "deny F1 0.800 is below its floor 0.85" in text
    assert _run(directory, "--min", "0.9")[0] == 0


def test_faq_answer_selection_is_gated(tmp_path: Path) -> None:
    code, text = _run(_heldout(tmp_path, faq=0.8))
    assert code == 1
    assert "FAQ answer selection accuracy: 0.800" in text
    assert "FAIL: test_nlu: FAQ answer accuracy 0.800 is below 0.90" in text


def test_entity_extraction_is_gated_and_must_be_measured_somewhere(tmp_path: Path) -> None:
    code, text = _run(_heldout(tmp_path / "a", entities={"order_number": 0.8, "email": 1.0}))
    assert code == 1 and "order_number F1 0.800 is below 0.95" in text
    code, text = _run(_heldout(tmp_path / "b", entities={"order_number": 1.0}))
    assert code == 1 and "FAIL: email: no held-out file has examples of it" in text
    # measured in one file is enough
    code, _ = _run(_heldout(tmp_path / "c", entities={"order_number": 1.0}),
                   _heldout(tmp_path / "d", "styles", entities={"email": 1.0}))
    assert code == 0


def test_off_topic_rejection_below_minimum_fails(tmp_path: Path) -> None:
    code, text = _run(_heldout(tmp_path / "a"), "--reject", _rejection(tmp_path / "r", 0.85))
    assert code == 1
    assert "FAIL: clinc150_oos_val: off-topic rejected 0.850 is below 0.90" in text


def test_missing_or_malformed_reports_are_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert nlu_report.main([str(tmp_path / "absent")]) == 2
    directory = _heldout(tmp_path / "a")
    (directory / "intent_report.json").write_text(json.dumps({"greet": {"precision": 1}}), encoding="utf-8")
    assert nlu_report.main([str(directory)]) == 2
    assert "f1-score" in capsys.readouterr().err
    directory = _heldout(tmp_path / "b")
    (directory / "response_selection_report.json").unlink()
    assert nlu_report.main([str(directory)]) == 2
    empty = _rejection(tmp_path / "c", 0.0, total=0)
    assert nlu_report.main([str(_heldout(tmp_path / "d")), "--reject", str(empty)]) == 2


def test_an_intent_report_path_works_like_its_directory(tmp_path: Path) -> None:
    code, text = _run(_heldout(tmp_path) / "intent_report.json")
    assert code == 0 and "== test_nlu" in text


def test_rejection_summary_counts_out_of_scope_and_fallback_as_rejected() -> None:
    summary = nlu_eval.rejection_summary([
        {"text": "a", "intent": "out_of_scope", "confidence": 0.9},
        {"text": "b", "intent": "nlu_fallback", "confidence": 0.45},
        {"text": "c", "intent": "faq", "confidence": 0.6},
        {"text": "d", "intent": "faq", "confidence": 0.8},
    ])
    assert summary["total"] == 4 and summary["rejected"] == 2 and summary["rejected_share"] == 0.5
    assert summary["taken_for"] == {"faq": 2}
    assert [p["text"] for p in summary["accepted"]] == ["d", "c"]  # most confident mistakes first


def test_understood_summary_counts_only_the_expected_intent() -> None:
    summary = nlu_eval.understood_summary([
        {"text": "a", "expected": "greet", "intent": "greet", "confidence": 0.9},
        {"text": "b", "expected": "greet", "intent": "nlu_fallback", "confidence": 0.6},
        {"text": "c", "expected": "thank", "intent": "out_of_scope", "confidence": 0.97},
        {"text": "d", "expected": "thank", "intent": "thank", "confidence": 0.8},
    ])
    assert summary["total"] == 4 and summary["understood"] == 2 and summary["understood_share"] == 0.5
    assert summary["per_intent"] == {"greet": 0.5, "thank": 0.5}
    assert summary["taken_for"] == {"greet -> nlu_fallback": 1, "thank -> out_of_scope": 1}
    assert [m["text"] for m in summary["misses"]] == ["b", "c"]


def _understood(root: Path, share: float, total: int = 180) -> Path:
    directory = root / "clinc150_inscope_val"
    directory.mkdir(parents=True)
    path = directory / "understood.json"
    path.write_text(json.dumps({"total": total, "understood": int(share * total), "understood_share": share,
                                "per_intent": {"greet": share, "thank": 1.0},
                                "taken_for": {"greet -> nlu_fallback": 4}}), encoding="utf-8")
    return path


def test_other_peoples_requests_are_gated(tmp_path: Path) -> None:
    code, text = _run(_heldout(tmp_path / "a"), "--understood", _understood(tmp_path / "b", 0.9))
    assert code == 0 and "taken for the right intent 0.900 of 180" in text and "weakest greet 0.90" in text
    code, text = _run(_heldout(tmp_path / "c"), "--understood", _understood(tmp_path / "d", 0.6))
    assert code == 1 and "FAIL: clinc150_inscope_val: understood 0.600 is below 0.70" in text
    code, _ = _run(_heldout(tmp_path / "e"), "--understood", _understood(tmp_path / "f", 0.8),
                   "--min-understood", "0.85")
    assert code == 1
    assert _run(_heldout(tmp_path / "g"), "--understood", _understood(tmp_path / "h", 0.0, total=0))[0] == 2


def test_the_clinc150_files_share_no_text_and_map_onto_our_intents() -> None:
    from bench import vendor_clinc150 as vendor

    assert set(vendor.MAPPED) <= vendor.OVERLAPPING, "a mapped intent is never in the off-topic files"
    rows = [("Is my account BLOCKED?", "account_blocked"), ("hi there", "greeting"), ("book a flight", "book_flight")]
    assert vendor.mapped(rows) == [("Is my account BLOCKED?", "account_access"), ("hi there", "greet")]
    assert vendor.mapped(rows, exclude=["is my account blocked"]) == [("hi there", "greet")]
    root = Path(__file__).resolve().parents[2]

    def texts(path: Path) -> set:
        return {vendor._wording(line.strip()[2:]) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip().startswith("- ") and not line.strip().startswith("- intent:")}

    trained = texts(root / "bot/data/nlu/clinc150_inscope.yml") | texts(root / "bot/data/nlu/out_of_scope_clinc150.yml")
    measured = texts(root / "tests/nlu/clinc150_inscope_val.yml") | texts(root / "tests/nlu/clinc150_oos_val.yml")
    assert len(trained) > 550 and len(measured) > 900 and not trained & measured
