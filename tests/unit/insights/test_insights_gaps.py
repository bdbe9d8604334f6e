"""Empathy gaps on synthetic conversation records (no database): each finding fires on a
planted pattern and stays quiet below its minimum count or without a difference."""

from __future__ import annotations

import datetime as dt
from typing import List, Optional, Sequence, Tuple

import pytest

from insights import gaps
from insights.records import Conv, HandoffRec, Msg
from insights.voice import ToneRules, default_rules

T0 = dt.datetime(2030, 1, 1)
Line = Tuple[str, str, Optional[str], float]  # sender, text, intent, score


def conv(cid: int, lines: Sequence[Line], handoff_after: Optional[int] = None) -> Conv:
    msgs: List[Msg] = []
    for i, (sender, text, intent, score) in enumerate(lines):
        severity = "severe" if score >= 0.7 else "elevated" if score >= 0.4 else "none"
        msgs.append(Msg(seq=i + 1, sender=sender, text=text, at=T0 + dt.timedelta(minutes=cid * 100 + i),
                        intent=intent, score=score, severity=severity))
    handoffs = []
    if handoff_after is not None:
        at = msgs[handoff_after].at + dt.timedelta(seconds=1)
        handoffs.append(HandoffRec("detector", [], at, None, None, None))
    return Conv(id=cid, session_id=f"s{cid}", customer_id=None, status="bot", created_at=msgs[0].at,
                messages=msgs, handoffs=handoffs)


def _setup(cid: int, word: str, escalates: bool) -> Conv:
    lines = [("customer", f"the set-up is {word} and the sync is stuck", "setup_help", 0.1),
             ("bot", "Open Settings and press Sync.", None, 0.0)]
    if escalates:
        lines.append(("customer", "I want a person now", "request_human", 0.5))
        return conv(cid, lines, handoff_after=2)
    lines.append(("customer", "thanks", "thank", 0.0))
    return conv(cid, lines)


def test_phrase_over_represented_in_escalations():
    convs = [_setup(i, "confusing", True) for i in range(8)] + [_setup(8 + i, "confusing", False) for i in range(2)]
    convs += [_setup(20 + i, "fine", False) for i in range(30)] + [_setup(60 + i, "fine", True) for i in range(2)]
    found = gaps.escalation_phrases(convs)
    assert found and found[0]["phrase"] == "confusing"
    top = found[0]
    assert top["count"] == 10 and top["share"] == 0.8 and top["z"] >= gaps.Z_PHRASE
    assert top["conversation_ids"] == list(range(8))
    assert "confusing" in top["finding"] and "80%" in top["finding"]
    # the message that triggered the handoff ("I want a person now") is not evidence
    assert all("person" not in f["phrase"] for f in found)


def test_phrase_below_minimum_count_is_not_reported():
    convs = [_setup(i, "confusing", True) for i in range(gaps.MIN_ESCALATED - 1)]
    convs += [_setup(20 + i, "fine", False) for i in range(30)]
    assert all(f["phrase"] != "confusing" for f in gaps.escalation_phrases(convs))


def test_phrase_used_equally_by_both_groups_is_not_reported():
    convs = [_setup(i, "confusing", i % 2 == 0) for i in range(40)]
    assert gaps.escalation_phrases(convs) == []


def _turn(cid: int, reply: str, next_score: float) -> Conv:
    return conv(cid, [("customer", "where is my refund", "refund_status", 0.1), ("bot", reply, None, 0.0),
                      ("customer", "hmm", "inform", next_score)])


def test_bot_reply_followed_by_rising_frustration():
    convs = [_turn(i, "Your refund is in progress.", 0.8) for i in range(6)]
    convs += [_turn(10 + i, "I can see why you're worried; it lands on Friday.", 0.1) for i in range(30)]
    found = gaps.rising_frustration(convs)
    assert [f["reply"] for f in found] == ["Your refund is in progress."]
    assert found[0]["count"] == 6 and found[0]["share"] == 1.0 and found[0]["conversation_ids"] == list(range(6))


def test_reply_after_a_greeting_is_not_blamed_for_the_topic():
    convs = [conv(i, [("customer", "hi", "greet", 0.0), ("bot", "Hi! What can we help with?", None, 0.0),
                      ("customer", "my parcel is late AGAIN", "delivery_late", 0.8)]) for i in range(10)]
    assert gaps.rising_frustration(convs) == []


@pytest.fixture(scope="module")
def rules() -> ToneRules:
    return default_rules()


def test_negative_message_answered_without_validation(rules):
    flat = [conv(i, [("customer", "where is my refund??", "refund_status", 0.2),
                     ("bot", "Your refund is in progress with the payment provider.", None, 0.0)]) for i in range(4)]
    warm = [conv(10 + i, [("customer", "where is my refund??", "refund_status", 0.2),
                          ("bot", "I can see why you're worried. Your refund is in progress.", None, 0.0)])
            for i in range(4)]
    calm = [conv(20 + i, [("customer", "what's your return policy", "faq", 0.0),
                          ("bot", "30 days, free label.", None, 0.0)]) for i in range(5)]
    found = gaps.unvalidated(flat + warm + calm, rules)
    assert len(found) == 1
    assert found[0]["intent"] == "refund_status" and found[0]["count"] == 4 and found[0]["share"] == 0.5
    assert found[0]["conversation_ids"] == [0, 1, 2, 3]


def test_detector_severity_makes_any_intent_negative(rules):
    angry = [conv(i, [("customer", "this is RIDICULOUS", "faq", 0.8), ("bot", "30 days, free label.", None, 0.0)])
             for i in range(3)]
    assert [f["intent"] for f in gaps.unvalidated(angry, rules)] == ["faq"]


def test_every_gap_has_the_contract_keys(rules):
    convs = [_setup(i, "confusing", True) for i in range(8)] + [_setup(8 + i, "fine", False) for i in range(30)]
    found = gaps.empathy_gaps(convs, rules)
    assert {f["kind"] for f in found} >= {"phrase", "unvalidated"}
    for f in found:
        assert {"finding", "count", "share", "conversation_ids"} <= set(f)
        assert 0 < f["share"] <= 1 and f["count"] > 0 and f["conversation_ids"]
