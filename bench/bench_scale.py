"""Bot replies through the service vs straight to Rasa, interleaved, from one customer up to 1,000 connected.

``python -m bench.bench_scale [--connections 1000] [--chatting 20,50] [--messages 8]`` starts the
real stack (tests/stack.py: Rasa, action server, one handoff node, SQLite; Rasa's ``rest``
channel on through ``bench/credentials.yml``) and runs, one after another:

- ``alone``: one customer chatting, nobody else connected;
- ``connected_<N>_chatting_<k>``: ``N`` customer sockets connected over websocket, each with
  its session open (``session_request``), ``k`` of them chatting, the rest idle (answering
  the server's pings).

Every chatting customer alternates one message through the service (``user_uttered`` to the
first ``bot_uttered``, the ack included) and the same text straight to Rasa's REST webhook
under a sender of its own, so both see the same load at the same moment: the ratio is
measured in one run, not across runs. Also reported: where each bot turn's time went (the
service's ``handoff.turn_timing`` lines and the action server's ``actions.timing``), bot turns a
second, and the service's resident memory per connected socket. Nothing is asserted.

The idle sockets speak Engine.IO 4 / Socket.IO 5 over raw websockets (``websocket-client``),
one thread answering every ping, so the client side stays small; chatting customers use the
integration tests' python-socketio client.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import selectors
import signal
import statistics
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import psutil
import requests
import socketio
import websocket

from bench.bench_handoff import BENCH_CREDENTIALS, MESSAGES, percentiles
from tests.integration.clients import Customer
from tests.stack import PY, Proc, Stack, free_port, running_stack


class IdleSockets:
    """``n`` customer sockets with an open session each, kept alive by one ping-answering thread."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.sockets: List[websocket.WebSocket] = []
        self.selector = selectors.DefaultSelector()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._keep_alive, daemon=True)
        self.thread.start()

    def open(self, n: int, workers: int = 8) -> float:
        """Open ``n`` more sockets (``workers`` at a time); seconds taken."""
        t0 = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            for ws in pool.map(lambda _: self._one(), range(n)):
                with self.lock:
                    self.sockets.append(ws)
                    self.selector.register(ws.sock, selectors.EVENT_READ, ws)
        return time.perf_counter() - t0

    def keep(self, n: int) -> None:
        """Open or close sockets until ``n`` are open."""
        if len(self.sockets) < n:
            self.open(n - len(self.sockets))
        while len(self.sockets) > n:
            with self.lock:
                ws = self.sockets.pop()
                self.selector.unregister(ws.sock)
            ws.close(timeout=1)

    def _one(self) -> websocket.WebSocket:
        ws = websocket.create_connection(self.url, timeout=60)
        self._until(ws, lambda p: p.startswith("0{"))  # Engine.IO open
        ws.send("40")  # Socket.IO connect to "/"
        self._until(ws, lambda p: p.startswith("40"))
        ws.send('420["session_request",{"session_id":null}]')
        self._until(ws, lambda p: p.startswith("430"))  # the ack: the conversation is stored
        return ws

    @staticmethod
    def _until(ws: websocket.WebSocket, done: Any) -> str:
        while True:
            packet = ws.recv()
            if packet == "2":
                ws.send("3")
            elif done(packet):
                return str(packet)

    def _keep_alive(self) -> None:
        while not self.stopping.is_set():
            with self.lock:
                empty = not self.sockets
            if empty:
                time.sleep(0.2)
                continue
            for key, _ in self.selector.select(timeout=0.5):
                ws = key.data
                try:
                    if ws.recv() == "2":
                        ws.send("3")
                except (websocket.WebSocketException, OSError, AttributeError):
                    with self.lock:
                        if key.fileobj in self.selector.get_map():
                            self.selector.unregister(key.fileobj)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for ws in self.sockets:
            try:
                ws.close(timeout=1)
            except (websocket.WebSocketException, OSError):
                pass
        self.sockets.clear()


def chat(stack: Stack, chatting: int, messages: int, baseline_url: Optional[str] = None) -> Dict[str, Any]:
    """``chatting`` customers, each alternating service and REST with the same texts.

    With ``baseline_url`` (a node running other code on the same store and Rasa) each also
    chats through that node, in the same rotation.
    """
    service: List[float] = []
    rest: List[float] = []
    baseline: List[float] = []
    failed: List[str] = []  # a leg with no ack or no reply in time (counted, not fatal)
    lock = threading.Lock()

    def by_service(c: Customer, text: str, into: List[float]) -> None:
        mark = c.rec.mark()
        t0 = time.perf_counter()
        ack = c.say(text)
        c.rec.wait_for("bot_uttered", lambda d, seq=ack["seq"]: d["metadata"]["seq"] > seq, 120, start=mark)
        with lock:
            into.append(time.perf_counter() - t0)

    def by_rest(http: requests.Session, sender: str, text: str) -> None:
        t0 = time.perf_counter()
        resp = http.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                         timeout=120)
        resp.raise_for_status()
        with lock:
            rest.append(time.perf_counter() - t0)

    def one(worker: int) -> None:
        c = Customer(stack.base_url)
        b = Customer(baseline_url) if baseline_url else None
        sender = uuid.uuid4().hex
        try:
            c.start()
            if b is not None:
                b.start()
            with requests.Session() as http:
                for i in range(messages):
                    text = MESSAGES[i % len(MESSAGES)]
                    legs = [lambda t=text: by_service(c, t, service), lambda t=text: by_rest(http, sender, t)]
                    if b is not None:
                        legs.append(lambda t=text: by_service(b, t, baseline))
                    turn = (i + worker) % len(legs)
                    for leg in legs[turn:] + legs[:turn]:
                        try:
                            leg()
                        except (socketio.exceptions.SocketIOError, AssertionError, requests.RequestException) as exc:
                            with lock:
                                failed.append(type(exc).__name__)
        finally:
            c.close()
            if b is not None:
                b.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(chatting) as pool:
        list(pool.map(one, range(chatting)))
    wall = time.perf_counter() - t0
    out = {"service": percentiles(service), "rest": percentiles(rest), "wall_s": round(wall, 1),
           "bot_turns_per_s": round((len(service) + len(rest) + len(baseline)) / wall, 2), "failed_legs": len(failed)}
    out["ratio"] = {k: round(out["service"][k] / out["rest"][k], 2) for k in ("p50_ms", "p95_ms")}
    if baseline:
        out["baseline_node"] = percentiles(baseline)
        out["baseline_ratio"] = {k: round(out["baseline_node"][k] / out["rest"][k], 2) for k in ("p50_ms", "p95_ms")}
    return out


