"""Issue 9, hole 4: budgets hold per incident, money back never exceeds what was paid, and
two sessions granting at once cannot both pass a check (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, List

import pytest
from sqlalchemy import func, select

import store.resolutions as resolutions_module
from store.budgets import check_scope
from store.db import make_engine, session_factory, transaction
from store.errors import NotAllowed
from store.models import Actor, Agent, Charge, Conversation, Customer, Resolution
from store.operations import cancel_order
from store.queries import duplicate_charges, find_order
from store.resolution_policy import load_resolution_policy
from store.resolutions import grant_credit, refund_charge
from store.verification import mark_verified

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def policy():
    return load_resolution_policy(ROOT / "policy" / "resolutions.yml")


def agent_id(session, username: str) -> int:
    return session.execute(select(Agent.id).where(Agent.username == username)).scalar_one()


def customer_id(session, email: str) -> int:
    return session.execute(select(Customer.id).where(Customer.email == email)).scalar_one()


def credit(session, number: str, amount: Any, policy, who: str = "dana", conversation_id=None):
    return grant_credit(session, number, actor=Actor.AGENT, agent_id=agent_id(session, who), amount=amount,
                        reason="goodwill", policy=policy, conversation_id=conversation_id)


def test_an_agent_cannot_credit_the_same_order_again_and_again(db_session, policy):
    for _ in range(2):
        credit(db_session, "1075", 40, policy)  # Dana's budget is $100 per incident
    with pytest.raises(NotAllowed) as third:
        credit(db_session, "1075", 40, policy)
    assert "$80.00 already granted" in third.value.message and not third.value.needs_human
    credit(db_session, "1075", 20, policy)  # what is left of the budget is still fine


def test_a_credit_is_never_more_than_was_paid(db_session, policy):
    with pytest.raises(NotAllowed) as over:
        credit(db_session, "1043", 60, policy)  # order 1043 cost $49.49
    assert "$49.49 paid" in over.value.message


def test_nothing_goes_back_twice_after_a_cancellation_refunded_everything(db_session, policy):
    cancel_order(db_session, "1090")
    with pytest.raises(NotAllowed):
        credit(db_session, "1090", 5, policy)


def test_the_budget_holds_across_orders_in_one_conversation(db_session, policy):
    ava = customer_id(db_session, "ava@example.com")
    conv = Conversation(session_id="budget-conv-1", customer_id=ava)
    db_session.add(conv)
    db_session.flush()
    credit(db_session, "1075", 60, policy, conversation_id=conv.id)
    with pytest.raises(NotAllowed):
        credit(db_session, "1007", 60, policy, conversation_id=conv.id)


def test_grants_only_for_the_conversations_customer_or_a_verified_order(db_session):
    maya, ava = customer_id(db_session, "maya@example.com"), customer_id(db_session, "ava@example.com")
    signed_in = Conversation(session_id="scope-1", customer_id=maya)
    anonymous = Conversation(session_id="scope-2", customer_id=None)
    db_session.add_all([signed_in, anonymous])
    db_session.flush()
    avas_charge = db_session.execute(select(Charge.id).where(Charge.customer_id == ava)).scalars().first()
    with pytest.raises(NotAllowed):
        check_scope(db_session, signed_in.id, maya, charge_id=avas_charge)  # a refund of someone else's charge
    check_scope(db_session, signed_in.id, maya, order_number="1042")
    with pytest.raises(NotAllowed):
        check_scope(db_session, anonymous.id, None, order_number="1042")  # nothing verified here yet
    mark_verified(db_session, anonymous.id, find_order(db_session, "1042").id)
    check_scope(db_session, anonymous.id, None, order_number="1042")
    with pytest.raises(NotAllowed):
        check_scope(db_session, anonymous.id, None, order_number="1043")  # verified 1042 only


def race(factory, monkeypatch, grant: Callable[[Any], Any]) -> List[str]:
    """Run ``grant`` in two threads with two sessions; both pass their checks before either writes
    unless the check holds a lock (then the second waits, and the barrier just times out)."""
    barrier = threading.Barrier(2)
    original = resolutions_module.record

    def record_after_both_checked(*args: Any, **kwargs: Any) -> Any:
        try:
            barrier.wait(timeout=1.5)
        except threading.BrokenBarrierError:
            pass
        return original(*args, **kwargs)

    monkeypatch.setattr(resolutions_module, "record", record_after_both_checked)
    outcomes: List[str] = []

    def one() -> None:
        try:
            with transaction(factory) as session:
                grant(session)
            outcomes.append("granted")
        except NotAllowed:
            outcomes.append("refused")

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(outcomes)


@pytest.fixture(params=["sqlite", "postgresql"])
def factory(request, db_session_factory):
    if request.param == "sqlite":
        yield db_session_factory
        return
    settings = request.getfixturevalue("pg_settings")
    engine = make_engine(settings)
    yield session_factory(engine)
    engine.dispose()


def grants_on(factory, number: str) -> int:
    with transaction(factory) as session:
        order = find_order(session, number)
        return session.execute(select(func.count()).select_from(Resolution)
                               .where(Resolution.order_id == order.id)).scalar_one()


def test_two_agents_sessions_at_once_stay_within_the_budget(factory, monkeypatch, policy):
    outcomes = race(factory, monkeypatch, lambda s: credit(s, "1075", 60, policy))
    assert outcomes == ["granted", "refused"] and grants_on(factory, "1075") == 1


def test_the_bots_once_per_order_holds_from_two_sessions(factory, monkeypatch, policy):
    outcomes = race(factory, monkeypatch, lambda s: grant_credit(s, "1042", policy=policy))
    assert outcomes == ["granted", "refused"] and grants_on(factory, "1042") == 1


def test_a_duplicate_charge_is_refunded_once_from_two_sessions(factory, monkeypatch, policy):
    with transaction(factory) as session:
        [dupe] = duplicate_charges(session, customer_id(session, "noah@example.com"))
    outcomes = race(factory, monkeypatch, lambda s: refund_charge(s, dupe["id"], policy=policy))
    assert outcomes == ["granted", "refused"]
    with transaction(factory) as session:
        assert session.execute(select(func.count()).select_from(Resolution)
                               .where(Resolution.charge_id == dupe["id"])).scalar_one() == 1
