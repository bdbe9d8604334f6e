"""Per-intent F1 table from a Rasa NLU intent report, with a macro-F1 gate.

Usage: ``python -m bench.nlu_report results/nlu/intent_report.json [--min 0.92]``

Prints one row per intent (weakest first) and the macro F1 over intents; exits 1 when
macro F1 is below ``--min``, 2 when the report is missing or malformed.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, TextIO

#: Keys of a Rasa/scikit-learn classification report that are summaries, not intents.
SUMMARY_KEYS = frozenset({"accuracy", "macro avg", "weighted avg", "micro avg"})
DEFAULT_MIN_MACRO_F1 = 0.92


class ReportError(ValueError):
    """The intent report can't be read as a classification report."""


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int
    confused_with: Mapping[str, int]


def parse_report(report: Mapping[str, Any]) -> List[IntentScore]:
    """Per-intent scores of a Rasa ``intent_report.json``, weakest F1 first."""
    if not isinstance(report, Mapping):
        raise ReportError("the report must be a JSON object")
    scores = []
    for intent, row in report.items():
        if intent in SUMMARY_KEYS:
            continue
        if not isinstance(row, Mapping) or "f1-score" not in row:
            raise ReportError(f"intent {intent!r} has no f1-score")
        scores.append(
            IntentScore(
                intent=intent,
                precision=float(row.get("precision", 0.0)),
                recall=float(row.get("recall", 0.0)),
                f1=float(row["f1-score"]),
                support=int(row.get("support", 0)),
                confused_with=dict(row.get("confused_with") or {}),
            )
        )
    if not scores:
        raise ReportError("the report has no intents")
    return sorted(scores, key=lambda s: (s.f1, s.intent))


def macro_f1(scores: Sequence[IntentScore]) -> float:
    """Unweighted mean F1 over intents that occur in the test set.

    Labels that are only predicted (support 0, e.g. ``nlu_fallback``) are left out: their
    mistakes already lower the recall of the intents they were taken from.
    """
    tested = [s for s in scores if s.support > 0] or list(scores)
    return sum(s.f1 for s in tested) / len(tested)


def render(scores: Sequence[IntentScore], macro: float, out: TextIO) -> None:
    width = max(len("intent"), *(len(s.intent) for s in scores))
    out.write(f"{'intent':<{width}}  precision  recall     f1  support  most confused with\n")
    out.write("-" * (width + 60) + "\n")
    for s in scores:
        confused = ", ".join(f"{k} ({v})" for k, v in list(s.confused_with.items())[:2])
        out.write(
            f"{s.intent:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}  {confused}\n"
        )
    out.write("-" * (width + 60) + "\n")
    out.write(f"{'macro F1':<{width}}  {'':9}  {'':6}  {macro:5.3f}  {sum(s.support for s in scores):7d}\n")


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="results/nlu/intent_report.json")
    parser.add_argument("--min", type=float, default=DEFAULT_MIN_MACRO_F1, dest="minimum",
                        help="fail below this macro F1 (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        data: Dict[str, Any] = json.loads(args.report.read_text(encoding="utf-8"))
        scores = parse_report(data)
    except (OSError, json.JSONDecodeError, ReportError) as exc:
        sys.stderr.write(f"nlu_report: can't read {args.report}: {exc}\n")
        return 2
    macro = macro_f1(scores)
    render(scores, macro, out)
    rasa_macro = (data.get("macro avg") or {}).get("f1-score")
    if isinstance(rasa_macro, (int, float)):
        out.write(f"(Rasa's macro avg, which also averages labels only ever predicted, e.g. "
                  f"nlu_fallback: {rasa_macro:.3f})\n")
    if macro < args.minimum:
        out.write(f"FAIL: macro F1 {macro:.3f} is below {args.minimum:.2f}\n")
        return 1
    out.write(f"OK: macro F1 {macro:.3f} >= {args.minimum:.2f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