def log_lines(stack: Stack, name: str, marker: str) -> List[str]:
    return [ln for ln in (stack.workdir / f"{name}.log").read_text(errors="replace").splitlines() if marker in ln]


def phases(lines: List[str]) -> Dict[str, Dict[str, float]]:
    """p50/p95 ms of every ``<name>_ms=<value>`` in ``lines``."""
    values: Dict[str, List[float]] = {}
    for line in lines:
        for part in line.split():
            name, sep, value = part.partition("ms=")
            if sep:
                values.setdefault(name.rstrip("_") or "ms", []).append(float(value))
    return {name: {"p50_ms": round(statistics.median(v), 1),
                   "p95_ms": round(sorted(v)[min(len(v) - 1, int(0.95 * (len(v) - 1) + 0.5))], 1), "n": len(v)}
            for name, v in values.items()}


class Marks:
    """Log lines since the last look, per log and marker."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.seen: Dict[Tuple[str, str], int] = {}

    def new(self, name: str, marker: str) -> List[str]:
        lines = log_lines(self.stack, name, marker)
        start = self.seen.get((name, marker), 0)
        self.seen[(name, marker)] = len(lines)
        return lines[start:]


def rss_mib(stack: Stack) -> float:
    return round(psutil.Process(stack.procs["handoff0"].popen.pid).memory_info().rss / 2**20, 1)


def scenario(stack: Stack, marks: Marks, chatting: int, messages: int,
             baseline_url: Optional[str] = None) -> Dict[str, Any]:
    out = chat(stack, chatting, messages, baseline_url)
    out["turn_phases"] = phases(marks.new("handoff0", "handoff.turn_timing"))
    actions = marks.new("actions", "actions.timing")
    turns = out["service"]["n"] + out["rest"]["n"] + out.get("baseline_node", {}).get("n", 0)
    out["action_calls"] = {**phases(actions).get("ms", {}), "per_bot_turn": round(len(actions) / max(1, turns), 2)}
    print(json.dumps({"scenario": {"chatting": chatting, **out}}), flush=True)  # kept should a later one fail
    return out


@contextlib.contextmanager
def baseline_node(stack: Stack, source: Optional[Path]) -> Iterator[Optional[str]]:
    """Another handoff node running the code in ``source`` (e.g. ``git archive`` of an older commit)."""
    if source is None:
        yield None
        return
    port = free_port()
    env = {**stack.procs["handoff0"].env, "PYTHONPATH": str(source), "HANDOFF_PORT": str(port),
           "NODE_ID": f"baseline:{port}", "POLICY_DIR": str(source / "policy")}
    log = (stack.workdir / "baseline.log").open("ab")
    proc = subprocess.Popen([PY, "-m", "handoff"], cwd=source, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/health", timeout=2).json().get("status") == "ok":
                    break
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--chatting", default="20,50", help="comma-separated numbers of chatting customers")
    parser.add_argument("--messages", type=int, default=8, help="messages each chatting customer sends each way")
    parser.add_argument("--alone-messages", type=int, default=20)
    parser.add_argument("--baseline-src", type=Path, default=None,
                        help="also chat through a node running this source tree (before/after in one run)")
    args = parser.parse_args(argv)
    out: Dict[str, Any] = {"connections": args.connections, "load_average_before": os.getloadavg()}
    Proc.start.__defaults__ = (1800.0,)  # Rasa's start-up on a loaded 2-core machine can pass 10 minutes
    with running_stack(credentials=BENCH_CREDENTIALS) as stack, baseline_node(stack, args.baseline_src) as base:
        marks = Marks(stack)
        chat(stack, 2, 2, base)  # warm-up (model, action server, caches)
        marks.new("handoff0", "handoff.turn_timing")
        marks.new("actions", "actions.timing")
        out["alone"] = scenario(stack, marks, 1, args.alone_messages, base)
        idle = IdleSockets(stack.base_url)
        try:
            levels = [int(k) for k in args.chatting.split(",") if k.strip()]
            before = rss_mib(stack)
            opened_s = idle.open(max(0, args.connections - max(levels)))
            after = rss_mib(stack)
            out["idle_sockets"] = {"opened": len(idle.sockets), "open_s": round(opened_s, 1),
                                   "rss_mib_before": before, "rss_mib_after": after,
                                   "kib_per_connection": round((after - before) * 1024 / max(1, len(idle.sockets)), 1)}
            for k in levels:
                idle.keep(max(0, args.connections - k))
                out[f"connected_{len(idle.sockets) + k}_chatting_{k}"] = scenario(stack, marks, k, args.messages, base)
            out["rss_mib_end"] = rss_mib(stack)
        finally:
            idle.close()
    out["load_average_after"] = os.getloadavg()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
