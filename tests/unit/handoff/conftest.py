"""Fakes for the service tests: Rasa, the detector and the sockets; the store is real (SQLite)."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List

import pytest_asyncio

from common.phrase_bank import load_phrase_bank
from common.settings import Limit
from handoff import errors
from handoff.policy import load_handoff_policy
from handoff.rasa_client import BotTurn
from handoff.service.context import Service
from handoff.service.ratelimit import MemoryLimiter


class FakeRasa:
    def __init__(self) -> None:
        self.down = False
        self.calls: List[tuple] = []
        self.replies: Dict[str, BotTurn] = {}

    async def send(self, sender: str, text: str, metadata: Dict[str, Any]) -> BotTurn:
        self.calls.append(("send", sender, text, metadata))
        if self.down:
            raise errors.RasaUnavailable()
        intent = "request_human" if "person" in text else "greet"
        return self.replies.get(text, BotTurn(messages=[{"text": f"echo: {text}"}],
                                              parse={"intent": {"name": intent, "confidence": 0.95}}))

    async def pause(self, sender: str) -> None:
        self.calls.append(("pause", sender))

    async def resume(self, sender: str) -> None:
        self.calls.append(("resume", sender))

    async def healthy(self) -> bool:
        return not self.down


class FakeFinding:
    def __init__(self, text: str) -> None:
        self.severe = "chargeback" in text

    def to_dict(self) -> Dict[str, Any]:
        return {"score": 0.9 if self.severe else 0.1, "severity": "severe" if self.severe else "none",
                "reasons": ["mentions a chargeback"] if self.severe else [], "topics": []}


class FakeDetector:
    def score_turn(self, text: str, history: Any, **_: Any) -> FakeFinding:
        return FakeFinding(text)


class FakeNotifier:
    def __init__(self) -> None:
        self.sent: List[tuple] = []

    async def to_sid(self, sid, event, data, *, agent=False):
        self.sent.append(("sid", sid, event, data))

    async def to_conversation(self, cid, event, data, skip_sid=None):
        self.sent.append(("conv", cid, event, data))

    async def to_agent(self, agent_id, event, data):
        self.sent.append(("agent", agent_id, event, data))

    async def to_conversation_agents(self, cid, assignee_id, event, data):
        self.sent.append(("conv_agents", cid, event, data))

    async def to_all_agents(self, event, data):
        self.sent.append(("agents", None, event, data))

    async def join_conversation(self, sid, cid):
        self.sent.append(("join", sid, cid, None))

    async def leave_conversation(self, sid, cid):
        pass

    async def join_agent_rooms(self, sid, agent_id):
        pass

    async def watch(self, sid, cid):
        pass

    def events(self, kind: str, event: str) -> List[Any]:
        return [d for k, _, e, d in self.sent if k == kind and e == event]


@pytest_asyncio.fixture
async def svc(db_settings):
    from store.db import async_session_factory, make_async_engine

    engine = make_async_engine(db_settings)
    # Every fake socket here shares the address "unknown": roomy limits, tests of limits set their own.
    roomy = Limit(10_000, 60.0)
    settings = dataclasses.replace(db_settings, limit_messages=roomy, limit_sessions=roomy, limit_typing=roomy,
                                   limit_logins=roomy)
    service = Service(settings=settings, policy=load_handoff_policy(db_settings.policy_path("handoff.yml")),
                      phrase_bank=load_phrase_bank(db_settings.policy_path("phrase_bank.yml")),
                      db=async_session_factory(engine), rasa=FakeRasa(), detector=FakeDetector(),
                      notifier=FakeNotifier(), limiter=MemoryLimiter())
    yield service
    await service.drain()
    await engine.dispose()
