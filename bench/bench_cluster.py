"""Messages a second through the whole cluster with 2 Rasa instances, then with 1.

``python -m bench.bench_cluster [--customers 10] [--messages 5]`` starts ``tests/cluster.py``
(HAProxy, 2 handoff nodes, 2 Rasa, 2 action servers, PostgreSQL database
``bench_cluster_<random>`` and Redis, dropped afterwards), sends the same load through the
balancer with both Rasa instances up and again after stopping one, and prints the figures as
JSON. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import uuid
from typing import Any, Dict

from bench.bench_handoff import through_service
from tests.cluster import drop_databases, ensure_database, running_cluster
from tests.services import POSTGRES_URL, REDIS_URL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--messages", type=int, default=5)
    args = parser.parse_args()
    name = f"bench_cluster_{uuid.uuid4().hex[:8]}"
    out: Dict[str, Any] = {"customers": args.customers, "messages_each": args.messages}
    try:
        with running_cluster(ensure_database(POSTGRES_URL, name), REDIS_URL,
                             extra_env={"RATE_LIMIT_MESSAGES": "1000"}) as cluster:
            stack = type("Target", (), {"base_url": cluster.url})()
            through_service(stack, 2, 2)  # warm-up
            out["two_rasa"] = through_service(stack, args.customers, args.messages)
            cluster.procs["rasa1"].stop()
            through_service(stack, 2, 1)  # HAProxy notices the stopped instance
            out["one_rasa"] = through_service(stack, args.customers, args.messages)
    finally:
        drop_databases(POSTGRES_URL, name)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
