"""The domain brief's scenarios, end to end over the customer Socket.IO protocol.

Real stack (tests/stack.py: Rasa with the trained model, the action server, the handoff
service) on its own temporary store, so the grants made here never meet the other
integration tests' conversations. Each scenario checks the voice (validation first, no
banned phrases, "we/let's") and that the bot really acted: the store is read afterwards.
A scenario run twice (signed in, then as an anonymous visitor) forgets the first run's
grant in between, because the policy allows one grant per order.
"""

from __future__ import annotations

import re
from decimal import Decimal
from email import message_from_bytes
from typing import Iterator, List, Optional

import pytest
from sqlalchemy import select

from store.models import Charge, PasswordReset, Resolution, ResolutionKind
from tests.integration.scenario_support import Chat, StoreView, patient_stack, validates
from tests.stack import Stack

pytestmark = pytest.mark.timeout(900)

MAYA, LIAM, NOAH = "maya@example.com", "liam@example.com", "noah@example.com"
OLIVER, EMMA, AVA = "oliver@example.com", "emma@example.com", "ava@example.com"
VARIANTS = ["signed_in", "anonymous"]


@pytest.fixture(scope="module")
def scenario_stack() -> Iterator[Stack]:
    """A stack of its own: these scenarios change orders other tests rely on.

    Loading the model takes Rasa minutes when the two cores are busy, so the processes get
    ``READY_TIMEOUT_S`` instead of the stack's default to come up.
    """
    with patient_stack() as running:
        yield running


@pytest.fixture(scope="module")
def store(scenario_stack: Stack) -> Iterator[StoreView]:
    view = StoreView(scenario_stack.database_url)
    yield view
    view.dispose()


