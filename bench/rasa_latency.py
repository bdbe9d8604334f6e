"""Rasa NLU latency and memory: ``python -m bench.rasa_latency [--requests 200]``.

Starts ``rasa run --enable-api`` with ``models/support.tar.gz`` on a free loopback port
(no action server: ``/model/parse`` only runs the NLU pipeline), sends ``--requests``
varied messages one after another to ``POST /model/parse`` and prints, as one JSON line,
p50/p95/max latency, the server's start-up time and its peak resident memory (the Rasa
process and its children, sampled every 50 ms from launch to shutdown). The messages
come round-robin over the intents of the held-out NLU file ``tests/nlu/test_nlu.yml``
(other people's wording, never trained on), so every intent and length is represented.
Reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import psutil
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv" / "bin" / "rasa"
MODEL = ROOT / "models" / "support.tar.gz"
HELD_OUT = ROOT / "tests" / "nlu" / "test_nlu.yml"
TOKEN = "bench-rasa-token"
# Markdown-style entity annotations: "[1042](order_number)" or '[x]{"entity": ...}'.
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def plain(example: str) -> str:
    """``"where is [1042](order_number)"`` -> ``"where is 1042"``."""
    return ANNOTATION.sub(r"\1", example).strip()


def varied_messages(count: int, path: Path = HELD_OUT) -> List[str]:
    """``count`` messages taken round-robin over the intents of an NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups: List[List[str]] = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        lines = [plain(line[2:]) for line in str(block.get("examples") or "").splitlines()
                 if line.strip().startswith("- ")]
        if lines:
            groups.append([line for line in lines if line])
    if not groups:
        raise ValueError(f"no intent examples in {path}")
    messages: List[str] = []
    index = 0
    while len(messages) < count:
        for group in groups:
            if index < len(group):
                messages.append(group[index])
        index += 1
        if index > max(len(g) for g in groups):  # every example used: start over
            index = 0
    return messages[:count]


def percentile(ordered: List[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))]


class PeakRss:
    """Samples the resident memory of a process and its children in a thread."""

    def __init__(self, pid: int, every_s: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.every_s = every_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        for proc in [self.process, *self.process.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self._sample())
            except psutil.Error:
                return
            self._stop.wait(self.every_s)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rasa exited with {proc.returncode}")
        try:
            if requests.get(f"{base}/status", params={"token": TOKEN}, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"rasa did not load the model within {timeout}s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def measure(count: int, model: Path = MODEL, startup_timeout: float = 300.0) -> Dict[str, Any]:
    """Start Rasa, time ``count`` parses, stop it; figures in milliseconds and MiB."""
    if not model.is_file():
        raise FileNotFoundError(f"{model} is missing: run `make train` first")
    messages = varied_messages(count)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="bench-rasa-") as work:
        endpoints = Path(work) / "endpoints.yml"
        endpoints.write_text("{}\n")  # no action server, no tracker store: NLU only
        log = (Path(work) / "rasa.log").open("wb")
        started = time.monotonic()
        proc = subprocess.Popen([str(RASA), "run", "--enable-api", "--auth-token", TOKEN, "-i", "127.0.0.1",
                                 "-p", str(port), "--model", str(model), "--endpoints", str(endpoints)],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        timings: List[float] = []
        intents: Dict[str, int] = {}
        try:
            with PeakRss(proc.pid) as rss:
                wait_until_up(base, proc, startup_timeout)
                startup_s = time.monotonic() - started
                with requests.Session() as http:
                    for text in messages:
                        t0 = time.perf_counter()
                        resp = http.post(f"{base}/model/parse", params={"token": TOKEN}, json={"text": text},
                                         timeout=60)
                        timings.append((time.perf_counter() - t0) * 1000)
                        resp.raise_for_status()
                        name = (resp.json().get("intent") or {}).get("name") or "none"
                        intents[name] = intents.get(name, 0) + 1
        finally:
            stop(proc)
            log.close()
    timings.sort()
    return {"requests": len(timings), "distinct_texts": len(set(messages)), "intents_seen": len(intents),
            "p50_ms": round(statistics.median(timings), 1), "p95_ms": round(percentile(timings, 95), 1),
            "max_ms": round(timings[-1], 1), "startup_s": round(startup_s, 1),
            "peak_rss_mb": round(rss.peak / 2**20, 1), "model_mb": round(model.stat().st_size / 2**20, 1)}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    print(json.dumps({"rasa": measure(args.requests, args.model)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
