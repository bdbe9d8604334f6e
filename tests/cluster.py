"""A real cluster on loopback: HAProxy in front of 2 handoff nodes, 2 Rasa and 2 action servers,
on PostgreSQL and Redis. Used by ``make cluster`` and ``tests/integration/test_cluster.py``.

    balancer :8000 ─(round robin, sticky cookie SERVERID)─▶ hub0, hub1   (python -m handoff)
    rasa LB  :5005 ─(round robin, retried on connection failure)─▶ rasa0, rasa1
    actions LB :5055 ─(same)─▶ actions0, actions1

The hub nodes share the store and presence (PostgreSQL), Socket.IO rooms (Redis) and reach Rasa
through its balancer; the Rasa instances share the tracker store (PostgreSQL, ``<db>_rasa``) and
the lock store (Redis) and call actions through theirs. HAProxy's cookie keeps a Socket.IO
long-polling client on one node; a dead node's clients are redispatched (``option redispatch``).

``python -m tests.cluster`` runs it on the fixed ports until Ctrl-C (``make cluster``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from tests.stack import MODEL, PY, RASA, ROOT, SECRET, TOKEN, Proc, _env, ensure_model, free_port, rasa_endpoints

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
# Short enough that the test sees a dead node's agents and claims expire (docs: README, "A cluster").
FAST_FAILOVER = {"PRESENCE_TTL_S": "6", "PRESENCE_HEARTBEAT_S": "2", "TURN_LEASE_S": "20"}


@dataclasses.dataclass
class Ports:
    balancer: int
    rasa_lb: int
    actions_lb: int
    hubs: List[int]
    rasas: List[int]
    actions: List[int]

    @classmethod
    def fixed(cls) -> "Ports":
        return cls(8000, 5005, 5055, [8001, 8002], [5015, 5016], [5065, 5066])

    @classmethod
    def free(cls) -> "Ports":
        return cls(free_port(), free_port(), free_port(), [free_port(), free_port()], [free_port(), free_port()],
                   [free_port(), free_port()])


@dataclasses.dataclass
class Cluster:
    """URLs and processes of a running cluster."""

    url: str  # the balancer
    hub_urls: List[str]
    rasa_url: str  # Rasa's balancer
    database_url: str
    secret_key: str
    workdir: Path
    procs: Dict[str, Proc]


def haproxy_config(ports: Ports) -> str:
    """HAProxy's configuration for ``ports`` (every bind on loopback)."""

    def servers(prefix: str, targets: List[int], sticky: bool = False) -> str:
        return "".join(f"  server {prefix}{i} 127.0.0.1:{port} check inter 1s fall 2 rise 1"
                       f"{f' cookie {prefix}{i}' if sticky else ''}\n" for i, port in enumerate(targets))

    return f"""global
  maxconn 4000
defaults
  mode http
  option redispatch
  retries 3
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  timeout tunnel 1h
frontend balancer
  bind 127.0.0.1:{ports.balancer}
  default_backend hubs
backend hubs
  balance roundrobin
  cookie SERVERID insert indirect nocache httponly
{servers("hub", ports.hubs, sticky=True)}frontend rasa
  bind 127.0.0.1:{ports.rasa_lb}
  default_backend rasas
backend rasas
  balance roundrobin
  retry-on conn-failure empty-response
{servers("rasa", ports.rasas)}frontend actions
  bind 127.0.0.1:{ports.actions_lb}
  default_backend actions
backend actions
  balance roundrobin
  retry-on conn-failure empty-response
{servers("actions", ports.actions)}"""


