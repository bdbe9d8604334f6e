"""Check-ins in the store: the scheduling rule, a grant schedules its own, claimed once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path
from typing import List, Optional

import pytest
from sqlalchemy import select

from store import conversations as conv_store
from store import followups
from store.db import transaction
from store.followup_policy import DAY_S, FollowupPolicy, load_followup_policy, policy_from_mapping
from store.models import Customer
from store.models.support import ConversationStatus
from store.resolutions import grant_replacement

T0 = dt.datetime(2026, 1, 14, 12, 0)
POLICY = dataclasses.replace(load_followup_policy(Path("policy/followups.yml")),
                             delay_s={"replacement": 3 * DAY_S, "refund": 5 * DAY_S, "credit": DAY_S,
                                      "handoff": DAY_S})


def _conversation(session, email: Optional[str], session_id: str = "s" * 32) -> int:
    customer = session.execute(select(Customer).where(Customer.email == email)).scalar_one() if email else None
    return int(conv_store.create_conversation(session, session_id, customer.id if customer else None).id)


def test_plan_a_grant_beats_a_handoff_and_a_check_in_never_moves_earlier() -> None:
    later = T0 + dt.timedelta(days=3)
    assert followups.plan(None, "handoff", T0) == ("handoff", T0)
    assert followups.plan(("replacement", later), "handoff", T0) == ("replacement", later)
    assert followups.plan(("handoff", T0), "refund", later) == ("refund", later)
    assert followups.plan(("credit", later), "refund", T0) == ("refund", later)


def test_a_check_in_needs_a_known_email(db_session) -> None:
    anonymous = _conversation(db_session, None)
    assert followups.schedule(db_session, anonymous, "handoff", policy=POLICY, now=T0) is None
    conv = conv_store.get_conversation(db_session, anonymous)
    conv.follow_up_email = "visitor@example.com"  # left for a follow-up ticket
    fid = followups.schedule(db_session, anonymous, "handoff", policy=POLICY, now=T0)
    assert followups.for_conversation(db_session, anonymous)[0]["email"] == "visitor@example.com" and fid


def test_one_scheduled_check_in_per_conversation(db_session) -> None:
    cid = _conversation(db_session, "liam@example.com")
    first = followups.schedule(db_session, cid, "replacement", order_number="1051", policy=POLICY, now=T0)
    again = followups.schedule(db_session, cid, "handoff", policy=POLICY, now=T0 + dt.timedelta(hours=1))
    [row] = followups.for_conversation(db_session, cid)
    assert first == again and row["kind"] == "replacement" and row["order_number"] == "1051"
    assert row["due_at"] == T0 + dt.timedelta(days=3)
    with pytest.raises(ValueError):
        followups.schedule(db_session, cid, "gift_card", policy=POLICY)


def test_a_grant_in_a_conversation_schedules_its_check_in_in_the_same_transaction(db_session) -> None:
    cid = _conversation(db_session, "liam@example.com")
    grant_replacement(db_session, "1051", conversation_id=cid)
    [row] = followups.for_conversation(db_session, cid)
    assert (row["kind"], row["order_number"], row["email"], row["state"]) == (
        "replacement", "1051", "liam@example.com", "scheduled")
    db_session.rollback()  # the grant rolled back: so did its check-in
    assert followups.for_conversation(db_session, cid) == []


def test_due_check_ins_wait_while_a_person_has_the_conversation(db_session) -> None:
    cid = _conversation(db_session, "liam@example.com")
    fid = followups.schedule(db_session, cid, "handoff", policy=POLICY, now=T0)
    assert followups.due_ids(db_session, T0 + dt.timedelta(hours=23)) == []
    assert followups.due_ids(db_session, T0 + dt.timedelta(days=1)) == [fid]
    conv_store.get_conversation(db_session, cid).status = ConversationStatus.ASSIGNED
    db_session.flush()
    assert followups.due_ids(db_session, T0 + dt.timedelta(days=1)) == []


def test_two_senders_claim_a_check_in_once(db_settings, db_session_factory) -> None:
    with transaction(db_session_factory) as session:
        cid = _conversation(session, "liam@example.com")
        fid = followups.schedule(session, cid, "handoff", policy=POLICY, now=T0)
    results: List[object] = []

    def take() -> None:
        with transaction(db_session_factory) as session:
            results.append(followups.claim(session, fid, T0 + dt.timedelta(days=2)))

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    claimed = [r for r in results if r is not None]
    assert len(results) == 2 and len(claimed) == 1 and claimed[0]["customer_name"] == "Liam O'Brien"
    with transaction(db_session_factory) as session:
        assert followups.mark_opened(session, fid) is True
        assert followups.mark_opened(session, fid) is False  # opened once
        assert followups.opened_for(session, cid) == {"kind": "handoff", "order_number": None}


def test_the_policy_file_checks_placeholders_and_the_link() -> None:
    with pytest.raises(ValueError, match="needs the"):
        policy_from_mapping({"messages": {k: ["Hi {name}"] for k in ("replacement", "refund", "credit", "handoff")}})
    with pytest.raises(ValueError, match="unknown placeholder"):
        policy_from_mapping({"messages": {k: ["Hi {nam} {link}"] for k in ("replacement", "refund", "credit",
                                                                           "handoff")}})
    override = load_followup_policy(Path("policy/followups.yml"), delay_override_s=2)
    assert {override.delay(k) for k in ("replacement", "refund", "credit", "handoff")} == {2.0}
    assert isinstance(override, FollowupPolicy) and all(len(v) >= 3 for v in override.messages.values())
