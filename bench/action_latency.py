"""Action server latency and memory: ``python -m bench.action_latency [--requests 200]``.

Starts ``python -m bot.serve_actions`` on a free loopback port against a private, seeded
SQLite copy, POSTs ``action_order_status`` for a signed-in customer to ``/webhook``, and
prints p50/p95 latency and the server's peak RSS as JSON. Reported, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seeded_database(folder: Path) -> str:
    from common.settings import load_settings
    from store.migrate import migrate

    url = f"sqlite:///{folder / 'bench.db'}"
    migrate(dataclasses.replace(load_settings(), database_url=url, seed_fast=True))
    return url


def order_status_call(token: str) -> Dict[str, Any]:
    """The body Rasa posts for ``action_order_status`` (a signed-in Maya asking)."""
    latest = {"intent": {"name": "order_status", "confidence": 0.98}, "entities": [], "text": "where is my order?",
              "metadata": {"identity_token": token}}
    return {"next_action": "action_order_status", "sender_id": "bench", "version": "3.6.21",
            "tracker": {"sender_id": "bench", "slots": {}, "latest_message": latest,
                        "events": [{"event": "user", "text": latest["text"], "parse_data": latest}],
                        "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"},
            "domain": {}}


def customer_token(url: str) -> str:
    from sqlalchemy import select

    from common.identity import sign_identity
    from common.settings import load_settings
    from store.db import make_engine, session_factory
    from store.models import Customer

    settings = dataclasses.replace(load_settings(), database_url=url)
    engine = make_engine(settings)
    with session_factory(engine)() as session:
        maya = session.execute(select(Customer).where(Customer.email == "maya@example.com")).scalar_one()
        token = sign_identity(maya.id, maya.email, settings.identity_secret)
    engine.dispose()
    return token


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"action server exited with {proc.returncode}")
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError("action server did not come up")


def measure(requests_count: int) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = seeded_database(Path(folder))
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "ACTIONS_PORT": str(port), "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "bot.serve_actions"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            started = time.monotonic()
            wait_until_up(base, proc)
            startup_s = time.monotonic() - started
            body = order_status_call(customer_token(url))
            server = psutil.Process(proc.pid)
            peak = server.memory_info().rss
            timings: List[float] = []
            with requests.Session() as http:
                for _ in range(requests_count):
                    t0 = time.perf_counter()
                    response = http.post(f"{base}/webhook", json=body, timeout=10)
                    timings.append((time.perf_counter() - t0) * 1000)
                    response.raise_for_status()
                    peak = max(peak, server.memory_info().rss)
            said = [r.get("text") for r in response.json()["responses"]]
            if not any("#1042" in (t or "") for t in said):
                raise RuntimeError(f"unexpected reply: {said}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    timings.sort()
    return {"requests": requests_count, "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1), "max_ms": round(timings[-1], 1),
            "startup_s": round(startup_s, 1), "peak_rss_mb": round(peak / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps({"action_server": measure(args.requests)}))


if __name__ == "__main__":
    main()
