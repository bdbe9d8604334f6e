"""Evaluate the trained model on every held-out NLU file, loading it once (``make nlu-report``).

For each ``--heldout`` file this runs Rasa's own evaluation (``rasa test nlu``: intent, response
selection and entity reports) into ``<out>/<file stem>/``. For each ``--reject`` file (every message
off-topic) it writes ``<out>/<file stem>/rejection.json``: how many messages the model turned away
(``out_of_scope`` or ``nlu_fallback``) and what it took the others for. ``rasa test nlu`` itself
can't do that: it skips intent evaluation when a file has a single label. For each ``--understood``
file (other people's requests, each labelled with the intent of ours that should answer it) it writes
``<out>/<file stem>/understood.json``: the share the model took for that intent, per intent, and
what it took the others for. A clarifying question (``nlu_fallback``) counts as not understood.

The gates live in ``bench.nlu_report``.

Usage: python -m bench.nlu_eval --model models/support.tar.gz --out results/nlu
           --heldout tests/nlu/test_nlu.yml --heldout tests/nlu/test_nlu_styles.yml
           --reject tests/nlu/clinc150_oos_val.yml --understood tests/nlu/clinc150_inscope_val.yml
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

#: Predictions that count as the assistant declining an off-topic message.
REJECTED = frozenset({"out_of_scope", "nlu_fallback"})


def rejection_summary(predictions: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """Share of ``predictions`` (``{"text", "intent", "confidence"}``) rejected, and the rest by intent."""
    accepted = [p for p in predictions if p["intent"] not in REJECTED]
    total = len(predictions)
    return {
        "total": total,
        "rejected": total - len(accepted),
        "rejected_share": (total - len(accepted)) / total if total else 0.0,
        "taken_for": dict(Counter(p["intent"] for p in accepted).most_common()),
        "accepted": sorted(accepted, key=lambda p: -p["confidence"]),
    }


def understood_summary(predictions: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """Share of ``predictions`` (``{"text", "expected", "intent", "confidence"}``) taken for the expected
    intent, overall and per expected intent, with the misses."""
    by_intent: Dict[str, List[bool]] = {}
    for p in predictions:
        by_intent.setdefault(p["expected"], []).append(p["intent"] == p["expected"])
    misses = [p for p in predictions if p["intent"] != p["expected"]]
    total = len(predictions)
    return {
        "total": total,
        "understood": total - len(misses),
        "understood_share": (total - len(misses)) / total if total else 0.0,
        "per_intent": {name: round(sum(hits) / len(hits), 4) for name, hits in sorted(by_intent.items())},
        "taken_for": dict(Counter(f"{p['expected']} -> {p['intent']}" for p in misses).most_common()),
        "misses": sorted(misses, key=lambda p: (p["expected"], -p["confidence"])),
    }


async def _predict(processor: Any, path: Path) -> List[Dict[str, Any]]:
    from rasa.core.channels import UserMessage
    from rasa.shared.nlu.training_data.loading import load_data

    predictions = []
    for example in load_data(str(path)).intent_examples:
        text = example.get("text")
        parsed = await processor.parse_message(UserMessage(text))
        intent = parsed.get("intent") or {}
        predictions.append({"text": text, "expected": example.get("intent"), "intent": intent.get("name"),
                            "confidence": round(float(intent.get("confidence") or 0.0), 4)})
    return predictions


async def evaluate(model: Path, out: Path, heldout: Sequence[Path], reject: Sequence[Path],
                   understood: Sequence[Path] = ()) -> None:
    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    processor = Agent.load(model_path=str(model)).processor
    for path in heldout:
        target = out / path.stem
        target.mkdir(parents=True, exist_ok=True)
        await run_evaluation(str(path), processor, output_directory=str(target), errors=True,
                             disable_plotting=True)
    for paths, summarize, name in ((reject, rejection_summary, "rejection.json"),
                                   (understood, understood_summary, "understood.json")):
        for path in paths:
            target = out / path.stem
            target.mkdir(parents=True, exist_ok=True)
            summary = summarize(await _predict(processor, path))
            (target / name).write_text(json.dumps(summary, indent=1), encoding="utf-8")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/support.tar.gz"))
    parser.add_argument("--out", type=Path, default=Path("results/nlu"))
    parser.add_argument("--heldout", type=Path, action="append", default=[])
    parser.add_argument("--reject", type=Path, action="append", default=[])
    parser.add_argument("--understood", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    asyncio.run(evaluate(args.model, args.out, args.heldout, args.reject, args.understood))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
