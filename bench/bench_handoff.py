"""Benchmark of the handoff service: bot-reply latency through it vs straight to Rasa.

``python -m bench.bench_handoff [--customers 10] [--messages 5] [--agents 2]`` starts the
real stack (tests/stack.py: Rasa, action server, one handoff node, SQLite) and measures,
in the same run:

- bot-reply latency through the service (``user_uttered`` -> first ``bot_uttered``) and
  straight to Rasa's REST webhook with the same messages and concurrency: p50/p95/p99 and
  their ratio (``rest`` is on only in the benchmark's own ``bench/credentials.yml``);
- agent relay latency (agent ``send`` -> customer ``bot_uttered``, and customer
  ``user_uttered`` -> agent ``message``);
- customer messages per second through the service;
- resident memory of the handoff process before and after.

Figures are printed as JSON (and reported in the README); nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

import psutil
import requests

from tests.integration.clients import Agent, Customer
from tests.stack import Stack, running_stack

BENCH_CREDENTIALS = Path(__file__).resolve().parent / "credentials.yml"

MESSAGES = ["hi", "what payment methods do you accept?", "how long does delivery take?",
            "what is your return policy?", "thanks"]


def percentiles(values: List[float]) -> Dict[str, float]:
    """p50/p95/p99 and mean in milliseconds."""
    if not values:
        return {}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000, 1)

    return {"n": len(values), "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "mean_ms": round(statistics.mean(values) * 1000, 1)}


def through_service(stack: Stack, customers: int, messages: int) -> Dict[str, Any]:
    latencies: List[float] = []
    lock = threading.Lock()

    def one() -> None:
        c = Customer(stack.base_url)
        try:
            c.start()
            for i in range(messages):
                mark = c.rec.mark()
                t0 = time.perf_counter()
                ack = c.say(MESSAGES[i % len(MESSAGES)])
                c.rec.wait_for("bot_uttered", lambda d, seq=ack["seq"]: d["metadata"]["seq"] > seq, 120, start=mark)
                with lock:
                    latencies.append(time.perf_counter() - t0)
        finally:
            c.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(customers) as pool:
        list(pool.map(lambda _: one(), range(customers)))
    wall = time.perf_counter() - t0
    return {**percentiles(latencies), "messages_per_s": round(len(latencies) / wall, 2), "wall_s": round(wall, 2)}


def straight_to_rasa(stack: Stack, customers: int, messages: int) -> Dict[str, Any]:
    latencies: List[float] = []
    lock = threading.Lock()

    def one() -> None:
        sender = uuid.uuid4().hex
        with requests.Session() as http:
            for i in range(messages):
                t0 = time.perf_counter()
                resp = http.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": MESSAGES[i % len(MESSAGES)]}, timeout=120)
                resp.raise_for_status()
                with lock:
                    latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(customers) as pool:
        list(pool.map(lambda _: one(), range(customers)))
    wall = time.perf_counter() - t0
    return {**percentiles(latencies), "messages_per_s": round(len(latencies) / wall, 2), "wall_s": round(wall, 2)}


def agent_relay(stack: Stack, agents: int, rounds: int = 10) -> Dict[str, Any]:
    names = ["dana", "sam"][:max(1, min(agents, 2))]
    consoles = [Agent(stack.base_url, n) for n in names]
    to_customer: List[float] = []
    to_agent: List[float] = []
    try:
        for console in consoles:
            c = Customer(stack.base_url)
            c.start()
            mark = console.rec.mark()
            c.say("I want to talk to a person")
            item = console.rec.wait_for("queue", lambda d, sid=c.session_id: any(i["session_id"] == sid for i in d["items"]),
                                        120, start=mark)
            cid = next(i["conversation_id"] for i in item["items"] if i["session_id"] == c.session_id)
            assert console.call("claim", {"conversation_id": cid})["ok"]
            for n in range(rounds):
                mark = c.rec.mark()
                t0 = time.perf_counter()
                console.call("send", {"conversation_id": cid, "text": f"agent says {n}"})
                c.rec.wait_for("bot_uttered", lambda d, n=n: d["text"] == f"agent says {n}", 30, start=mark)
                to_customer.append(time.perf_counter() - t0)
                mark = console.rec.mark()
                t0 = time.perf_counter()
                c.say(f"customer says {n}")
                console.rec.wait_for("message", lambda d, n=n: d["message"]["text"] == f"customer says {n}", 30, start=mark)
                to_agent.append(time.perf_counter() - t0)
            console.call("resolve", {"conversation_id": cid, "disposition": "bench"})
            c.close()
    finally:
        for console in consoles:
            console.close()
    return {"agent_to_customer": percentiles(to_customer), "customer_to_agent": percentiles(to_agent)}


def turn_breakdown(stack: Stack, skip: int = 0) -> Dict[str, Any]:
    """Median and p95 ms per phase of the bot turns the service logged (``handoff.turn_timing``)."""
    phases: Dict[str, List[float]] = {}
    lines = [ln for ln in (stack.workdir / "handoff0.log").read_text(errors="replace").splitlines()
             if "handoff.turn_timing" in ln][skip:]
    for line in lines:
        for part in line.split():
            name, sep, value = part.partition("_ms=")
            if sep:
                phases.setdefault(name, []).append(float(value))
    return {name: {"p50_ms": round(statistics.median(v), 1),
                   "p95_ms": round(sorted(v)[min(len(v) - 1, int(0.95 * (len(v) - 1) + 0.5))], 1)}
            for name, v in phases.items()}


def timed_turns(stack: Stack) -> int:
    return sum("handoff.turn_timing" in ln
               for ln in (stack.workdir / "handoff0.log").read_text(errors="replace").splitlines())


def rss_mb(stack: Stack) -> float:
    proc = psutil.Process(stack.procs["handoff0"].popen.pid)
    return round(proc.memory_info().rss / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--agents", type=int, default=2)
    args = parser.parse_args()
    # Every simulated customer comes from 127.0.0.1: the stack's roomy limits apply (tests.stack).
    # Rasa's `rest` channel (the baseline) is on only here, through the benchmark's own credentials.
    with running_stack(credentials=BENCH_CREDENTIALS) as stack:
        straight_to_rasa(stack, 2, 2)  # warm-up (model, action server, caches)
        through_service(stack, 2, 2)
        before = rss_mb(stack)
        alone_rasa = straight_to_rasa(stack, 1, args.messages * 4)
        mark = timed_turns(stack)
        alone_service = through_service(stack, 1, args.messages * 4)
        alone_breakdown = turn_breakdown(stack, mark)
        rasa = straight_to_rasa(stack, args.customers, args.messages)
        service = through_service(stack, args.customers, args.messages)
        relay = agent_relay(stack, args.agents)
        after = rss_mb(stack)

    def ratio(a: Dict[str, Any], b: Dict[str, Any]) -> Dict[str, float]:
        return {k: round(a[k] / b[k], 2) for k in ("p50_ms", "p95_ms", "p99_ms") if b.get(k)}

    print(json.dumps({"customers": args.customers, "messages_each": args.messages, "agents": args.agents,
                      "alone": {"through_service": alone_service, "straight_to_rasa": alone_rasa,
                                "ratio": ratio(alone_service, alone_rasa), "turn_phases": alone_breakdown},
                      "bot_reply_through_service": service, "bot_reply_straight_to_rasa": rasa,
                      "service_over_rasa_ratio": ratio(service, rasa), "agent_relay": relay,
                      "handoff_rss_mb": {"before": before, "after": after}}, indent=2))


if __name__ == "__main__":
    main()
