"""The handoff summary, the recap and the next best action: the pure rules, on the designers' real policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from common.phrase_bank import load_phrase_bank
from handoff.service import next_action, summary
from handoff.service.assist_policy import AssistPolicy, load_assist_policy
from store.resolutions import GrantCheck

POLICY = Path(__file__).resolve().parents[3] / "policy"
MAYA = {"id": 1, "name": "Maya Patel", "first_name": "Maya", "tier": "standard", "customer_since": "2021-03-02T10:00:00"}
LATE = {"kind": "late_order", "order": "1042", "days_late": 3, "text": "your order #1042 is running 3 days late"}
NO_FACTS: Dict[str, Any] = {"verified_orders": [], "resolutions": [], "confirmations": [], "tickets": 0}


@pytest.fixture(scope="module")
def policy() -> AssistPolicy:
    return load_assist_policy(POLICY / "assist.yml")


def customer(seq: int, text: str, intent: Optional[str] = None, severity: str = "none", order: str = "",
             signals: Optional[Dict[str, float]] = None, reasons: Optional[List[str]] = None) -> Dict[str, Any]:
    entities = [{"entity": "order_number", "value": order}] if order else []
    return {"seq": seq, "sender": "customer", "text": text,
            "parse": {"intent": intent, "confidence": 0.9, "entities": entities} if intent else None,
            "detection": {"score": {"none": 0.1, "elevated": 0.5, "severe": 0.9}[severity], "severity": severity,
                          "reasons": reasons or [], "signals": signals or {}}}


def bot(seq: int, text: str, buttons: bool = False) -> Dict[str, Any]:
    out: Dict[str, Any] = {"seq": seq, "sender": "bot", "text": text}
    if buttons:
        out["quick_replies"] = [{"content_type": "text", "title": "Yes", "payload": "/affirm"},
                                {"content_type": "text", "title": "No", "payload": "/deny"}]
    return out


def make(messages: List[Dict[str, Any]], *, profile: Optional[Dict[str, Any]] = None, issue=None,
         facts: Optional[Dict[str, Any]] = None, own=(), status: str = "assigned",
         severity: str = "none") -> summary.SummaryInput:
    return summary.SummaryInput(
        conversation_id=7, status=status, severity=severity, profile=profile, own_orders=list(own),
        pressing_issue=issue, resolutions=list((facts or NO_FACTS)["resolutions"]), facts=facts or NO_FACTS,
        messages=messages, handoff={"source": "customer", "reasons": ["You asked to talk to a person"]},
        bank=load_phrase_bank(POLICY / "phrase_bank.yml"))


def test_an_anonymous_visitor_is_never_named_even_when_they_type_a_name(policy) -> None:
    inp = make([customer(1, "hi, I'm Maya Patel, my order is late", "delivery_late", order="1042"),
                bot(2, "I can look into it: what's the order number and the e-mail on it?"),
                customer(3, "I want a person", "request_human")])
    out = summary.build(policy, inp)
    assert out["who"] == {"verified": False, "name": None, "text": out["who"]["text"]}
    assert "anonymous" in out["who"]["text"].lower() and "order number" in out["who"]["text"]
    assert out["want"].startswith("The visitor wants")
    assert out["order"] is None, "an order number nobody proved is never named"
    for line in [out["want"], out["recap"]["text"], *out["recap"]["variations"]]:
        assert "Maya" not in line and "1042" not in line, line
    assert not out["recap"]["text"].startswith(","), out["recap"]["text"]


def test_a_visitor_who_verified_an_order_gets_it_named_but_still_no_name(policy) -> None:
    facts = {**NO_FACTS, "verified_orders": ["1042"]}
    inp = make([customer(1, "where is 1042", "order_status", order="1042"), bot(2, "It's on its way.")],
               facts=facts, own=["1042"])
    out = summary.build(policy, inp)
    assert "#1042" in out["who"]["text"] and out["who"]["name"] is None
    assert "order #1042" in out["want"] and out["order"] == "1042"
    assert "Checked order #1042 against the e-mail on it" in out["done"]
    assert "#1042" in out["recap"]["text"]


def test_a_signed_in_customer_is_named_with_the_pressing_issue_in_the_recap(policy) -> None:
    inp = make([customer(1, "my order is late", "delivery_late", order="1042"), bot(2, "I'm sorry."),
                customer(3, "the party is tomorrow!", "delivery_late", "elevated", signals={"urgency": 0.45})],
               profile=MAYA, issue=LATE, own=["1042", "1043"])
    out = summary.build(policy, inp)
    assert out["who"]["verified"] and out["who"]["name"] == "Maya Patel" and "since 2021" in out["who"]["text"]
    assert out["want"] == "Maya wants their late order #1042 to arrive, or to have it put right " \
                          "(order #1042 is 3 day(s) late)."
    assert out["situation"] == "late_delivery"
    recap = out["recap"]["text"]
    assert "Maya" in recap and "your order #1042 is running 3 days late" in recap
    assert "won't arrive in time" in recap, "the detector heard time pressure"
    assert len(set(out["recap"]["variations"])) >= 3
    assert "A fix: order #1042 is 3 day(s) late" in out["waiting_for"]


def test_the_recap_moves_on_to_a_wording_not_yet_sent(policy) -> None:
    first = summary.build(policy, make([customer(1, "late", "delivery_late")], profile=MAYA, issue=LATE))["recap"]
    sent = {"seq": 5, "sender": "agent", "text": first["text"]}
    second = summary.build(policy, make([customer(1, "late", "delivery_late"), sent], profile=MAYA, issue=LATE))
    assert second["recap"]["text"] != first["text"]


def test_mood_names_the_turn_where_it_changed(policy) -> None:
    inp = make([customer(1, "where is my order", "order_status"), bot(2, "It is delayed."),
                customer(3, "it's late", "delivery_late"), bot(4, "Still delayed."),
                customer(5, "still late?!", "delivery_late", "elevated", reasons=["angry words: ?!"]),
                customer(6, "chargeback", "complain", "severe", reasons=["mentions a chargeback: chargeback"])])
    out = summary.mood(policy, inp)
    assert out["text"] == ("Calm → upset at their 2nd message about the late delivery "
                           "→ very upset at their 1st message about the complaint")
    assert out["now"] == "severe" and out["peak_reasons"] == ["mentions a chargeback: chargeback"]
    assert [p["severity"] for p in out["path"]] == ["none", "none", "elevated", "severe"]


def test_a_steady_mood_says_so(policy) -> None:
    assert summary.mood(policy, make([customer(1, "hi", "greet"), customer(2, "ok", "affirm")]))["text"] == \
        "Calm throughout"


def test_what_the_bot_did_and_what_they_wait_for(policy) -> None:
    credit = {"id": 3, "kind": "credit", "status": "granted", "order": "1042", "charge_id": None, "details": {},
              "text": "Credit of $24.99 (granted, by bot): overnight shipping credited"}
    replacement = {"id": 4, "kind": "replacement", "status": "granted", "order": "1051", "charge_id": None,
                   "details": {"replacement_order": "1101"}, "text": "Replacement (granted, by bot): vase"}
    facts = {**NO_FACTS, "resolutions": [credit, replacement], "tickets": 1,
             "confirmations": [{"kind": "cancel_order", "order": "1090", "state": "open"}]}
    inp = make([customer(1, "cancel 1090", "cancel_order"),
                bot(2, "I can cancel order #1090 for you. Shall I go ahead?", buttons=True)],
               profile=MAYA, facts=facts, status="queued")
    out = summary.build(policy, inp)
    assert "Credit of $24.99 (granted, by bot): overnight shipping credited (order #1042)" in out["done"]
    assert "Mailed a link to confirm cancelling order #1090 (open)" in out["done"]
    assert "Took an e-mail address for a follow-up" in out["done"]
    assert "Answered about cancelling" in out["done"]
    assert out["waiting_for"][:4] == [
        "A person to take over: You asked to talk to a person", 'Their answer to "Shall I go ahead?"',
        "To click the link mailed to them to confirm cancelling order #1090", "Replacement order #1101 to arrive"]


def test_nothing_secret_like_reaches_the_recap(policy) -> None:
    issue = {**LATE, "text": "see https://shop.example/reset/abc123"}
    out = summary.recap(policy, make([customer(1, "late", "delivery_late")], profile=MAYA, issue=issue),
                        "late_delivery", "1042")
    assert out is None or all("http" not in v and "/reset/" not in v for v in out["variations"])


CREDIT = {"kind": "credit", "order_number": "1042", "max_amount": 100.0, "suggested_amount": 24.99,
          "label": "Credit up to $100.00 for order #1042"}
REPLACE = {"kind": "replacement", "order_number": "1051", "amount": 45.0, "label": "Replace Vase (order #1051)"}


def test_the_grant_that_fits_the_situation_within_budget_is_the_next_best_action(policy) -> None:
    fitting, covered = next_action.candidates(policy, "late_delivery", "1042", [REPLACE, CREDIT], [], late=["1042"])
    assert fitting == [CREDIT] and covered is None
    nba = next_action.next_best_action(policy, "late_delivery", fitting,
                                       [GrantCheck(True, False, "within Dana's budget of $100.00")], None, [24.99])
    assert nba["kind"] == "grant" and nba["label"] == "Credit $24.99 on order #1042"
    assert nba["grant"] == {"kind": "credit", "order_number": "1042", "amount": 24.99,
                            "reason": "late delivery: the shipping paid for is credited back"}
    assert nba["why"] == "within Dana's budget of $100.00"


def test_over_budget_suggests_no_grant_but_asking_a_lead(policy) -> None:
    fitting, _ = next_action.candidates(policy, "late_delivery", "1042", [CREDIT], [], late=["1042"])
    refused = GrantCheck(False, False, "$24.99 on top of the $40.00 already granted is above Sam's $50.00 budget")
    nba = next_action.next_best_action(policy, "late_delivery", fitting, [refused], None, [24.99])
    assert nba["kind"] == "step" and "grant" not in nba
    assert nba["label"].startswith("Ask a lead to approve it") and "Sam's $50.00 budget" in nba["label"]


def test_a_grant_already_given_is_not_suggested_again(policy) -> None:
    earlier = {"kind": "credit", "status": "granted", "order": "1042", "charge_id": None,
               "text": "Credit of $24.99 (granted, by bot): shipping"}
    fitting, covered = next_action.candidates(policy, "late_delivery", "1042", [CREDIT], [earlier], late=["1042"])
    assert fitting == [] and covered is earlier
    nba = next_action.next_best_action(policy, "late_delivery", fitting, [], covered, [])
    assert nba["kind"] == "step" and nba["label"].startswith("Already done: Credit of $24.99")


def test_a_situation_without_a_grant_gets_its_step(policy) -> None:
    fitting, covered = next_action.candidates(policy, "account_access", None, [CREDIT], [])
    nba = next_action.next_best_action(policy, "account_access", fitting, [], covered, [])
    assert nba == {"kind": "step", "label": policy.situation("account_access").step, "why": "account_access"}


def test_the_policy_refuses_a_recap_without_its_placeholders() -> None:
    with pytest.raises(ValueError):
        AssistPolicy.from_mapping({"situations": {"general": {"about": "a", "worry": "b", "step": "c"}},
                                   "recap": ["So just to confirm: {about}."], "want_fallback": "x",
                                   "already_granted_step": "x", "over_budget_step": "x"})


def test_a_customer_who_only_asked_for_a_person_gets_the_pressing_issue_as_a_guess(policy) -> None:
    inp = make([customer(1, "I'd like to talk to a human please", "request_human")], profile=MAYA, issue=LATE,
               own=["1042"])
    out = summary.build(policy, inp)
    assert out["situation"] == "late_delivery" and out["order"] == "1042"
    assert out["want"] == ("Maya hasn't said yet; most likely they want their late order #1042 to arrive, "
                           "or to have it put right (order #1042 is 3 day(s) late).")
    assert "your order #1042 is running 3 days late" in out["recap"]["text"]


def test_nobody_said_anything_specific_and_nothing_is_pressing(policy) -> None:
    out = summary.build(policy, make([customer(1, "hello", "greet")]))
    assert out["want"] == f"The visitor wants {policy.want_fallback}."
    assert out["situation"] == "general" and out["recap"]["text"]


def test_a_credit_for_lateness_only_on_an_order_that_is_late(policy) -> None:
    on_time = {**CREDIT, "order_number": "1088", "label": "Credit up to $40.00 for order #1088"}
    fitting, covered = next_action.candidates(policy, "late_delivery", "1088", [on_time], [], late=["1042"])
    assert fitting == [] and covered is None
    nba = next_action.next_best_action(policy, "late_delivery", fitting, [], covered, [])
    assert nba["kind"] == "step" and nba["label"] == policy.situation("late_delivery").step
