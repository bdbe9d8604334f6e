"""Seconds from ``make run`` to a green ``/health``: ``python -m bench.bench_startup [--runs 1]``.

Starts the command (default ``make run``; nothing should need building: run it once first),
polls ``http://127.0.0.1:8000/health`` every 0.25 s and notes when the action server, Rasa and
the whole service first answer ok, then stops everything with Ctrl-C's signal (SIGINT to
the process group, as honcho expects) and prints the figures as JSON. The ports of ``make
run`` (8000, 5005, 5055) must be free. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
HEALTH = "http://127.0.0.1:8000/health"
PORTS = (8000, 5005, 5055)


def busy(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def one_run(command: List[str], timeout: float) -> Dict[str, Any]:
    taken = [p for p in PORTS if busy(p)]
    if taken:
        raise SystemExit(f"ports {taken} are in use: stop what listens there first")
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    seen: Dict[str, Optional[float]] = {"service": None, "action_server": None, "rasa": None, "all_green": None}
    try:
        while time.monotonic() - started < timeout and seen["all_green"] is None:
            if proc.poll() is not None:
                raise SystemExit(f"{command} exited with {proc.returncode}")
            try:
                body = requests.get(HEALTH, timeout=2).json()
            except (requests.RequestException, ValueError):
                body = {}
            now = round(time.monotonic() - started, 1)
            for part in ("service", "action_server", "rasa"):
                if seen[part] is None and (body.get(part) or {}).get("ok"):
                    seen[part] = now
            if body.get("status") == "ok":
                seen["all_green"] = now
            time.sleep(0.25)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    return {"seconds_until": seen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--command", default="make run", help="what to start (default: make run)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        runs.append(one_run(shlex.split(args.command), args.timeout))
        deadline = time.monotonic() + 60
        while any(busy(p) for p in PORTS) and time.monotonic() < deadline:  # the last run is gone first
            time.sleep(0.5)
    print(json.dumps({"command": args.command, "load_average": os.getloadavg(), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
