"""Billing, invoices, subscription, password reset."""

import hashlib

import pytest
from sqlalchemy import select

from bot.actions.account import ActionPasswordReset
from bot.actions.billing import ActionBillingIssue, ActionSendInvoice
from bot.actions.subscription import ActionSubscriptionIssue
from store.models import Charge, Customer, PasswordReset, Resolution, ResolutionKind

pytestmark = pytest.mark.asyncio


def meta(token, email):
    return {"identity_token": token(email)}


def refunds(db_session, customer_id):
    return db_session.execute(select(Resolution).where(Resolution.customer_id == customer_id,
                                                       Resolution.kind == ResolutionKind.REFUND)).scalars().all()


async def test_duplicate_charge_is_validated_and_refunded(store, run, kit, token, phrases, db_session, customer_id):
    noah = customer_id("noah@example.com")
    messages, _ = await run(ActionBillingIssue(), kit.tracker(
        "billing_issue", "why was I charged twice this month??", metadata=meta(token, "noah@example.com")))
    said = kit.texts(messages)
    assert said[0] in phrases["situations"]["billing"]
    assert "$29.00" in said[1] and "refunded" in said[1]
    kit.assert_voice(said)
    rows = refunds(db_session, noah)
    assert len(rows) == 1 and rows[0].granted_by.value == "bot"
    assert db_session.get(Charge, rows[0].charge_id).status.value == "refunded"
    # Asked again: nothing left to refund, so the charges are listed instead; no second refund.
    messages, _ = await run(ActionBillingIssue(), kit.tracker(
        "billing_issue", "and the charge?", metadata=meta(token, "noah@example.com")))
    assert "Pro plan" in " ".join(kit.texts(messages)) and len(refunds(db_session, noah)) == 1


async def test_chargeback_mention_goes_to_a_person(store, run, kit, token, db_session, customer_id):
    detector = {"score": 0.8, "severity": "severe", "reasons": ["mentions a chargeback"], "high_stakes": ["chargeback"]}
    messages, _ = await run(ActionBillingIssue(), kit.tracker(
        "billing_issue", "I'll do a chargeback", metadata={**meta(token, "noah@example.com"), "detector": detector}))
    assert kit.handoffs(messages)[0]["severity"] == "severe"
    assert refunds(db_session, customer_id("noah@example.com")) == []


async def test_billing_asks_an_anonymous_visitor_to_identify(store, run, kit):
    messages, _ = await run(ActionBillingIssue(), kit.tracker("billing_issue", "double charged"))
    assert "e-mail" in kit.texts(messages)[-1] and "$29" not in " ".join(kit.texts(messages))


async def test_invoice_links(store, run, kit, token):
    messages, _ = await run(ActionSendInvoice(), kit.tracker(
        "get_invoice", "invoice for 1043 please", slots={"order_number": "1043"}, metadata=meta(token, "maya@example.com")))
    assert "/api/invoices/INV-1043" in kit.texts(messages)[-1]


async def test_subscription_state_and_duplicate(store, run, kit, token, db_session, customer_id):
    messages, _ = await run(ActionSubscriptionIssue(), kit.tracker(
        "subscription_issue", "my subscription billing is weird", metadata=meta(token, "noah@example.com")))
    said = " ".join(kit.texts(messages))
    assert "Pro plan" in said and "$29.00" in said and "active" in said
    assert len(refunds(db_session, customer_id("noah@example.com"))) == 1


async def test_signed_in_reset_mails_the_link_and_never_shows_it(store, run, kit, token, phrases, db_session,
                                                                 customer_id):
    emma = customer_id("emma@example.com")
    db_session.get(Customer, emma).account_locked = True
    db_session.commit()
    messages, _ = await run(ActionPasswordReset(), kit.tracker(
        "account_access", "I'm locked out", metadata=meta(token, "emma@example.com")))
    said = kit.texts(messages)
    assert said[0] in phrases["situations"]["account_access"]
    assert not any("/reset/" in text for text in said) and "emma@example.com" in " ".join(said)
    assert any("lifted" in t for t in said)
    mails = list((store.settings.outbox_dir).glob("*.eml"))
    assert len(mails) == 1 and "emma@example.com" in mails[0].read_text()
    token_part = mails[0].read_text().split("/reset/")[1].split()[0]
    row = db_session.execute(select(PasswordReset).where(PasswordReset.customer_id == emma)).scalar_one()
    assert row.token_hash == hashlib.sha256(token_part.encode()).hexdigest() and token_part not in row.token_hash
    customer = db_session.get(Customer, emma)
    db_session.refresh(customer)
    assert customer.account_locked is False and customer.failed_logins == 0  # signed in: identity proven


async def test_anonymous_reset_never_shows_the_link(store, run, kit, db_session, customer_id):
    entity = {"entity": "email", "value": "emma@example.com", "start": 0, "end": 16}
    messages, events = await run(ActionPasswordReset(), kit.tracker(
        "account_access", "emma@example.com", entities=[entity]))
    said = " ".join(kit.texts(messages))
    assert "/reset/" not in said and "emma@example.com" in said
    assert db_session.execute(select(PasswordReset).where(
        PasswordReset.customer_id == customer_id("emma@example.com"))).scalar_one()
    unknown = {"entity": "email", "value": "nobody@example.com", "start": 0, "end": 18}
    messages, _ = await run(ActionPasswordReset(), kit.tracker("account_access", "nobody@example.com", entities=[unknown]))
    assert "nobody@example.com" in " ".join(kit.texts(messages))  # same answer: no account enumeration
    assert db_session.execute(select(PasswordReset)).scalars().all().__len__() == 1


async def test_anonymous_reset_without_email_asks_for_it(store, run, kit):
    messages, _ = await run(ActionPasswordReset(), kit.tracker("account_access", "can't log in"))
    assert "e-mail" in kit.texts(messages)[-1]
