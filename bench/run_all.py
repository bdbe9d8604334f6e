"""Every benchmark in one run, one summary table: ``python -m bench.run_all`` (``make bench``).

Runs, one after another (the machine is small; parallel runs would skew each other),
each benchmark module of ``bench/`` that exists, as its own process, and collects what it
prints: a JSON object on its last JSON line (flattened to ``a.b.c`` figures), or, for text
reports such as ``eval_detector``, the lines that carry a headline figure. Adds the size
of ``models/support.tar.gz``. A benchmark that fails shows as ``FAILED`` with the tail of
its error; the others still run. Figures are reported, never asserted.

Usage: python -m bench.run_all [--only rasa_latency,action_latency] [--quick] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "support.tar.gz"

# (module, full-run arguments, --quick arguments), in the order they run.
BENCHMARKS: Tuple[Tuple[str, Tuple[str, ...], Tuple[str, ...]], ...] = (
    ("rasa_latency", ("--requests", "200"), ("--requests", "40")),
    ("action_latency", ("--requests", "200"), ("--requests", "40")),
    ("detector_speed", (), ()),
    ("bench_handoff", (), ("--customers", "3", "--messages", "3", "--agents", "1")),
    ("bench_scale", (), ("--connections", "100", "--chatting", "5", "--messages", "2", "--alone-messages", "4")),
    ("eval_detector", (), ()),
)
# Text reports: lines worth a row in the table.
HEADLINE = re.compile(r"AUC|F1\b|precision \d|rated severe|ms/message|messages?/s|accuracy", re.I)
TIMEOUT_S = 1800


@dataclass
class Outcome:
    """What one benchmark produced."""

    name: str
    seconds: float
    ok: bool
    figures: List[Tuple[str, str]] = field(default_factory=list)
    error: str = ""


def flatten(value: Any, prefix: str = "") -> Iterator[Tuple[str, str]]:
    """``{"a": {"b": 1}}`` -> ``("a.b", "1")``; lists of scalars are joined."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        yield prefix, ", ".join(str(v) for v in value)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from flatten(inner, f"{prefix}[{i}]")
    else:
        yield prefix, str(value)


def figures_from(stdout: str) -> List[Tuple[str, str]]:
    """The figures in a benchmark's output: its last JSON object, else its headline lines.

    The JSON object may be on one line or indented over several (it then starts with a
    ``{`` in the first column and runs to the end of the output).
    """
    lines = stdout.strip().splitlines()
    for i in reversed(range(len(lines))):
        if not lines[i].startswith("{"):
            continue
        for candidate in (lines[i], "\n".join(lines[i:])):
            try:
                value = json.loads(candidate)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return list(flatten(value))
    rows: List[Tuple[str, str]] = []
    section = ""
    for line in lines:
        if line and not line[0].isspace():
            section = line.strip().split(" n=")[0]
        if HEADLINE.search(line):
            rows.append((section if line[:1].isspace() else "", line.strip()))
    return rows


def available(names: Optional[Sequence[str]] = None) -> List[Tuple[str, Tuple[str, ...], Tuple[str, ...]]]:
    """The benchmarks whose module exists (optionally only ``names``)."""
    chosen = [b for b in BENCHMARKS if (ROOT / "bench" / f"{b[0]}.py").is_file()]
    return [b for b in chosen if not names or b[0] in names]


def run_one(name: str, args: Sequence[str], timeout: float = TIMEOUT_S) -> Outcome:
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", f"bench.{name}", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Outcome(name, time.monotonic() - started, False, error=f"timed out after {timeout:.0f}s")
    seconds = time.monotonic() - started
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return Outcome(name, seconds, False, error=f"exit {done.returncode}: " + " | ".join(tail))
    return Outcome(name, seconds, True, figures_from(done.stdout))


def model_size() -> Outcome:
    if not MODEL.is_file():
        return Outcome("model", 0.0, False, error=f"{MODEL.relative_to(ROOT)} is missing (make train)")
    return Outcome("model", 0.0, True, [("support.tar.gz MiB", f"{MODEL.stat().st_size / 2**20:.1f}")])


def table(outcomes: Sequence[Outcome]) -> str:
    rows = [("benchmark", "figure", "value")]
    for out in outcomes:
        if not out.ok:
            rows.append((out.name, "FAILED", out.error[:160]))
            continue
        for i, (figure, value) in enumerate(out.figures or [("(no figures printed)", "")]):
            rows.append((out.name if i == 0 else "", figure, value))
        if out.seconds:
            rows.append(("", "(wall time s)", f"{out.seconds:.0f}"))
    width = [max(len(r[i]) for r in rows) for i in (0, 1)]
    lines = [f"{r[0]:<{width[0]}}  {r[1]:<{width[1]}}  {r[2]}" for r in rows]
    lines.insert(1, "-" * (width[0] + width[1] + 4 + max(len(r[2]) for r in rows)))
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--quick", action="store_true", help="fewer requests and customers (a smoke run)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    outcomes = [model_size()]
    for name, full, quick in available(names):
        print(f"running bench.{name} ...", file=sys.stderr, flush=True)
        outcomes.append(run_one(name, quick if args.quick else full))
    print(table(outcomes))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([{"name": o.name, "ok": o.ok, "seconds": round(o.seconds, 1),
                                          "figures": dict(o.figures), "error": o.error} for o in outcomes],
                                        indent=2))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
