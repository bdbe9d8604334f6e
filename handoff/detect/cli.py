"""``python -m handoff.detect``: score messages from stdin, one JSON object per line out.

Contract (DESIGN.md 4): each input line is plain text or a JSON object with a ``text`` field
(malformed JSON is scored as text; blank lines are skipped); each output line is
``{"text", "score", "severity", "reasons"}``. Lines are independent messages unless
``--conversation`` is given, then they are successive turns of one conversation (a JSON line
may add ``intent`` and ``confidence`` for the bot's reading of that turn).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Sequence, Tuple

from handoff.detect.detector import Detector
from handoff.detect.finding import Finding, Turn
from handoff.detect.learned import ModelError
from handoff.detect.policy import PolicyError


def parse_line(line: str) -> Tuple[str, Dict[str, Any]]:
    """The message text of one input line, and the JSON object's fields (or {})."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            return stripped, {}
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            return data["text"], data
    return stripped, {}


def _number(value: Any) -> Optional[float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def output(text: str, finding: Finding, details: bool) -> str:
    record: Dict[str, Any] = {"text": text, "score": round(finding.score, 4),
                              "severity": finding.severity, "reasons": finding.reasons}
    if details:
        record["topics"] = finding.topics
        record["signals"] = {k: round(v, 4) for k, v in finding.signals.items()}
    return json.dumps(record, ensure_ascii=False)


def run(detector: Detector, lines: IO[str], out: IO[str], *, conversation: bool = False,
        details: bool = False) -> int:
    """Score every non-blank line; returns how many were scored."""
    history: List[Turn] = []
    count = 0
    for line in lines:
        if not line.strip():
            continue
        text, fields = parse_line(line)
        if conversation:
            finding = detector.score_turn(text, history,
                                          waiting_s=_number(fields.get("waiting_s")) or 0.0,
                                          customer_value=_number(fields.get("customer_value")) or 0.0)
            intent = fields.get("intent") if isinstance(fields.get("intent"), str) else None
            history.append(Turn(text, intent, _number(fields.get("confidence")), finding))
        else:
            finding = detector.score_message(text)
        out.write(output(text, finding, details) + "\n")
        out.flush()
        count += 1
    return count


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handoff.detect",
                                     description="Score customer messages read from stdin.")
    parser.add_argument("--conversation", action="store_true",
                        help="treat the lines as successive turns of one conversation")
    parser.add_argument("--policy", type=Path, default=None,
                        help="policy file (default: policy/detector.yml)")
    parser.add_argument("--details", action="store_true", help="add topics and signals")
    args = parser.parse_args(argv)
    try:
        detector = Detector.load(args.policy)
    except (PolicyError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "strict")):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", errors=errors)
    run(detector, sys.stdin, sys.stdout, conversation=args.conversation, details=args.details)
    return 0
