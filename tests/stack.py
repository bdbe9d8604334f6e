"""Start the real stack on loopback for tests: Rasa, the action server, the handoff service.

Every process gets a free port and a temporary database; nothing is left running.

    from tests.stack import running_stack
    with running_stack() as stack:
        requests.get(stack.base_url + "/health")

Integration and browser tests use the session-scoped ``stack`` fixture
(``tests/integration/conftest.py``), which wraps :func:`running_stack`. The Rasa model is
``models/support.tar.gz``; when it is missing it is trained first (like ``make train``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
RASA = str(ROOT / ".venv" / "bin" / "rasa")
MODEL = ROOT / "models" / "support.tar.gz"
TOKEN = "stack-test-token"
SECRET = "stack-test-secret-0123456789abcdef0123456789"
# Every test client comes from 127.0.0.1, so limits keyed by address would make tests throttle
# each other; the suite's nodes get roomy limits, and the limit tests start nodes with real ones.
ROOMY_LIMITS = {"RATE_LIMIT_MESSAGES": "10000", "RATE_LIMIT_SESSIONS": "10000", "RATE_LIMIT_TYPING": "10000",
                "RATE_LIMIT_EMAILS": "10000", "RATE_LIMIT_STRUGGLE": "10000", "RATE_LIMIT_OFFERS": "10000",
                "RATE_LIMIT_LOGINS": "10000", "RATE_LIMIT_UPLOADS": "10000"}
# Tests leave agents' conversations assigned when they close their sockets; returned to the queue
# after the default grace (120 s) they would be offered to later tests' agents. The suite's nodes
# wait an hour; tests of the grace start a node with a short one.
LONG_GRACE = {"AGENT_OFFLINE_GRACE_S": "3600"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_model() -> Path:
    """``models/support.tar.gz``, trained first when missing."""
    if not MODEL.exists():
        subprocess.run([RASA, "train", "--data", "bot/data", "--config", "config.yml", "--domain", "domain.yml",
                        "--fixed-model-name", "support", "--out", "models", "--quiet"],
                       cwd=ROOT, check=True, env=_env({}))
    return MODEL


def _env(extra: Dict[str, str]) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    # RASA_TELEMETRY_ENABLED=false: as in the Procfile (Rasa's telemetry unpacks the model a second time).
    env.update({"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                "PYTHONUNBUFFERED": "1", "RASA_TELEMETRY_ENABLED": "false"})
    env.update(extra)
    return env


def rasa_endpoints(path: Path, env: Dict[str, str]) -> Path:
    """Rasa's endpoints file for ``env``, as ``make run`` writes it (``common.rasa_endpoints``)."""
    from common.rasa_endpoints import write
    from common.settings import load_settings

    return write(load_settings(env), path)


@dataclasses.dataclass
class Proc:
    """One child process and how to restart it."""

    name: str
    args: List[str]
    env: Dict[str, str]
    log: Path
    health_url: str
    popen: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 600.0) -> None:
        with self.log.open("ab") as fh:
            self.popen = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=fh, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.popen.returncode}); see {self.log}:\n"
                                   + self.log.read_text(errors="replace")[-3000:])
            try:
                if requests.get(self.health_url, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{self.name} did not become ready in {timeout}s; see {self.log}")

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)

    def kill(self) -> None:
        """Hard kill (a crash, for fault tests)."""
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)


@dataclasses.dataclass
class Stack:
    """URLs and processes of a running stack."""

    base_url: str  # the first handoff node
    node_urls: List[str]
    rasa_url: str
    action_url: str
    database_url: str
    secret_key: str
    workdir: Path
    procs: Dict[str, Proc]

    def restart(self, name: str) -> None:
        """Start a stopped or killed process again."""
        self.procs[name].stop()
        self.procs[name].start()


