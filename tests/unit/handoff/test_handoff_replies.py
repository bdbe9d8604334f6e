"""Issue 12: suggested replies are safe to send without checking them word by word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.phrase_bank import load_phrase_bank
from handoff.service import replies
from store.reply_facts import GIFT, ORDER, ORDER_REFUND, PAID_SHIPPING, REPLACEMENT, SHIPPING_CREDIT, ReplyFacts

ROOT = Path(__file__).resolve().parents[3]
ANONYMOUS = ReplyFacts()
LIAM = ReplyFacts("Liam", "1051", frozenset({ORDER, GIFT, PAID_SHIPPING, REPLACEMENT, SHIPPING_CREDIT}))


@pytest.fixture(scope="module")
def bank():
    return load_phrase_bank(ROOT / "policy" / "phrase_bank.yml")


def _all(offered):
    return [t for texts in offered.values() for t in texts]


@pytest.mark.parametrize("template,expected", [
    ("{name}, I'm so sorry order {order} arrived broken.", "I'm so sorry your order arrived broken."),
    ("I completely understand, {name}: order {order} was meant to be there.",
     "I completely understand: your order was meant to be there."),
    ("That's not okay, {name}, and I'm sorry.", "That's not okay, and I'm sorry."),
    ("Thank you for your patience, {name}. Let's fix it.", "Thank you for your patience. Let's fix it."),
    ("I can see the problem with {order}.", "I can see the problem with your order."),
])
def test_without_a_verified_name_or_order_the_wording_still_reads_well(template, expected):
    assert replies.fill(template, ANONYMOUS) == expected


def test_a_verified_name_and_order_are_filled_in():
    assert replies.fill("{name}, order {order} is on its way.", LIAM) == "Liam, order #1051 is on its way."


def test_a_phrase_with_an_unknown_placeholder_is_never_shown():
    assert replies.fill("Hi {nickname}, sorry!", LIAM) is None
    assert replies.fill("I'm {agent}, here to help.", LIAM) is None  # no agent name given
    assert replies.fill("I'm {agent}, here to help.", LIAM, "Dana") == "I'm Dana, here to help."


def test_an_anonymous_visitor_is_never_addressed_as_anonymous(bank):
    texts = _all(replies.by_situation(bank, "damaged", "severe", ANONYMOUS))
    assert texts and not any("anonymous" in t.lower() or "{" in t for t in texts)
    assert not any(t.startswith(",") or ", ," in t or " ," in t for t in texts)


def test_nothing_is_claimed_that_is_not_verified(bank):
    texts = _all(replies.by_situation(bank, "damaged", "none", ANONYMOUS))
    for text in texts:  # no gift, no replacement, no refund for a visitor we know nothing about
        assert not replies.claims(text, bank["reply_claims"]), text


def test_a_full_refund_is_never_promised_beyond_the_agents_budget(bank):
    without = _all(replies.by_situation(bank, "late_delivery", "none", LIAM))
    assert not any("refund you in full" in t or "full refund" in t for t in without)
    allowed = ReplyFacts("Liam", "1051", LIAM.facts | {ORDER_REFUND})
    assert any("refund you in full" in t for t in _all(replies.by_situation(bank, "late_delivery", "none", allowed)))


def test_the_best_fits_come_first_and_name_the_verified_order(bank):
    damaged = replies.by_situation(bank, "damaged", "none", LIAM)["damaged"]
    assert len(damaged) > 3
    assert "#1051" in damaged[0] and "replacement" in damaged[0] and damaged[0].startswith("Liam")


def test_the_severe_replies_join_the_conversations_own_situation(bank):
    offered = replies.by_situation(bank, "damaged", "severe", LIAM)
    assert any("let you down" in t for t in offered["damaged"])
    assert not any("let you down" in t for t in replies.by_situation(bank, "damaged", "none", LIAM)["damaged"])


def test_claims_match_whole_words_in_any_case():
    rules = {"gift": ["gift"], "order_refund": ["refund you in full"]}
    assert replies.claims("A GIFT for you", rules) == {"gift"}
    assert replies.claims("no gifts here", rules) == set()
    assert replies.claims("I'll refund  you in full", rules) == {"order_refund"}


def test_canned_replies_are_filled_and_say_what_does_not_hold(bank):
    items = [{"id": 1, "shortcut": "late", "title": "Late", "text": "Sorry {name}, order {order} is late."},
             {"id": 2, "shortcut": "refund", "title": "Refund", "text": "I can refund you in full today."}]
    out = replies.canned(items, bank, ANONYMOUS)
    assert out[0]["text"] == "Sorry, your order is late." and out[0]["unkept"] == []
    assert out[1]["unkept"] == ["order_refund"]


PROMISE_WORDS = re.compile(r"\b(refund\w*|replac\w*|credit\w*|gift\w*|express|overnight|unlock\w*|label)\b", re.I)


def test_every_promise_in_the_bank_is_a_claim_the_service_checks(bank):
    """A designer's new 'I'll refund ...' cannot slip through unchecked."""
    unchecked = [text for section in ("agent_replies", "situations") for texts in bank[section].values()
                 for text in texts if PROMISE_WORDS.search(text) and not replies.claims(text, bank["reply_claims"])]
    assert unchecked == []
