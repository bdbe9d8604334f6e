"""Detector start-up time and per-message latency (reported, never asserted).

Start-up is measured in a fresh interpreter (``python -m handoff.detect`` on one line of
input), latency in-process over ~2,000 messages (GoEmotions dev and TweetEval text, or the
built-in customer messages when ../shared/eval is absent), one message at a time: wall time,
and the process's CPU time (``time.process_time``: every thread, BLAS included), which
other processes on a busy machine inflate far less than wall time.

Usage: python -m bench.detector_speed [--messages N] [--eval-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional, Sequence

from bench.shared import shared_dir

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DIR = shared_dir() / "eval"
CUSTOMER_MESSAGES = [
    "I'm so frustrated! I paid for overnight shipping for a birthday gift and it's three days late.",
    "Where is my order #1042?",
    "The vase arrived smashed. It was a gift.",
    "You charged me twice this month, this is the third time I'm asking!!!",
    "I'm not unhappy with it, just want to change the colour.",
    "Great, just great. Still nothing.",
    "Can I pay with PayPal?",
    "If this isn't fixed today I'm filing a chargeback with my bank.",
]


def messages(eval_dir: Path, limit: int) -> List[str]:
    """Real text to time: the public evaluation sets, else built-in customer messages."""
    texts: List[str] = []
    ge = eval_dir / "goemotions" / "dev.tsv"
    te = eval_dir / "tweeteval_emotion" / "val_text.txt"
    if ge.is_file():
        texts += [line.split("\t")[0] for line in ge.read_text(encoding="utf-8").splitlines()]
    if te.is_file():
        texts += te.read_text(encoding="utf-8").splitlines()
    if not texts:
        texts = CUSTOMER_MESSAGES
    while len(texts) < limit:
        texts = texts + texts
    step = max(1, len(texts) // limit)
    return texts[::step][:limit]


def startup_seconds() -> float:
    """Wall time of a fresh ``python -m handoff.detect`` scoring one line."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "handoff.detect"], input="hello\n", text=True,
                   capture_output=True, check=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    args = parser.parse_args(argv)

    from handoff.detect import Detector

    start, cpu_start = time.perf_counter(), time.process_time()
    detector = Detector.load()
    load_s, load_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    texts = messages(args.eval_dir, args.messages)
    for text in texts[:50]:  # warm-up
        detector.score_message(text)
    times, cpu = [], []
    for text in texts:
        t0, c0 = time.perf_counter(), time.process_time()
        detector.score_message(text)
        cpu.append((time.process_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
    fresh = startup_seconds()
    print(f"start-up: Detector.load() {load_s:.2f} s in-process ({load_cpu_s:.2f} s CPU); "
          f"fresh `python -m handoff.detect` one line {fresh:.2f} s")
    print(f"latency over {len(times)} messages: p50 {percentile(times, 0.5):.2f} ms, "
          f"p95 {percentile(times, 0.95):.2f} ms, p99 {percentile(times, 0.99):.2f} ms, "
          f"mean {statistics.fmean(times):.2f} ms")
    print(f"CPU time per message (unaffected by other processes): p50 "
          f"{percentile(cpu, 0.5):.2f} ms, p95 {percentile(cpu, 0.95):.2f} ms; "
          f"1-min load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(json.dumps({"detector": {
        "cpu_p50_ms": round(percentile(cpu, 0.5), 2), "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
        "load_s": round(load_s, 2), "load_cpu_s": round(load_cpu_s, 2), "startup_cli_s": round(fresh, 2),
        "p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2),
        "messages": len(times), "loadavg_1m": round(os.getloadavg()[0], 2)}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
