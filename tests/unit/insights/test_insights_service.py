"""The insights service functions behind /api/insights: agents only, input errors, real store."""

from __future__ import annotations

import datetime as dt

import pytest
import pytest_asyncio

from common.phrase_bank import load_phrase_bank
from handoff import errors
from handoff.policy import load_handoff_policy
from handoff.service import agents, insights
from handoff.service.context import Service
from handoff.service.ratelimit import MemoryLimiter
from insights.report import KEYS
from insights.search import Filters, search
from store.models import Conversation, ConversationStatus, Message, Sender


@pytest_asyncio.fixture
async def svc(db_settings, db_session_factory):
    from store.db import async_session_factory, make_async_engine

    with db_session_factory() as s:
        now = dt.datetime.utcnow() - dt.timedelta(hours=3)
        conv = Conversation(session_id="review-1", status=ConversationStatus.RESOLVED, created_at=now,
                            updated_at=now, resolved_at=now + dt.timedelta(minutes=5), csat=2)
        s.add(conv)
        s.flush()
        s.add_all([Message(conversation_id=conv.id, seq=1, sender=Sender.CUSTOMER, text="this is so confusing",
                           created_at=now, parse={"intent": {"name": "setup_help", "confidence": 0.9}}),
                   Message(conversation_id=conv.id, seq=2, sender=Sender.BOT, created_at=now,
                           text="Hey! I'm the support assistant. How can we help today?")])
        s.commit()
    engine = make_async_engine(db_settings)
    yield Service(settings=db_settings, policy=load_handoff_policy(db_settings.policy_path("handoff.yml")),
                  phrase_bank=load_phrase_bank(db_settings.policy_path("phrase_bank.yml")),
                  db=async_session_factory(engine), rasa=None, detector=None, notifier=None,
                  limiter=MemoryLimiter())
    await engine.dispose()


async def _token(svc: Service) -> str:
    return (await agents.login(svc, "sam", "support-demo"))["token"]


@pytest.mark.asyncio
async def test_everything_needs_an_agent_token(svc):
    for call in (insights.report(svc, "", "30d"), insights.search(svc, "nope", {}),
                 insights.transcript(svc, None, 1), insights.story(svc, "x.y.z", 1)):
        with pytest.raises(errors.Unauthorized):
            await call


@pytest.mark.asyncio
async def test_report_search_transcript_and_story(svc):
    token = await _token(svc)
    data = await insights.report(svc, token, "7d")
    assert tuple(data) == KEYS and data["conversations"] == 1 and data["csat"]["mean"] == 2.0
    found = await insights.search(svc, token, {"text": "CONFUSING", "csat_max": "2", "intent": "setup_help"})
    assert found["total"] == 1
    cid = found["results"][0]["id"]
    assert (await insights.search(svc, token, {"csat_min": "3"}))["total"] == 0
    review = await insights.transcript(svc, token, cid)
    assert [line["sender"] for line in review["lines"]] == ["customer", "bot"]
    story = await insights.story(svc, token, cid)
    assert "intent: setup_help" in story and "- action: utter_greet" in story


@pytest.mark.asyncio
async def test_input_errors(svc):
    token = await _token(svc)
    with pytest.raises(errors.InvalidPayload):
        await insights.report(svc, token, "forever")
    for bad in ({"csat_min": "9"}, {"from": "14/03/2025"}, {"handed_off": "maybe"}, {"since": "0d"}):
        with pytest.raises(errors.InvalidPayload):
            await insights.search(svc, token, bad)
    with pytest.raises(errors.NotFound):
        await insights.transcript(svc, token, 987654)
    with pytest.raises(errors.NotFound):
        await insights.story(svc, token, 987654)


def test_filters_from_query_args():
    f = Filters.from_args({"text": " So  Confusing ", "from": "2025-03-01", "to": "2025-03-14", "handed_off": "yes",
                           "reason": "Chargeback"})
    assert f.text == "so confusing" and f.reason == "chargeback" and f.handed_off is True
    assert f.since == dt.datetime(2025, 3, 1) and f.until == dt.datetime(2025, 3, 15)  # "to" includes the day
    assert search([], f) == {"total": 0, "results": []}