@contextlib.contextmanager
def running_stack(*, database_url: Optional[str] = None, redis_url: Optional[str] = None, nodes: int = 1,
                  extra_env: Optional[Dict[str, str]] = None, workdir: Optional[Path] = None,
                  reuse_bot_of: Optional[Stack] = None, credentials: Optional[Path] = None) -> Iterator[Stack]:
    """Migrate and seed a database, start Rasa, the action server and ``nodes`` handoff nodes.

    Args:
        database_url: default: a fresh SQLite file in the work directory.
        redis_url: share Socket.IO rooms between the nodes.
        nodes: handoff service processes (more than one needs ``redis_url``).
        extra_env: more environment for the handoff nodes (e.g. rate limits).
        reuse_bot_of: use the Rasa server and action server of this running stack instead
            of starting new ones (saves a minute; the actions then read that stack's store).
        credentials: Rasa's channels (default ``credentials.yml``: the bridge only; the
            benchmark passes ``bench/credentials.yml``, which adds ``rest`` for its baseline).
    """
    ensure_model()
    tmp = tempfile.TemporaryDirectory(prefix="stack-") if workdir is None else None
    work = Path(tmp.name) if tmp else workdir
    database_url = database_url or f"sqlite:///{work / 'support.db'}"
    rasa_port, action_port = free_port(), free_port()
    if reuse_bot_of is not None:
        rasa_port = int(reuse_bot_of.rasa_url.rsplit(":", 1)[1])
        action_port = int(reuse_bot_of.action_url.rsplit(":", 1)[1])
    base = {"DATABASE_URL": database_url, "RASA_TOKEN": TOKEN, "SECRET_KEY": SECRET, "IDENTITY_SECRET": SECRET,
            "RASA_URL": f"http://127.0.0.1:{rasa_port}", "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}",
            "SEED_FAST": "1", "OUTBOX_DIR": str(work / "outbox"), "ATTACHMENTS_DIR": str(work / "attachments")}
    subprocess.run([PY, "-m", "store.migrate"], cwd=ROOT, env=_env(base), check=True, capture_output=True)
    endpoints = rasa_endpoints(work / "endpoints.yml", {**base, **({"REDIS_URL": redis_url} if redis_url else {})})
    procs: Dict[str, Proc] = {
        "actions": Proc("actions", [PY, "-m", "bot.serve_actions"], _env({**base, "ACTIONS_PORT": str(action_port)}),
                        work / "actions.log", f"http://127.0.0.1:{action_port}/health"),
        "rasa": Proc("rasa", [RASA, "run", "--enable-api", "--auth-token", TOKEN, "-i", "127.0.0.1",
                              "-p", str(rasa_port), "--model", str(MODEL), "--credentials",
                              str(credentials or ROOT / "credentials.yml"), "--endpoints", str(endpoints)],
                     _env(base), work / "rasa.log", f"http://127.0.0.1:{rasa_port}/webhooks/bridge/"),
    }
    if reuse_bot_of is not None:
        procs = {}
    urls = []
    for i in range(nodes):
        port = free_port()
        # links the service hands out (attachments, mails) point at this node
        env = {**base, **ROOMY_LIMITS, **LONG_GRACE, "HANDOFF_PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}",
               "RASA_TIMEOUT": "10", **(extra_env or {})}
        if redis_url:
            env["REDIS_URL"] = redis_url
        procs[f"handoff{i}"] = Proc(f"handoff{i}", [PY, "-m", "handoff"], _env(env), work / f"handoff{i}.log",
                                    f"http://127.0.0.1:{port}/health")
        urls.append(f"http://127.0.0.1:{port}")
    started: List[Proc] = []
    try:
        for proc in procs.values():
            proc.start()
            started.append(proc)
        yield Stack(base_url=urls[0], node_urls=urls, rasa_url=f"http://127.0.0.1:{rasa_port}",
                    action_url=f"http://127.0.0.1:{action_port}", database_url=database_url, secret_key=SECRET,
                    workdir=work, procs=procs)
    finally:
        for proc in reversed(list(procs.values())):
            proc.stop()
        if tmp is not None:
            tmp.cleanup()


@contextlib.contextmanager
def running_node(extra_env: Optional[Dict[str, str]] = None, *, nodes: int = 1,
                 redis_url: Optional[str] = None) -> Iterator[Stack]:
    """Handoff node(s) on a fresh SQLite store with no Rasa behind them (it counts as down).

    Enough for what is decided before Rasa is asked (limits, headers, sessions, agents):
    every customer message is committed, acked and, Rasa being down, queued for an agent.
    Several nodes share the store and ``redis_url``.
    """
    with tempfile.TemporaryDirectory(prefix="node-") as tmp:
        work = Path(tmp)
        database_url = f"sqlite:///{work / 'support.db'}"
        base = {"DATABASE_URL": database_url, "RASA_TOKEN": TOKEN, "SECRET_KEY": SECRET, "IDENTITY_SECRET": SECRET,
                "RASA_URL": f"http://127.0.0.1:{free_port()}", "ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
                "SEED_FAST": "1", "RASA_TIMEOUT": "2", "ATTACHMENTS_DIR": str(work / "attachments"),
                **({"REDIS_URL": redis_url} if redis_url else {})}
        subprocess.run([PY, "-m", "store.migrate"], cwd=ROOT, env=_env(base), check=True, capture_output=True)
        procs: Dict[str, Proc] = {}
        urls: List[str] = []
        try:
            for i in range(nodes):
                port = free_port()
                procs[f"handoff{i}"] = proc = Proc(
                    f"handoff{i}", [PY, "-m", "handoff"],
                    _env({**base, "HANDOFF_PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}", **(extra_env or {})}),
                    work / f"handoff{i}.log", f"http://127.0.0.1:{port}/health")
                proc.start(timeout=120)
                urls.append(f"http://127.0.0.1:{port}")
            yield Stack(base_url=urls[0], node_urls=urls, rasa_url=base["RASA_URL"], action_url=base["ACTION_SERVER_URL"],
                        database_url=database_url, secret_key=SECRET, workdir=work, procs=procs)
        finally:
            for proc in procs.values():
                proc.stop()


if __name__ == "__main__":  # pragma: no cover - manual use: python -m tests.stack
    with running_stack() as s:
        print(f"handoff {s.base_url}  rasa {s.rasa_url}  actions {s.action_url}  (Ctrl-C stops)", file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
