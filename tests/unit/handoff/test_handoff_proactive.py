"""Proactive help: the policy file, the struggle payload check and the service rule (real SQLite store)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from common.identity import sign_identity
from common.settings import Limit
from handoff import errors
from handoff.proactive_policy import (
    SIGNALS,
    dismiss_payload,
    dismissed_signal,
    load_proactive_policy,
    policy_from_dict,
)
from handoff.service import agents, handoffs, proactive, sessions, turns
from handoff.service.context import Service
from handoff.transport import parse
from store import proactive as offers_store

ROOT = Path(__file__).resolve().parents[3]
POLICY = load_proactive_policy(ROOT / "policy" / "proactive.yml")


def _rule(**over: Any) -> Dict[str, Any]:
    rule = {"threshold": 2, "offers": ["It looks like signing in is giving you trouble. Would you like help?"],
            "buttons": [{"title": "Yes, please help", "payload": "/account_access"},
                        {"title": "No thanks", "dismiss": True}]}
    rule.update(over)
    return rule


# --- the policy file ------------------------------------------------------------------------
def test_the_committed_policy_configures_every_signal_with_existing_intents() -> None:
    assert set(POLICY.signals) == set(SIGNALS)
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    for signal, rule in POLICY.signals.items():
        assert rule.threshold >= 1 and len(rule.offers) >= 3, signal
        payloads = [b["payload"] for b in rule.button_payloads(signal)]
        assert payloads[-1] == dismiss_payload(signal) and dismissed_signal(payloads[-1]) == signal
        for payload in payloads[:-1]:
            assert payload[1:] in intents, f"{signal}: {payload} is not an intent in domain.yml (needs no retraining)"
    assert POLICY.signals["login_failed"].threshold == 2
    assert len(POLICY.dismissed) >= 3


@pytest.mark.parametrize("raw, complaint", [
    ({"signals": {"shaky_mouse": _rule()}}, "not protocol signals"),
    ({"signals": {"login_failed": _rule(threshold=0)}}, "threshold"),
    ({"signals": {"login_failed": _rule(threshold=True)}}, "threshold"),
    ({"signals": {"login_failed": _rule(offers=[])}}, "offers"),
    ({"signals": {"login_failed": _rule(buttons=[{"title": "Yes", "payload": "/account_access"}])}}, "dismiss"),
    ({"signals": {"login_failed": _rule(buttons=[{"title": "No thanks", "dismiss": True}])}}, "helps"),
    ({"signals": {"login_failed": _rule(buttons=[{"title": "Yes", "payload": "account_access"},
                                                 {"title": "No", "dismiss": True}])}}, "payload"),
    ({"signals": {"login_failed": _rule(buttons=[{"title": "Yes", "payload": "/account_access"},
                                                 {"title": "No", "dismiss": True, "payload": "/deny"}])}}, "no payload"),
    ({"signals": ["login_failed"]}, "mapping"),
    ({"dismissed": [], "signals": {}}, "dismissed"),
])
def test_a_malformed_policy_is_refused_with_the_key_named(raw, complaint) -> None:
    with pytest.raises(ValueError, match=complaint):
        policy_from_dict(raw)


def test_a_missing_file_offers_nothing(tmp_path) -> None:
    assert load_proactive_policy(tmp_path / "nope.yml").signals == {}


def test_dismiss_payloads_are_read_strictly() -> None:
    assert dismissed_signal('/proactive_dismiss{"signal":"payment_error"}') == "payment_error"
    assert dismissed_signal('/proactive_dismiss{"signal":"elsewhere"}') is None
    assert dismissed_signal("/proactive_dismiss{oops") is None
    assert dismissed_signal("/deny") is None


# --- the transport's check ------------------------------------------------------------------
def test_struggle_payload_checks() -> None:
    assert parse.struggle({"signal": "login_failed", "count": 2}) == ("login_failed", 2, {})
    assert parse.struggle({"signal": "rage_click", "count": 3, "context": {"element": "Pay"}})[2] == {"element": "Pay"}
    for bad in ({"signal": "nope", "count": 1}, {"count": 1}, {"signal": "login_failed"},
                {"signal": "login_failed", "count": 0}, {"signal": "login_failed", "count": True},
                {"signal": "login_failed", "count": "2"}, {"signal": "login_failed", "count": 2.5},
                {"signal": "login_failed", "count": 10_001}, {"signal": "login_failed", "count": 1, "context": "x"},
                {"signal": "login_failed", "count": 1, "context": {"n": float("nan")}}):
        with pytest.raises(errors.InvalidPayload):
            parse.struggle(bad)
    with pytest.raises(errors.TooLong):
        parse.struggle({"signal": "help_dwell", "count": 30, "context": {"section": "x" * 1100}})


# --- the service rule -----------------------------------------------------------------------

@pytest.fixture
def psvc(svc: Service) -> Service:
    roomy = Limit(10_000, 60.0)
    svc.settings = dataclasses.replace(svc.settings, limit_struggle=roomy, limit_offers=roomy)
    svc.proactive = POLICY
    return svc


async def _open(svc: Service, sid: str, token: Any = None, address: str = "unknown") -> int:
    await sessions.open_session(svc, sid, None, None, token, address)
    return svc.customers[sid].conversation_id


def _offers(svc: Service) -> list:
    return [d for d in svc.notifier.events("conv", "bot_uttered") if d.get("quick_replies")]


async def _rows(svc: Service, cid: int) -> Dict[str, Dict[str, Any]]:
    return await svc.run(offers_store.offers, cid)


@pytest.mark.asyncio
async def test_below_the_threshold_nothing_then_one_offer_in_rasas_button_shape(psvc) -> None:
    cid = await _open(psvc, "c1")
    assert await proactive.struggle(psvc, "c1", "login_failed", 1, {}) == {"ok": True, "offered": False,
                                                                           "why": "below_threshold"}
    assert _offers(psvc) == [] and await _rows(psvc, cid) == {}
    ack = await proactive.struggle(psvc, "c1", "login_failed", 2, {"form": "sign-in"})
    assert ack["ok"] and ack["offered"] and isinstance(ack["seq"], int)
    [offer] = _offers(psvc)
    assert set(offer) == {"text", "quick_replies", "metadata"}, "exactly Rasa's text-with-buttons shape"
    assert offer["text"] in POLICY.signals["login_failed"].offers
    assert offer["metadata"]["sender"] == "bot" and offer["metadata"]["seq"] == ack["seq"]
    assert offer["quick_replies"] == [
        {"content_type": "text", "title": "Yes, please help", "payload": "/account_access"},
        {"content_type": "text", "title": "No thanks", "payload": '/proactive_dismiss{"signal":"login_failed"}'}]
    agent_view = psvc.notifier.events("conv_agents", "message")[-1]["message"]
    assert agent_view["proactive"] == "login_failed" and agent_view["sender"] == "bot"
    assert (await _rows(psvc, cid))["login_failed"] == {"seq": ack["seq"], "count": 2,
                                                       "context": {"form": "sign-in"}, "outcome": None}


@pytest.mark.asyncio
async def test_once_per_signal_per_conversation_other_signals_and_conversations_independent(psvc) -> None:
    await _open(psvc, "c1")
    assert (await proactive.struggle(psvc, "c1", "login_failed", 2, {}))["offered"]
    assert await proactive.struggle(psvc, "c1", "login_failed", 5, {}) == {"ok": True, "offered": False,
                                                                           "why": "already_offered"}
    assert (await proactive.struggle(psvc, "c1", "payment_error", 1, {}))["offered"], "another signal"
    await _open(psvc, "c2")
    assert (await proactive.struggle(psvc, "c2", "login_failed", 2, {}))["offered"], "another conversation"
    assert len(_offers(psvc)) == 3


@pytest.mark.asyncio
async def test_two_reports_at_once_make_one_offer(psvc) -> None:
    cid = await _open(psvc, "c1")
    acks = await asyncio.gather(*(proactive.struggle(psvc, "c1", "payment_error", 1, {}) for _ in range(4)))
    assert sum(1 for a in acks if a["offered"]) == 1
    assert {a.get("why") for a in acks if not a["offered"]} == {"already_offered"}
    assert list(await _rows(psvc, cid)) == ["payment_error"]


@pytest.mark.asyncio
async def test_never_while_an_agent_owns_it_nor_while_queued(psvc) -> None:
    token = (await agents.login(psvc, "dana", "support-demo"))["token"]
    dana = await agents.connect(psvc, "agent-sid", token)
    cid = await _open(psvc, "c1")
    await turns.customer_message(psvc, "c1", "a person please", None, None)
    await psvc.drain()
    assert await proactive.struggle(psvc, "c1", "login_failed", 3, {}) == {"ok": True, "offered": False,
                                                                           "why": "not_with_bot"}
    await handoffs.claim(psvc, dana, cid)
    assert await proactive.struggle(psvc, "c1", "login_failed", 3, {}) == {"ok": True, "offered": False,
                                                                           "why": "agent"}
    assert _offers(psvc) == [] and await _rows(psvc, cid) == {}
    await handoffs.hand_back(psvc, dana, cid)
    assert (await proactive.struggle(psvc, "c1", "login_failed", 3, {}))["offered"], "the bot has it again"


@pytest.mark.asyncio
async def test_no_thanks_is_acknowledged_briefly_and_nothing_more_is_offered(psvc) -> None:
    cid = await _open(psvc, "c1")
    await proactive.struggle(psvc, "c1", "payment_error", 1, {})
    sends = len(psvc.rasa.calls)
    await turns.customer_message(psvc, "c1", dismiss_payload("payment_error"), None, "no-1")
    await psvc.drain()
    reply = psvc.notifier.events("conv", "bot_uttered")[-1]
    assert reply["text"] in POLICY.dismissed and "quick_replies" not in reply
    assert len(psvc.rasa.calls) == sends, "the service answers it; Rasa never sees the payload"
    assert (await _rows(psvc, cid))["payment_error"]["outcome"] == "dismissed"
    # dismissed before any offer: none follows
    await turns.customer_message(psvc, "c1", dismiss_payload("rage_click"), None, "no-2")
    await psvc.drain()
    assert (await proactive.struggle(psvc, "c1", "rage_click", 9, {}))["why"] == "already_offered"


@pytest.mark.asyncio
async def test_yes_goes_to_rasa_as_the_intent_and_marks_the_offer_accepted(psvc) -> None:
    cid = await _open(psvc, "c1")
    await proactive.struggle(psvc, "c1", "login_failed", 2, {})
    await turns.customer_message(psvc, "c1", "/account_access", None, "yes-1")
    await psvc.drain()
    assert psvc.rasa.calls[-1][0] == "send" and psvc.rasa.calls[-1][2] == "/account_access"
    assert (await _rows(psvc, cid))["login_failed"]["outcome"] == "accepted"


@pytest.mark.asyncio
async def test_reports_and_offers_are_limited_per_identity_or_address(psvc) -> None:
    psvc.settings = dataclasses.replace(psvc.settings, limit_struggle=Limit(2, 60.0), limit_offers=Limit(1, 3600.0))
    await _open(psvc, "a1", address="203.0.113.9")
    await _open(psvc, "a2", address="203.0.113.9")  # another conversation, same address
    assert (await proactive.struggle(psvc, "a1", "login_failed", 2, {}))["offered"]
    assert await proactive.struggle(psvc, "a2", "login_failed", 2, {}) == {"ok": True, "offered": False,
                                                                           "why": "limited"}
    with pytest.raises(errors.RateLimited):
        await proactive.struggle(psvc, "a2", "login_failed", 2, {})
    maya = sign_identity(1, "maya@example.com", psvc.settings.identity_secret)
    await _open(psvc, "m1", maya, address="203.0.113.9")
    assert (await proactive.struggle(psvc, "m1", "login_failed", 2, {}))["offered"], "a signed-in customer counts apart"


@pytest.mark.asyncio
async def test_without_a_session_it_is_refused(psvc) -> None:
    with pytest.raises(errors.NoSession):
        await proactive.struggle(psvc, "nobody", "login_failed", 2, {})


def test_typed_answers_are_whole_short_messages() -> None:
    assert POLICY.typed_answer("Yes please!") == "accept" and POLICY.typed_answer("ok") == "accept"
    assert POLICY.typed_answer("No thanks.") == "dismiss" and POLICY.typed_answer("I\u2019m fine") == "dismiss"
    assert POLICY.typed_answer("yes but my order is late") is None
    assert POLICY.typed_answer("no, I want a refund") is None
    with pytest.raises(ValueError, match="typed_answers"):
        policy_from_dict({"signals": {}, "typed_answers": {True: "(yes)"}})  # YAML reads a bare yes: as True


@pytest.mark.asyncio
async def test_a_typed_yes_right_after_the_offer_is_its_first_button_and_a_typed_no_dismisses(psvc) -> None:
    cid = await _open(psvc, "c1")
    await proactive.struggle(psvc, "c1", "payment_error", 1, {})
    await turns.customer_message(psvc, "c1", "yes please", None, "t-1")
    await psvc.drain()
    assert psvc.rasa.calls[-1][2] == "/billing_issue", "Rasa gets the button the customer meant"
    assert (await _rows(psvc, cid))["payment_error"]["outcome"] == "accepted"
    await turns.customer_message(psvc, "c1", "yes please", None, "t-2")  # no offer just before: as typed
    await psvc.drain()
    assert psvc.rasa.calls[-1][2] == "yes please"

    await proactive.struggle(psvc, "c1", "login_failed", 2, {})
    sends = len(psvc.rasa.calls)
    await turns.customer_message(psvc, "c1", "no thanks", None, "t-3")
    await psvc.drain()
    assert len(psvc.rasa.calls) == sends
    assert psvc.notifier.events("conv", "bot_uttered")[-1]["text"] in POLICY.dismissed
    assert (await _rows(psvc, cid))["login_failed"]["outcome"] == "dismissed"


@pytest.mark.asyncio
async def test_concurrent_reports_make_one_offer_on_postgresql(pg_settings) -> None:
    """Four reports at once on PostgreSQL: the row lock (and the unique constraint behind it) let one through."""
    from common.phrase_bank import load_phrase_bank
    from handoff.policy import load_handoff_policy
    from handoff.service.ratelimit import MemoryLimiter
    from store.db import async_session_factory, make_async_engine
    from tests.unit.handoff.conftest import FakeDetector, FakeNotifier, FakeRasa

    roomy = Limit(10_000, 60.0)
    settings = dataclasses.replace(pg_settings, limit_sessions=roomy, limit_struggle=roomy, limit_offers=roomy)
    engine = make_async_engine(settings)
    svc = Service(settings=settings, policy=load_handoff_policy(settings.policy_path("handoff.yml")),
                  phrase_bank=load_phrase_bank(settings.policy_path("phrase_bank.yml")),
                  db=async_session_factory(engine), rasa=FakeRasa(), detector=FakeDetector(),
                  notifier=FakeNotifier(), limiter=MemoryLimiter(), proactive=POLICY)
    try:
        cid = await _open(svc, "c1")
        acks = await asyncio.gather(*(proactive.struggle(svc, "c1", "rage_click", 3, {}) for _ in range(4)))
        assert sum(1 for a in acks if a["offered"]) == 1, acks
        assert list(await _rows(svc, cid)) == ["rage_click"]
    finally:
        await svc.drain()
        await engine.dispose()
