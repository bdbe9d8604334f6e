"""Helpers for the check-in and waiting tests: a real SMTP server, short policy intervals, a queued customer."""

from __future__ import annotations

import contextlib
import re
import shutil
import threading
from email import message_from_bytes
from pathlib import Path
from typing import Any, Dict, Iterator, List

import yaml
from aiosmtpd.controller import Controller

from tests.integration.clients import Agent, Customer, identity_token
from tests.stack import ROOT, free_port


class Sink:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.received: List[Any] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(envelope)
        return "250 OK"

    def to(self, address: str) -> List[str]:
        with self.lock:
            mails = [message_from_bytes(e.content) for e in self.received if e.rcpt_tos == [address]]
        return [m.get_payload(decode=True).decode() for m in mails]


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple]:
    """A real SMTP server on a free loopback port: (controller, sink)."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, sink
    finally:
        controller.stop()


def policy_dir(tmp: Path, **waiting: float) -> Path:
    """The project's policy files with the handoff policy's ``waiting`` intervals shortened."""
    target = tmp / "policy"
    shutil.copytree(ROOT / "policy", target)
    handoff = yaml.safe_load((target / "handoff.yml").read_text())
    handoff["waiting"] = {**handoff.get("waiting", {}), **waiting}
    (target / "handoff.yml").write_text(yaml.safe_dump(handoff))
    return target


def env(smtp_port: int, policy: Path) -> Dict[str, str]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "FOLLOWUP_DELAY_S": "2", "HOUSEKEEPING_S": "1",
            "POLICY_DIR": str(policy), "RASA_TIMEOUT": "2"}


def queued(base_url: str, dana: Agent, email: str, text: str) -> tuple:
    """A signed-in customer whose message (Rasa down) waits for a person; (customer, conversation id)."""
    mark = dana.rec.mark()
    customer = Customer(base_url)
    customer.start(identity_token=identity_token(base_url, email))
    assert customer.say(text)["ok"]
    offer = dana.rec.wait_for("handoff_offered", lambda d: d["item"]["last_message"] == text, 60, start=mark)
    return customer, offer["conversation_id"]


def resume_token(body: str) -> str:
    """The token of the check-in mail's only link."""
    found = re.search(r"/\?resume=(\S+)", body)
    assert found, body
    return found.group(1)


def resolved_with_replacement(base_url: str, dana: Agent) -> tuple:
    """Liam's smashed vase: queued, claimed by Dana, replaced, resolved; (customer, conversation id)."""
    liam, cid = queued(base_url, dana, "liam@example.com", "the vase arrived smashed, please help")
    assert dana.call("claim", {"conversation_id": cid})["ok"]
    grant = dana.call("grant", {"conversation_id": cid, "kind": "replacement", "order_number": "1051",
                                "reason": "the vase arrived smashed"})
    assert grant["ok"], grant
    assert dana.call("resolve", {"conversation_id": cid, "disposition": "resolved"})["ok"]
    return liam, cid