@contextlib.contextmanager
def running_cluster(database_url: str, redis_url: str, *, ports: Optional[Ports] = None,
                    workdir: Optional[Path] = None, extra_env: Optional[Dict[str, str]] = None) -> Iterator[Cluster]:
    """Migrate and seed ``database_url`` (PostgreSQL), start every process, stop them all afterwards."""
    ensure_model()
    ports = ports or Ports.free()
    tmp = tempfile.TemporaryDirectory(prefix="cluster-") if workdir is None else None
    work = Path(tmp.name) if tmp else Path(workdir or ".")
    work.mkdir(parents=True, exist_ok=True)
    lb = "http://127.0.0.1"
    base = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "RASA_TOKEN": TOKEN, "SECRET_KEY": SECRET,
            "IDENTITY_SECRET": SECRET, "RASA_URL": f"{lb}:{ports.rasa_lb}",
            "ACTION_SERVER_URL": f"{lb}:{ports.actions_lb}", "SEED_FAST": "1", **(extra_env or {})}
    import subprocess

    subprocess.run([PY, "-m", "store.migrate"], cwd=ROOT, env=_env(base), check=True, capture_output=True)
    endpoints = rasa_endpoints(work / "endpoints.yml", base)
    (work / "haproxy.cfg").write_text(haproxy_config(ports))
    procs: Dict[str, Proc] = {}
    for i, port in enumerate(ports.actions):
        procs[f"actions{i}"] = Proc(f"actions{i}", [PY, "-m", "bot.serve_actions"],
                                    _env({**base, "ACTIONS_PORT": str(port)}), work / f"actions{i}.log",
                                    f"{lb}:{port}/health")
    for i, port in enumerate(ports.rasas):
        procs[f"rasa{i}"] = Proc(f"rasa{i}", [RASA, "run", "--enable-api", "--auth-token", TOKEN, "-i", "127.0.0.1",
                                              "-p", str(port), "--model", str(MODEL), "--credentials",
                                              str(ROOT / "credentials.yml"), "--endpoints", str(endpoints)],
                                 _env(base), work / f"rasa{i}.log", f"{lb}:{port}/webhooks/bridge/")
    for i, port in enumerate(ports.hubs):
        procs[f"hub{i}"] = Proc(f"hub{i}", [PY, "-m", "handoff"],
                                _env({**base, "HANDOFF_PORT": str(port), "NODE_ID": f"hub{i}"}),
                                work / f"hub{i}.log", f"{lb}:{port}/health")
    procs["balancer"] = Proc("balancer", [HAPROXY, "-db", "-f", str(work / "haproxy.cfg")], _env({}),
                             work / "haproxy.log", f"{lb}:{ports.balancer}/api/phrase-bank")
    # Rasa would create its tracker database itself; two instances starting together could race.
    ensure_database(database_url, database_url.rsplit("/", 1)[1].split("?", 1)[0] + "_rasa")
    try:
        for tier in ("actions", "rasa", "hub", "balancer"):  # each tier's processes start together
            start_together([proc for name, proc in procs.items() if name.rstrip("0123456789") == tier])
        yield Cluster(url=f"{lb}:{ports.balancer}", hub_urls=[f"{lb}:{p}" for p in ports.hubs],
                      rasa_url=f"{lb}:{ports.rasa_lb}", database_url=database_url, secret_key=SECRET,
                      workdir=work, procs=procs)
    finally:
        for proc in reversed(list(procs.values())):
            proc.stop()
        if tmp is not None:
            tmp.cleanup()


def start_together(procs: List[Proc]) -> None:
    """Start ``procs`` at once and wait until every one is ready (the first failure is raised)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max(len(procs), 1)) as pool:
        for future in [pool.submit(proc.start) for proc in procs]:
            future.result()


def ensure_database(admin_url: str, name: str) -> str:
    """The URL of database ``name`` on ``admin_url``'s server, created when missing."""
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_databases(admin_url: str, *names: str) -> None:
    """Drop ``names`` (and their Rasa tracker databases) if they exist."""
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for name in names:
                for db in (name, f"{name}_rasa"):
                    cur.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    finally:
        conn.close()


def main() -> None:  # pragma: no cover - make cluster
    import os

    admin = os.environ.get("CLUSTER_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
    database_url = ensure_database(admin, os.environ.get("CLUSTER_DB", "support_cluster"))
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    work = ROOT / "var" / "cluster"
    print("starting 2 action servers, 2 Rasa, 2 handoff nodes and HAProxy (a few minutes) ...", file=sys.stderr)
    with running_cluster(database_url, redis_url, ports=Ports.fixed(), workdir=work) as cluster:
        print(f"balancer {cluster.url}  (console {cluster.url}/console)  nodes {' '.join(cluster.hub_urls)}  "
              f"logs {work}  (Ctrl-C stops)", file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)


if __name__ == "__main__":  # pragma: no cover
    main()
