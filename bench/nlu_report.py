"""NLU gates over the reports ``bench.nlu_eval`` (Rasa's ``rasa test nlu``) writes.

Usage::

    python -m bench.nlu_report results/nlu/test_nlu results/nlu/test_nlu_styles \
        --reject results/nlu/clinc150_oos_val/rejection.json

For every held-out result directory (or its ``intent_report.json``) it prints one row per intent
(weakest first) and checks:

* macro F1 over the intents in the file >= ``--min`` (0.92);
* every intent's F1 >= ``--floor`` (0.75; ``--floor-for NAME=F1`` sets one intent's), and
  ``request_human``'s recall at 1.0 (``--recall-floor-for NAME=R``): an ask for a person the
  assistant doesn't recognise is the costliest mistake;
* FAQ answer selection (``response_selection_report.json``) accuracy >= ``--min-faq`` (0.90);
* entity F1 of ``--entities`` (order_number, email) in ``--entity-report``'s extractor >= ``--min-entity``.

For every ``--reject`` file (from ``bench.nlu_eval``: off-topic messages only) the share turned
away (``out_of_scope`` or ``nlu_fallback``) must be >= ``--min-rejected`` (0.90). For every
``--understood`` file (other people's wording of requests we handle, each labelled with our intent)
the share taken for the right intent must be >= ``--min-understood`` (0.70: a floor that catches a
regression, not a target; other people's wording is where the NLU is weakest, see the README).

Exit 0 when every gate passes, 1 when one fails, 2 when a report is missing or malformed.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, TextIO, Tuple

#: Keys of a Rasa/scikit-learn classification report that are summaries, not labels.
SUMMARY_KEYS = frozenset({"accuracy", "macro avg", "weighted avg", "micro avg"})
DEFAULT_MIN_MACRO_F1 = 0.92
DEFAULT_FLOOR = 0.75
DEFAULT_FLOORS: Dict[str, float] = {}
DEFAULT_RECALL_FLOORS = {"request_human": 1.0}
DEFAULT_MIN_FAQ = 0.90
DEFAULT_MIN_ENTITY = 0.95
DEFAULT_ENTITIES = ("order_number", "email")
DEFAULT_ENTITY_REPORT = "RegexEntityExtractor_report.json"
DEFAULT_MIN_REJECTED = 0.90
DEFAULT_MIN_UNDERSTOOD = 0.70


class ReportError(ValueError):
    """A report can't be read as the Rasa report it should be."""


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int
    confused_with: Mapping[str, int]


def parse_report(report: Mapping[str, Any]) -> List[IntentScore]:
    """Per-label scores of a Rasa classification report, weakest F1 first."""
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


def below_floor(scores: Sequence[IntentScore], floor: float, floors: Mapping[str, float]) -> List[Tuple[str, float, float]]:
    """``(intent, f1, floor)`` for every tested intent under its floor (``floors`` overrides ``floor``)."""
    return [(s.intent, s.f1, floors.get(s.intent, floor)) for s in scores
            if s.support > 0 and s.f1 < floors.get(s.intent, floor)]


def below_recall_floor(scores: Sequence[IntentScore], floors: Mapping[str, float]) -> List[Tuple[str, float, float]]:
    """``(intent, recall, floor)`` for every tested intent named in ``floors`` whose recall is under it."""
    return [(s.intent, s.recall, floors[s.intent]) for s in scores
            if s.support > 0 and s.intent in floors and s.recall < floors[s.intent]]


def faq_accuracy(report: Mapping[str, Any]) -> float:
    """Accuracy of the FAQ answer chosen, from ``response_selection_report.json``."""
    if isinstance(report.get("accuracy"), (int, float)):
        return float(report["accuracy"])
    micro = report.get("micro avg")
    if isinstance(micro, Mapping) and "f1-score" in micro:
        return float(micro["f1-score"])  # single-label: micro F1 == accuracy
    raise ReportError("the response selection report has no accuracy")


def entity_f1(report: Mapping[str, Any], entities: Sequence[str]) -> Dict[str, float]:
    """F1 of each of ``entities`` that the file has examples of (support > 0)."""
    found = {}
    for name in entities:
        row = report.get(name)
        if isinstance(row, Mapping) and int(row.get("support", 0)) > 0:
            found[name] = float(row.get("f1-score", 0.0))
    return found


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


