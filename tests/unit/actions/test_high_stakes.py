"""High-stakes topics come from the service as a list (``detector["high_stakes"]``); the
actions test membership against ``always_human`` and never read the reason text."""

from __future__ import annotations

import pytest

from bot.actions.billing import ActionBillingIssue
from bot.actions.common import high_stakes
from bot.actions.damage import ActionDamagedItem
from bot.actions.turn import read_turn


def _turn(kit, db_settings, detector):
    return read_turn(kit.tracker("billing_issue", "text", metadata={"detector": detector}), db_settings.identity_secret)


def test_the_turn_reads_the_topic_list(kit, db_settings):
    assert _turn(kit, db_settings, {"high_stakes": ["fraud", "chargeback"]}).high_stakes == ("fraud", "chargeback")
    assert _turn(kit, db_settings, {"high_stakes": "chargeback"}).high_stakes == ()  # not a list: ignored
    assert _turn(kit, db_settings, {"high_stakes": ["legal", 3, None]}).high_stakes == ("legal",)
    assert _turn(kit, db_settings, {}).high_stakes == ()


def test_membership_in_always_human_decides(store, kit, db_settings):
    assert high_stakes(_turn(kit, db_settings, {"high_stakes": ["fraud", "chargeback"]})) == "chargeback"
    assert high_stakes(_turn(kit, db_settings, {"high_stakes": ["fraud"]})) is None  # not in always_human


def test_reason_text_alone_is_not_a_topic(store, kit, db_settings):
    detector = {"severity": "severe", "reasons": ["mentions a chargeback", "legal threat", "safety issue"]}
    assert high_stakes(_turn(kit, db_settings, detector)) is None


def _meta(token, email, detector):
    return {"identity_token": token(email), "customer_id": 1, "detector": detector}


@pytest.mark.asyncio
async def test_a_reported_topic_hands_off_before_the_order_is_looked_up(store, run, kit, token):
    detector = {"severity": "elevated", "reasons": [], "high_stakes": ["legal"]}
    messages, events = await run(ActionDamagedItem(), kit.tracker(
        "item_damaged", "it broke", metadata=_meta(token, "liam@example.com", detector)))
    assert kit.handoffs(messages) == [{"reason": "damaged item report mentioning legal", "source": "bot",
                                       "severity": "severe"}]
    assert events == []


@pytest.mark.asyncio
async def test_reason_words_without_the_topic_list_do_not_hand_off(store, run, kit, token):
    detector = {"severity": "elevated", "reasons": ["mentions a chargeback"]}
    messages, _ = await run(ActionBillingIssue(), kit.tracker(
        "billing_issue", "why this charge", metadata=_meta(token, "noah@example.com", detector)))
    assert kit.handoffs(messages) == []