class Chats:
    """Opens chats with the stack and closes them all afterwards."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opened: List[Chat] = []

    def open(self, email: Optional[str] = None) -> Chat:
        """A signed-in customer (``email``) or an anonymous visitor (None)."""
        chat = Chat(self.base_url, email)
        self.opened.append(chat)
        return chat


@pytest.fixture
def chats(scenario_stack: Stack) -> Iterator[Chats]:
    opener = Chats(scenario_stack.base_url)
    yield opener
    for chat in opener.opened:
        chat.close()


def identify(chat: Chat, number: str, email: str, store: StoreView) -> list:
    """An anonymous visitor answers the identify form; returns the final turn's texts.

    The number alone proves nothing: the bot must ask for the e-mail and say nothing about
    the order (its carrier, status or items) until both match.
    """
    order = store.order(number)
    secrets = [s for s in (order.carrier, order.tracking_number, order.shipping_address,
                           f"${order.total:.2f}" if order.total else None) if s]

    def reveals(texts: list) -> bool:
        return any(secret in t for t in texts for secret in secrets)

    asked = chat.turns[-1]
    assert not reveals(asked), f"nothing about the order before the visitor proves who they are: {asked}"
    assert any("order number" in t.lower() for t in asked), asked
    after_number = chat.say(f"it's order {number}")
    assert any("e-mail" in t.lower() or "email" in t.lower() for t in after_number), \
        f"the number alone is not enough: the bot asks for the e-mail: {after_number}"
    assert not reveals(after_number), f"nothing about the order after the number alone: {after_number}"
    return chat.say(email)


@pytest.mark.parametrize("variant", VARIANTS)
def test_late_birthday_gift_is_validated_explained_and_credited(chats, store, variant) -> None:
    store.undo_grants("1042")
    chat = chats.open(MAYA if variant == "signed_in" else None)
    first = chat.say("I'm so frustrated! I paid for overnight shipping for my daughter's birthday gift and "
                     "it's three days late. The party is tomorrow.")
    assert validates(first[0]), f"the first line validates the feeling: {first}"
    texts = identify(chat, "1042", MAYA, store) if variant == "anonymous" else first
    said = " ".join(texts)
    assert "1042" in said
    order = store.order("1042")
    assert order.carrier and order.carrier in said, f"carrier detail ({order.carrier}) in {texts}"
    assert re.search(r"hub|delay", said, re.I), f"where the parcel is stuck: {texts}"
    assert "$24.99" in said and re.search(r"credit", said, re.I), texts
    credits = [r for r in store.resolutions("1042") if r.kind.value == "credit"]
    assert len(credits) == 1 and Decimal(str(credits[0].amount)) == Decimal("24.99")
    assert credits[0].granted_by.value == "bot" and credits[0].reason
    assert not chat.handoffs(), "a late parcel with a credit within policy stays with the bot"
    chat.assert_voice()
    chat.assert_understood()


@pytest.mark.parametrize("variant", VARIANTS)
def test_damaged_gift_is_replaced_without_a_return(chats, store, variant) -> None:
    store.undo_grants("1051")
    chat = chats.open(LIAM if variant == "signed_in" else None)
    first = chat.say("The ceramic vase I sent as a gift arrived broken. I'm so disappointed.")
    assert validates(first[0]), f"the first line validates the feeling: {first}"
    texts = identify(chat, "1051", LIAM, store) if variant == "anonymous" else first
    said = " ".join(texts)
    grants = store.resolutions("1051")
    replacements = [r for r in grants if r.kind.value == "replacement"]
    assert len(replacements) == 1, grants
    new_number = replacements[0].details["replacement_order"]
    assert store.order(new_number).status.value == "processing", "a real replacement order exists"
    assert f"#{new_number}" in said, texts
    assert not [r for r in grants if r.kind.value == "return"], "no return is started"
    assert re.search(r"no need to send|no return needed|no need to return", said, re.I), texts
    assert not re.search(r"(please|could you) (send|ship|return) (it|the)", said, re.I), texts
    assert not chat.handoffs()
    chat.assert_voice()
    chat.assert_understood()


def test_surprise_charge_duplicate_is_refunded(chats, store) -> None:
    chat = chats.open(NOAH)
    texts = chat.say("Why have I been charged twice for my Pro subscription this month? That's not okay.")
    assert validates(texts[0]), texts
    said = " ".join(texts)
    assert "$29.00" in said and re.search(r"refund", said, re.I), texts
    noah = store.customer(NOAH)
    with store.session() as s:
        charges = list(s.execute(select(Charge).where(Charge.customer_id == noah.id)).scalars())
        refunds = list(s.execute(select(Resolution).where(Resolution.customer_id == noah.id,
                                                            Resolution.kind == ResolutionKind.REFUND)).scalars())
    pro = [c for c in charges if "Pro" in c.description and Decimal(str(c.amount)) == Decimal("29")]
    statuses = [c.status.value for c in pro]
    assert statuses.count("refunded") == 1 and statuses.count("succeeded") == len(pro) - 1 >= 1, \
        f"exactly the duplicate is refunded; every other monthly charge stands: {statuses}"
    assert len(refunds) == 1 and refunds[0].granted_by.value == "bot" and refunds[0].charge_id
    assert not chat.handoffs()
    chat.assert_voice()
    chat.assert_understood()


def test_confusing_integration_setup_is_normalised_with_two_options(chats) -> None:
    chat = chats.open(OLIVER)
    texts = chat.say("I've been trying to set up the Shopify integration for hours and I just don't get it. "
                     "The product sync is stuck at 0%.")
    assert validates(texts[0]), texts
    said = " ".join(texts)
    assert re.search(r"confusing|tricky|not just you|trips lots of people|stuck", said, re.I), \
        f"the struggle is normalised: {texts}"
    assert re.search(r"let's[^.?!]*together", said, re.I), texts
    assert re.search(r"screen-share", said, re.I) and "/settings/integrations" in said, "two options"
    assert "/request_human" in chat.last_buttons()
    assert not chat.handoffs(), "options are offered; the customer chooses"
    chat.assert_voice()
    chat.assert_understood()


def test_locked_out_gets_a_mailed_reset_and_is_unlocked(chats, store, scenario_stack) -> None:
    assert store.customer(EMMA).account_locked is True
    chat = chats.open(EMMA)
    texts = chat.say("I can't log in to my account, it keeps saying it's locked and I'm getting really annoyed.")
    assert validates(texts[0]), texts
    said = " ".join(texts)
    assert "/reset/" not in said and EMMA in said, "the link goes to the inbox, never into the chat"
    assert re.search(r"unlocked|lifted", said, re.I), texts
    mails = [message_from_bytes(p.read_bytes()) for p in (scenario_stack.workdir / "outbox").glob("*.eml")]
    assert any(m["To"] == EMMA and "/reset/" in m.get_payload(decode=True).decode() for m in mails), mails
    emma = store.customer(EMMA)
    assert emma.account_locked is False and emma.failed_logins == 0
    with store.session() as s:
        resets = list(s.execute(select(PasswordReset).where(PasswordReset.customer_id == emma.id)).scalars())
    assert len(resets) == 1 and resets[0].token_hash not in said, "recorded, and only as a hash"
    assert not chat.handoffs()
    chat.assert_voice()
    chat.assert_understood()


def test_signed_in_customer_is_greeted_with_context(chats) -> None:
    chat = chats.open(MAYA)
    texts = chat.say("hi")
    assert any(re.search(r"I (can )?see your order #1042 is running \d+ days? late", t) for t in texts), texts
    assert not any("order number" in t.lower() for t in texts), "a signed-in customer is never asked"
    chat.assert_voice()
    chat.assert_understood()


def test_address_change_is_recapped_and_no_changes_nothing(chats, store) -> None:
    before = store.order("1075").shipping_address
    chat = chats.open(AVA)
    chat.say("I need to change the delivery address for order 1075")
    new = "221 Baker Street, London NW1 6XE"
    texts = chat.say(new)
    recap = texts[-1]
    assert new in recap and before in recap and recap.rstrip().endswith("?"), texts
    assert {"/affirm", "/deny"} <= set(chat.last_buttons())
    kept = chat.say("no")
    assert any("1075" in t for t in kept), kept
    assert store.order("1075").shipping_address == before
    chat.assert_voice()
    chat.assert_understood()


def test_cancel_is_recapped_and_done_only_after_yes(chats, store) -> None:
    assert store.order("1075").status.value == "processing"
    chat = chats.open(AVA)
    texts = chat.say("please cancel my order 1075")
    recap = texts[-1]
    assert "1075" in recap and re.search(r"cancel", recap, re.I) and recap.rstrip().endswith("?"), texts
    assert {"/affirm", "/deny"} <= set(chat.last_buttons())
    assert store.order("1075").status.value == "processing", "nothing changes before the yes"
    done = chat.say("/affirm")
    assert any(re.search(r"cancel", t, re.I) and "1075" in t for t in done), done
    assert store.order("1075").status.value == "cancelled"
    refunds = [r for r in store.resolutions("1075") if r.kind.value == "refund"]
    assert len(refunds) == 1 and refunds[0].details.get("cancelled") is True
    chat.assert_voice()
    chat.assert_understood()


def test_calm_routine_questions_are_answered_without_a_handoff(chats) -> None:
    chat = chats.open(MAYA)
    status = chat.say("hi, what's the status of order 1043?")
    assert any("1043" in t and re.search(r"deliver", t, re.I) for t in status), status
    assert not validates(status[0]), "a calm question gets an answer, not an apology"
    visitor = chats.open(None)
    faq = visitor.say("what payment methods do you accept?")
    assert faq and re.search(r"card|paypal|pay", " ".join(faq), re.I), faq
    for c in (chat, visitor):
        assert not c.handoffs(), "calm routine questions never go to a person"
        c.assert_voice(partnership=False)
        c.assert_understood()