def _load(path: Path) -> Dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportError(f"can't read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ReportError(f"{path} must hold a JSON object")
    return data


def check_heldout(target: Path, args: argparse.Namespace, out: TextIO) -> Tuple[List[str], Dict[str, float]]:
    """Gate one held-out result directory; returns the failures and the entity F1s seen."""
    directory = target.parent if target.suffix == ".json" else target
    name = directory.name
    scores = parse_report(_load(directory / "intent_report.json"))
    macro = macro_f1(scores)
    out.write(f"\n== {name}\n")
    render(scores, macro, out)
    failures = []
    if macro < args.minimum:
        failures.append(f"{name}: macro F1 {macro:.3f} is below {args.minimum:.2f}")
    for intent, f1, floor in below_floor(scores, args.floor, args.floors):
        failures.append(f"{name}: {intent} F1 {f1:.3f} is below its floor {floor:.2f}")
    for intent, recall, floor in below_recall_floor(scores, args.recall_floors):
        failures.append(f"{name}: {intent} recall {recall:.3f} is below its floor {floor:.2f}")
    faq = faq_accuracy(_load(directory / "response_selection_report.json"))
    out.write(f"FAQ answer selection accuracy: {faq:.3f}\n")
    if faq < args.min_faq:
        failures.append(f"{name}: FAQ answer accuracy {faq:.3f} is below {args.min_faq:.2f}")
    entities = entity_f1(_load(directory / args.entity_report), args.entities)
    out.write("entity F1 (" + args.entity_report.split("_")[0] + "): "
              + (", ".join(f"{k} {v:.3f}" for k, v in entities.items()) or "none in this file") + "\n")
    for entity, f1 in entities.items():
        if f1 < args.min_entity:
            failures.append(f"{name}: {entity} F1 {f1:.3f} is below {args.min_entity:.2f}")
    return failures, entities


def check_rejection(path: Path, minimum: float, out: TextIO) -> List[str]:
    data = _load(path)
    try:
        share, total = float(data["rejected_share"]), int(data["total"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{path} has no rejected_share/total") from exc
    if total <= 0:
        raise ReportError(f"{path} measured no messages")
    taken = ", ".join(f"{k} ({v})" for k, v in list((data.get("taken_for") or {}).items())[:5])
    out.write(f"\n== {path.parent.name}: off-topic rejected (out_of_scope or nlu_fallback) {share:.3f} "
              f"of {total}; others taken for {taken or '-'}\n")
    return [f"{path.parent.name}: off-topic rejected {share:.3f} is below {minimum:.2f}"] if share < minimum else []


def check_understood(path: Path, minimum: float, out: TextIO) -> List[str]:
    data = _load(path)
    try:
        share, total = float(data["understood_share"]), int(data["total"])
        per_intent = {str(k): float(v) for k, v in (data.get("per_intent") or {}).items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportError(f"{path} has no understood_share/total/per_intent") from exc
    if total <= 0:
        raise ReportError(f"{path} measured no messages")
    weakest = ", ".join(f"{k} {v:.2f}" for k, v in sorted(per_intent.items(), key=lambda kv: kv[1])[:4])
    taken = ", ".join(f"{k} ({v})" for k, v in list((data.get("taken_for") or {}).items())[:4])
    out.write(f"\n== {path.parent.name}: taken for the right intent {share:.3f} of {total}; weakest {weakest}; "
              f"misses {taken or '-'}\n")
    return [f"{path.parent.name}: understood {share:.3f} is below {minimum:.2f}"] if share < minimum else []


def _floor_for(text: str) -> Tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, float(value)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("heldout", type=Path, nargs="+", help="result directories (or their intent_report.json)")
    parser.add_argument("--reject", type=Path, action="append", default=[], help="rejection.json of an off-topic file")
    parser.add_argument("--min", type=float, default=DEFAULT_MIN_MACRO_F1, dest="minimum")
    parser.add_argument("--floor", type=float, default=DEFAULT_FLOOR, help="per-intent F1 floor")
    parser.add_argument("--floor-for", type=_floor_for, action="append", default=[], metavar="NAME=F1")
    parser.add_argument("--recall-floor-for", type=_floor_for, action="append", default=[], metavar="NAME=R")
    parser.add_argument("--min-faq", type=float, default=DEFAULT_MIN_FAQ)
    parser.add_argument("--min-entity", type=float, default=DEFAULT_MIN_ENTITY)
    parser.add_argument("--entities", type=lambda s: tuple(s.split(",")), default=DEFAULT_ENTITIES)
    parser.add_argument("--entity-report", default=DEFAULT_ENTITY_REPORT)
    parser.add_argument("--min-rejected", type=float, default=DEFAULT_MIN_REJECTED)
    parser.add_argument("--understood", type=Path, action="append", default=[],
                        help="understood.json of a file of other people's requests labelled with our intents")
    parser.add_argument("--min-understood", type=float, default=DEFAULT_MIN_UNDERSTOOD)
    args = parser.parse_args(argv)
    args.floors = {**DEFAULT_FLOORS, **dict(args.floor_for)}
    args.recall_floors = {**DEFAULT_RECALL_FLOORS, **dict(args.recall_floor_for)}
    return args


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout) -> int:
    args = parse_args(argv)
    failures: List[str] = []
    measured: Dict[str, float] = {}
    try:
        for target in args.heldout:
            found, entities = check_heldout(target, args, out)
            failures += found
            measured.update(entities)
        for path in args.reject:
            failures += check_rejection(path, args.min_rejected, out)
        for path in args.understood:
            failures += check_understood(path, args.min_understood, out)
    except ReportError as exc:
        sys.stderr.write(f"nlu_report: {exc}\n")
        return 2
    failures += [f"{name}: no held-out file has examples of it" for name in args.entities if name not in measured]
    out.write("\n")
    for failure in failures:
        out.write(f"FAIL: {failure}\n")
    if failures:
        return 1
    out.write(f"OK: every held-out file >= {args.minimum:.2f} macro F1, every intent at its floor, FAQ and "
              f"entities at their gates" + (f", off-topic rejected >= {args.min_rejected:.2f}" if args.reject else "")
              + (f", other people's requests understood >= {args.min_understood:.2f}" if args.understood else "")
              + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
