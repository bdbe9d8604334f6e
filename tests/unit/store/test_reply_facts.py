"""Issue 12: what a suggested reply may name and promise comes from verified context only,
names the order the customer is upset about, and promises only what the agent may grant."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from store import conversations as conv_store
from store.models import Actor, Agent, Customer, Order, Sender
from store.reply_facts import (
    DUPLICATE_REFUND,
    GIFT,
    LATE,
    ORDER,
    ORDER_REFUND,
    PAID_SHIPPING,
    REPLACEMENT,
    SHIPPING_CREDIT,
    reply_facts,
    topic_order,
)
from store.resolutions import grant_replacement
from store.verification import mark_verified

_ids = itertools.count(1)


def _agent(s, username: str) -> int:
    return s.execute(select(Agent.id).where(Agent.username == username)).scalar_one()


def _conversation(s, email=None):
    customer_id = s.execute(select(Customer.id).where(Customer.email == email)).scalar_one() if email else None
    return conv_store.create_conversation(s, f"reply-facts-{next(_ids):04d}-0123456789abcdef", customer_id)


def _order(s, number: str) -> Order:
    return s.execute(select(Order).where(Order.number == number)).scalar_one()


def _say(s, conv, text: str, order_number=None) -> None:
    entities = [{"entity": "order_number", "value": order_number}] if order_number else []
    msg = conv_store.append_message(s, conv.id, Sender.CUSTOMER, text)
    conv_store.update_analysis(s, msg.id, parse={"intent": {"name": "item_damaged"}, "entities": entities})


def test_an_anonymous_visitor_is_never_named_and_has_no_order(db_session):
    conv = _conversation(db_session)
    facts = reply_facts(db_session, conv.id, _agent(db_session, "dana"))
    assert facts.first_name is None and facts.order_number is None
    assert facts.facts == frozenset()


def test_an_order_number_an_anonymous_visitor_typed_is_not_verified(db_session):
    conv = _conversation(db_session)
    _say(db_session, conv, "my order 1051 arrived broken", "1051")
    assert reply_facts(db_session, conv.id, _agent(db_session, "dana")).order_number is None


def test_a_verified_order_is_used_but_the_visitor_still_is_not_named(db_session):
    conv = _conversation(db_session)
    _say(db_session, conv, "my order 1051 arrived broken", "1051")
    mark_verified(db_session, conv.id, _order(db_session, "1051").id)
    facts = reply_facts(db_session, conv.id, _agent(db_session, "dana"))
    assert facts.first_name is None  # a verified order is not proof of who is typing
    assert facts.order_number == "1051" and {ORDER, GIFT, REPLACEMENT} <= facts.facts


def test_a_signed_in_customer_is_named_by_first_name_with_their_pressing_order(db_session):
    conv = _conversation(db_session, "maya@example.com")
    facts = reply_facts(db_session, conv.id, _agent(db_session, "dana"))
    assert facts.first_name == "Maya" and facts.order_number == "1042"
    assert {ORDER, GIFT, LATE, PAID_SHIPPING, SHIPPING_CREDIT} <= facts.facts
    assert REPLACEMENT not in facts.facts  # a late parcel has nothing to replace yet


def test_someone_elses_order_named_by_a_signed_in_customer_is_ignored(db_session):
    conv = _conversation(db_session, "maya@example.com")
    _say(db_session, conv, "what about 1051", "1051")  # Liam's
    assert reply_facts(db_session, conv.id, _agent(db_session, "dana")).order_number == "1042"


def test_the_replacement_order_stands_for_the_order_the_customer_is_upset_about(db_session):
    conv = _conversation(db_session, "liam@example.com")
    dana = _agent(db_session, "dana")
    result = grant_replacement(db_session, "1051", actor=Actor.AGENT, agent_id=dana, conversation_id=conv.id)
    new_number = result["details"]["replacement_order"]
    assert new_number != "1051"
    _say(db_session, conv, f"is {new_number} on its way?", new_number)  # even when they name the new one
    assert reply_facts(db_session, conv.id, dana).order_number == "1051"


def test_a_full_refund_is_offered_only_within_the_agents_budget(db_session):
    conv = _conversation(db_session, "maya@example.com")  # order 1042 cost $85.99
    assert ORDER_REFUND in reply_facts(db_session, conv.id, _agent(db_session, "dana")).facts  # $100 budget
    assert ORDER_REFUND not in reply_facts(db_session, conv.id, _agent(db_session, "sam")).facts  # $50 budget


def test_fast_shipping_is_claimed_only_when_it_was_paid_for(db_session):
    conv = _conversation(db_session, "sofia@example.com")  # order 1060 shipped standard
    facts = reply_facts(db_session, conv.id, _agent(db_session, "dana"))
    assert facts.order_number == "1060" and PAID_SHIPPING not in facts.facts and GIFT not in facts.facts


def test_a_duplicate_charge_refund_is_offered_for_its_customer(db_session):
    conv = _conversation(db_session, "noah@example.com")
    assert DUPLICATE_REFUND in reply_facts(db_session, conv.id, _agent(db_session, "sam")).facts


def test_topic_order_of_an_anonymous_conversation_is_its_verified_order(db_session):
    conv = _conversation(db_session)
    mark_verified(db_session, conv.id, _order(db_session, "1060").id)
    assert topic_order(db_session, conv).number == "1060"


def test_asking_what_may_be_promised_takes_no_lock(db_session, monkeypatch):
    """The console's view only asks; the grant itself checks again under the order's lock."""
    import store.resolutions as resolutions

    def no_lock(*_, **__):
        raise AssertionError("a view must not lock the order")

    monkeypatch.setattr(resolutions, "lock_row", no_lock)
    conv = _conversation(db_session, "liam@example.com")
    assert REPLACEMENT in reply_facts(db_session, conv.id, _agent(db_session, "dana")).facts
