"""One rule for "charged twice": the read model, the agent's grant options and the bot's refund agree."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from common.severity import SEVERITIES
from store import agents as agent_store
from store import queries as q
from store.errors import NotAllowed
from store.models import Agent, Charge, ChargeStatus, Customer, Severity
from store.read.billing import duplicate_pairs
from store.resolution_policy import load_resolution_policy
from store.resolutions import refund_charge

ROOT = Path(__file__).resolve().parents[3]
T0 = dt.datetime(2025, 3, 10, 9, 0)
H = dt.timedelta(hours=1)


def _charge(id_, hours, status=ChargeStatus.SUCCEEDED, amount=Decimal("29.00"), description="Pro plan"):
    return SimpleNamespace(id=id_, amount=amount, description=description, status=status,
                           created_at=T0 + hours * H)


def test_a_repeat_within_the_window_is_a_duplicate_of_the_first():
    assert duplicate_pairs([_charge(1, 0), _charge(2, 1)], 48) == {2: 1}
    assert duplicate_pairs([_charge(1, 0), _charge(2, 49)], 48) == {}
    assert duplicate_pairs([_charge(1, 0), _charge(2, 49)], 72) == {2: 1}


def test_amount_and_description_must_both_match():
    assert duplicate_pairs([_charge(1, 0), _charge(2, 1, amount=Decimal("29.01"))], 48) == {}
    assert duplicate_pairs([_charge(1, 0), _charge(2, 1, description="Pro plan (annual)")], 48) == {}


@pytest.mark.parametrize("status", [ChargeStatus.REFUNDED, ChargeStatus.DISPUTED])
def test_only_a_charge_that_went_through_can_be_repeated(status):
    assert duplicate_pairs([_charge(1, 0, status=status), _charge(2, 1)], 48) == {}


@pytest.mark.parametrize("status", list(ChargeStatus))
def test_the_repeat_itself_may_have_any_status(status):
    assert duplicate_pairs([_charge(1, 0), _charge(2, 1, status=status)], 48) == {2: 1}


def test_a_repeat_is_never_the_original_of_another():
    assert duplicate_pairs([_charge(1, 0), _charge(2, 1), _charge(3, 2)], 48) == {2: 1, 3: 1}
    assert duplicate_pairs([_charge(1, 0), _charge(2, 40), _charge(3, 80)], 48) == {2: 1}


def test_store_severity_is_the_shared_scale():
    assert tuple(s.value for s in Severity) == SEVERITIES


@pytest.fixture
def james(db_session):
    return db_session.execute(select(Customer).where(Customer.email == "james@example.com")).scalar_one()


def _add_pair(session, customer, apart_hours, original_status=ChargeStatus.SUCCEEDED):
    start = dt.datetime.utcnow() - dt.timedelta(days=5)
    rows = [Charge(customer_id=customer.id, amount=Decimal("31.00"), description="Gift card", status=status,
                   created_at=start + dt.timedelta(hours=hours))
            for hours, status in ((0, original_status), (apart_hours, ChargeStatus.SUCCEEDED))]
    session.add_all(rows)
    session.flush()
    return rows[1]


def _views(session, customer, charge, policy):
    """(read model, agent's options, bot refund) on whether ``charge`` is a duplicate."""
    dana = session.execute(select(Agent).where(Agent.username == "dana")).scalar_one()
    listed = any(d["id"] == charge.id for d in q.duplicate_charges(session, customer.id))
    flagged = any(c["id"] == charge.id and c["duplicate"] for c in q.recent_charges(session, customer.id))
    offered = any(o.get("charge_id") == charge.id for o in agent_store.grant_options(session, dana.id, customer.id))
    try:
        with session.begin_nested():
            refund_charge(session, charge.id, policy=policy)
        refunded = True
    except NotAllowed:
        refunded = False
    return listed, flagged, offered, refunded


@pytest.mark.parametrize("apart_hours,original_status,expected", [
    (3, ChargeStatus.SUCCEEDED, True),
    (47, ChargeStatus.SUCCEEDED, True),
    (60, ChargeStatus.SUCCEEDED, False),  # outside the policy's 48 h (the read model's old fixed window agreed here)
    (3, ChargeStatus.DISPUTED, False),  # the read model used to count these; the refund never did
    (3, ChargeStatus.REFUNDED, False),
])
def test_read_model_grant_options_and_refund_agree(db_session, james, apart_hours, original_status, expected):
    policy = load_resolution_policy(ROOT / "policy" / "resolutions.yml")
    charge = _add_pair(db_session, james, apart_hours, original_status)
    assert _views(db_session, james, charge, policy) == (expected,) * 4


def test_the_window_is_the_policys(db_session, james):
    policy = dataclasses.replace(load_resolution_policy(ROOT / "policy" / "resolutions.yml"),
                                 duplicate_window_hours=72)
    charge = _add_pair(db_session, james, 60)
    assert [d["id"] for d in q.duplicate_charges(db_session, james.id, window_hours=72)] == [charge.id]
    assert q.duplicate_charges(db_session, james.id) == []  # policy/resolutions.yml says 48 h
    assert refund_charge(db_session, charge.id, policy=policy)["details"]["duplicate_of"] == charge.id - 1
