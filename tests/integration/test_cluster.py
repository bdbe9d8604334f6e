"""The whole cycle through HAProxy, agent and customer on different nodes; one handoff node and one
Rasa instance killed mid-conversation; nothing acknowledged is lost and the conversation carries on."""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.cluster import FAST_FAILOVER, Cluster, drop_databases, ensure_database, running_cluster
from tests.integration.clients import Agent, Customer, transcript
from tests.services import require_postgres, require_redis

pytestmark = pytest.mark.timeout(1500, func_only=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    admin, redis_url = require_postgres(), require_redis()
    name = f"cluster_{uuid.uuid4().hex[:10]}"
    try:
        with running_cluster(ensure_database(admin, name), redis_url, extra_env=FAST_FAILOVER) as running:
            yield running
    finally:
        drop_databases(admin, name)


def _agent_node(cluster: Cluster, agent: Agent) -> str:
    engine = create_engine(cluster.database_url, future=True)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT node_id FROM agent_presence WHERE sid = :sid"),
                                    {"sid": agent.sio.get_sid(namespace="/agent")}).scalar_one())
    finally:
        engine.dispose()


def _customer_node(customer: Customer) -> str:
    return str(customer.sio.eio.http.cookies.get("SERVERID"))  # HAProxy's sticky cookie


def _bot_answers(customer: Customer, text_: str) -> None:
    replies = customer.ask(text_, timeout=120)
    assert any(r["metadata"]["sender"] == "bot" for r in replies), replies


def test_cycle_through_the_balancer_survives_a_dead_node_and_a_dead_rasa(cluster: Cluster) -> None:
    customer = Customer(cluster.url, transport="polling")  # long-polling: only the sticky cookie keeps it on one node
    customer.start()
    home = _customer_node(customer)
    assert home in ("hub0", "hub1"), home
    agents = [Agent(cluster.url, "dana")]
    while _agent_node(cluster, agents[-1]) == home and len(agents) < 6:
        # Round robin: Agent() makes two requests (log-in, socket); one more shifts the socket to the other node.
        requests.get(f"{cluster.url}/api/phrase-bank", timeout=30)
        agents.append(Agent(cluster.url, "dana"))
    dana = agents[-1]
    assert _agent_node(cluster, dana) != home, "agent and customer on different nodes"
    for extra in agents[:-1]:
        extra.close()  # dana stays online: she still has a socket
    reconnected = None
    try:
        _bot_answers(customer, "hi")
        cluster.procs["rasa0"].kill()  # one Rasa dies: the other answers, from the shared tracker
        _bot_answers(customer, "what payment methods do you accept?")
        _bot_answers(customer, "where is my order?")

        mark = dana.rec.mark()
        customer.ask("I want to talk to a person")
        offer = dana.rec.wait_for("handoff_offered", lambda d: d["item"]["session_id"] == customer.session_id,
                                  start=mark)
        cid = offer["conversation_id"]
        assert dana.call("claim", {"conversation_id": cid})["ok"]
        mark_c = customer.rec.mark()
        assert dana.call("send", {"conversation_id": cid, "text": "Hi, I'm Dana, I'm here."})["ok"]
        customer.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "agent", start=mark_c)

        mark = dana.rec.mark()
        ack = customer.say("my parcel never came")  # acknowledged ...
        assert ack["ok"]
        cluster.procs[home].kill()  # ... and the customer's node dies at once
        relayed = dana.rec.wait_for("message", lambda d: d["message"]["text"] == "my parcel never came", 90,
                                    start=mark)
        assert relayed["message"]["sender"] == "customer"

        # the widget reconnects through the balancer and lands on the surviving node
        reconnected = Customer(cluster.url, transport="polling")
        reconnected.start(session_id=customer.session_id, last_seq=0)
        assert _customer_node(reconnected) not in ("", "None", home)
        replay = reconnected.rec.wait_for("transcript")
        texts = [m["text"] for m in replay["messages"]]
        assert [m["metadata"]["seq"] for m in replay["messages"]] == list(range(1, replay["last_seq"] + 1))
        for said in ("hi", "what payment methods do you accept?", "I want to talk to a person",
                     "Hi, I'm Dana, I'm here.", "my parcel never came"):
            assert texts.count(said) == 1, (said, texts)

        mark_c = reconnected.rec.mark()
        assert dana.call("send", {"conversation_id": cid, "text": "I'll sort it out now."})["ok"]
        reconnected.rec.wait_for("bot_uttered", lambda d: d["text"] == "I'll sort it out now.", start=mark_c)
        assert dana.call("hand_back", {"conversation_id": cid})["ok"]
        _bot_answers(reconnected, "thanks, what payment methods do you accept?")  # the bot is back, one Rasa left
        after = transcript(cluster.url, customer.session_id)
        assert [m["metadata"]["seq"] for m in after["messages"]] == list(range(1, after["last_seq"] + 1))
    finally:
        for client in (customer, reconnected, dana):
            if client is not None:
                client.close()
