"""'Make it Right': policy limits, once per order, agent budgets, and the operations."""

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from store.errors import InvalidInput, NotAllowed, NotFound
from store.models import Actor, Agent, Charge, Customer, Order, PasswordReset, Resolution, ResolutionKind
from store.operations import (
    cancel_order,
    change_shipping_address,
    create_password_reset,
    hash_reset_token,
    order_for_topic,
    start_return,
)
from store.queries import find_order
from store.resolution_policy import ResolutionPolicy, load_resolution_policy
from store.resolutions import check_grant, grant_credit, grant_replacement, refund_charge

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def policy():
    return load_resolution_policy(ROOT / "policy" / "resolutions.yml")


def customer(session, email):
    return session.execute(select(Customer).where(Customer.email == email)).scalar_one()


def agent(session, username):
    return session.execute(select(Agent).where(Agent.username == username)).scalar_one()


def duplicate_charge(session, email):
    charges = session.execute(select(Charge).where(Charge.customer_id == customer(session, email).id)
                              .order_by(Charge.created_at.desc(), Charge.id.desc())).scalars().all()
    return charges[0], charges[1]


def test_policy_file_is_read(policy):
    assert policy.bot_max_per_incident == Decimal("50") and policy.once_per_order
    assert "overnight" in policy.credit_methods and policy.duplicate_window_hours == 48


def test_bot_credits_exactly_the_paid_shipping_once(db_session, policy):
    done = grant_credit(db_session, "1042", policy=policy)
    assert done["amount"] == 24.99 and done["granted_by"] == "bot" and done["kind"] == "credit"
    with pytest.raises(NotAllowed) as second:
        grant_credit(db_session, "1042", policy=policy)
    assert second.value.needs_human and "already had a credit" in second.value.message
    assert len(find_order(db_session, "1042").resolutions) == 1


def test_no_credit_for_an_order_that_is_not_late(db_session, policy):
    with pytest.raises(NotAllowed) as refused:
        grant_credit(db_session, "1088", policy=policy)
    assert not refused.value.needs_human


def test_bot_limit_per_incident_needs_a_human(db_session, policy):
    maya = customer(db_session, "maya@example.com")
    over = check_grant(db_session, kind=ResolutionKind.CREDIT, customer_id=maya.id, amount="50.01", policy=policy)
    assert not over.allowed and over.needs_human and "$50.00" in over.reason
    assert check_grant(db_session, kind=ResolutionKind.CREDIT, customer_id=maya.id, amount=50, policy=policy).allowed


def test_vip_over_the_threshold_needs_a_human(db_session, policy):
    ava = customer(db_session, "ava@example.com")
    decision = check_grant(db_session, kind=ResolutionKind.CREDIT, customer_id=ava.id, amount=40, policy=policy)
    assert not decision.allowed and decision.needs_human and "VIP" in decision.reason
    assert check_grant(db_session, kind=ResolutionKind.CREDIT, customer_id=ava.id, amount=20, policy=policy).allowed


def test_agents_grant_within_their_own_budget(db_session, policy):
    maya = customer(db_session, "maya@example.com")
    dana, sam = agent(db_session, "dana"), agent(db_session, "sam")
    args = dict(kind=ResolutionKind.CREDIT, customer_id=maya.id, amount=80, actor=Actor.AGENT, policy=policy)
    assert check_grant(db_session, agent_id=dana.id, **args).allowed
    over = check_grant(db_session, agent_id=sam.id, **args)
    assert not over.allowed and not over.needs_human and "Sam" in over.reason
    # An agent may grant a second time on an order (the person decides), within budget.
    grant_credit(db_session, "1042", policy=policy)
    done = grant_credit(db_session, "1042", actor=Actor.AGENT, agent_id=dana.id, amount=60, reason="missed the party",
                        policy=policy)
    assert done["granted_by"] == "agent" and done["agent_id"] == dana.id and done["amount"] == 60.0
    with pytest.raises(NotAllowed):
        grant_credit(db_session, "1042", actor=Actor.AGENT, agent_id=sam.id, amount=75, reason="x", policy=policy)
    with pytest.raises(NotFound):
        check_grant(db_session, agent_id=None, **args)


def test_agent_credit_needs_an_amount_and_a_reason(db_session, policy):
    dana = agent(db_session, "dana")
    with pytest.raises(InvalidInput):
        grant_credit(db_session, "1043", actor=Actor.AGENT, agent_id=dana.id, policy=policy)
    with pytest.raises(InvalidInput):
        grant_credit(db_session, "1043", actor=Actor.AGENT, agent_id=dana.id, amount=10, reason=" ", policy=policy)


def test_replacement_creates_a_new_order_without_a_return(db_session, policy):
    done = grant_replacement(db_session, "1051", policy=policy, conversation_id=None)
    new = db_session.execute(select(Order).where(Order.number == done["details"]["replacement_order"])).scalar_one()
    original = find_order(db_session, "1051")
    assert int(new.number) > int(original.number) and new.shipping_address == original.shipping_address
    assert [i.sku for i in new.items] == ["HM-220"] and float(new.total) == 0 and new.is_gift
    assert done["details"]["return_required"] is False and done["amount"] == 48.0


def test_replacement_above_the_item_value_limit_needs_a_human(db_session, policy):
    tight = dataclasses.replace(policy, replacement_max_item_value=Decimal("40"))
    with pytest.raises(NotAllowed) as refused:
        grant_replacement(db_session, "1051", policy=tight)
    assert refused.value.needs_human
    assert db_session.execute(select(Resolution).where(Resolution.kind == ResolutionKind.REPLACEMENT)).first() is None


def test_replacement_needs_damage_on_record(db_session, policy):
    with pytest.raises(NotAllowed) as refused:
        grant_replacement(db_session, "1043", policy=policy)
    assert refused.value.needs_human


def test_exact_duplicate_is_refunded_but_a_monthly_renewal_is_not(db_session, policy):
    duplicate, original = duplicate_charge(db_session, "noah@example.com")
    done = refund_charge(db_session, duplicate.id, policy=policy)
    assert done["charge_id"] == duplicate.id and duplicate.status.value == "refunded"
    assert original.status.value == "succeeded"
    with pytest.raises(NotAllowed):
        refund_charge(db_session, duplicate.id, policy=policy)
    with pytest.raises(NotAllowed) as renewal:
        refund_charge(db_session, original.id, policy=policy)  # a month after the previous one
    assert renewal.value.needs_human


def test_cancel_only_before_dispatch(db_session):
    done = cancel_order(db_session, "1075")
    order = find_order(db_session, "1075")
    assert order.status.value == "cancelled" and done["kind"] == "refund" and done["amount"] == float(order.total)
    with pytest.raises(NotAllowed):
        cancel_order(db_session, "1088")
    with pytest.raises(NotFound):
        cancel_order(db_session, "99999")


def test_address_change_only_before_dispatch(db_session):
    done = change_shipping_address(db_session, "1090", "  5 Canal   Street, New Orleans, LA 70130 ")
    assert done["new_address"] == "5 Canal Street, New Orleans, LA 70130"
    assert find_order(db_session, "1090").shipping_address == done["new_address"]
    with pytest.raises(InvalidInput):
        change_shipping_address(db_session, "1090", "x")
    with pytest.raises(NotAllowed) as shipped:
        change_shipping_address(db_session, "1088", "1 Long Road, Reno, NV 89501")
    assert shipped.value.needs_human


def test_return_once_and_only_for_delivered_orders(db_session, policy):
    done = start_return(db_session, "1043", policy=policy)
    assert done["status"] == "in_progress" and done["details"]["label"] == "/returns/1043/label"
    with pytest.raises(NotAllowed):
        start_return(db_session, "1043", policy=policy)
    with pytest.raises(NotAllowed):
        start_return(db_session, "1075", policy=policy)


def test_return_past_the_window_needs_a_human(db_session, policy):
    order = find_order(db_session, "1001")
    order.delivered_at = dt.datetime.utcnow() - dt.timedelta(days=90)
    with pytest.raises(NotAllowed) as late:
        start_return(db_session, "1001", policy=policy)
    assert late.value.needs_human


def test_password_reset_is_hashed_and_does_not_unlock(db_session):
    emma = customer(db_session, "emma@example.com")
    emma.account_locked = True
    done = create_password_reset(db_session, emma.id)
    token = done["link"].split("/reset/")[1]
    row = db_session.execute(select(PasswordReset).where(PasswordReset.customer_id == emma.id)).scalar_one()
    assert row.token_hash == hash_reset_token(token) and row.expires_at > dt.datetime.utcnow()
    assert done["locked"] and not done["unlocked"] and emma.account_locked
    assert create_password_reset(db_session, emma.id, unlock=True)["unlocked"] and not emma.account_locked


def test_order_for_topic_picks_the_order_the_intent_is_about(db_session):
    maya = customer(db_session, "maya@example.com")
    assert order_for_topic(db_session, maya.id, "delivery_late") == "1042"
    assert order_for_topic(db_session, maya.id, "return_item") == "1043"
    assert order_for_topic(db_session, customer(db_session, "lucas@example.com").id, "refund_status") == "1080"


def test_policy_defaults_fill_missing_keys():
    assert ResolutionPolicy.from_mapping({"bot": {"max_per_incident": 20}}).bot_max_per_incident == Decimal("20")
