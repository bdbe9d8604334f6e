"""Issue 10, items 3, 4 and 6, end to end over the customer Socket.IO protocol.

Clarify instead of "I didn't get that" (an upset message is validated first), "you're not
understanding me" reaches a person, and one consistent voice: what the bot says agrees with
what it did (a refund, a replacement) and with the service's state (nobody online). Real
stack on its own store (grants are made here); nobody from the team is online unless a test
signs an agent in.
"""

from __future__ import annotations

import re
import time
from typing import Iterator, List, Optional

import pytest
from sqlalchemy import select

from tests.integration.clients import Agent, Customer, identity_token
from tests.integration.scenario_support import StoreView, fallback_lines, patient_stack, validates, validating_phrases
from tests.stack import Stack

pytestmark = pytest.mark.timeout(900)

BRINGING = re.compile(r"bringing in|bring in a (teammate|person)[^?]*now|I'm passing our conversation", re.I)
NOBODY = "no one from our support team is online"
UNDERSTANDING = "the assistant isn't understanding"


@pytest.fixture(scope="module")
def voice_stack() -> Iterator[Stack]:
    with patient_stack() as running:
        yield running


@pytest.fixture(scope="module")
def store(voice_stack: Stack) -> Iterator[StoreView]:
    view = StoreView(voice_stack.database_url)
    yield view
    view.dispose()


class Talk:
    """A customer's conversation: every message of a turn, the bot's and the service's."""

    def __init__(self, base_url: str, email: Optional[str] = None) -> None:
        self.customer = Customer(base_url)
        token = identity_token(base_url, email) if email else None
        assert self.customer.start(identity_token=token)["ok"]
        self.turns: List[List[dict]] = []

    def say(self, text: str, settle_s: float = 1.5, timeout: float = 120.0) -> List[str]:
        rec = self.customer.rec
        mark = rec.mark()
        ack = self.customer.say(text)
        assert ack["ok"], ack
        rec.wait_for("bot_uttered", lambda d: d["metadata"]["seq"] > ack["seq"], timeout, start=mark)
        seen = -1
        while seen != len(rec.of("bot_uttered", mark)):
            seen = len(rec.of("bot_uttered", mark))
            time.sleep(settle_s)
        self.turns.append(rec.of("bot_uttered", mark))
        return [m.get("text") or "" for m in self.turns[-1]]

    def buttons(self, turn: int = -1) -> List[str]:
        return [b["payload"] for m in self.turns[turn] for b in (m.get("buttons") or m.get("quick_replies") or [])]

    def queued(self) -> bool:
        return any(d.get("status") == "queued" for d in self.customer.rec.of("handoff_status"))

    @property
    def texts(self) -> List[str]:
        return [m.get("text") or "" for turn in self.turns for m in turn]

    def close(self) -> None:
        self.customer.close()


@pytest.fixture
def talks(voice_stack: Stack) -> Iterator[callable]:
    opened: List[Talk] = []

    def open_talk(email: Optional[str] = None) -> Talk:
        talk = Talk(voice_stack.base_url, email)
        opened.append(talk)
        return talk

    yield open_talk
    for talk in opened:
        talk.close()


def handoff_reasons(store: StoreView, session_id: str) -> List[str]:
    from store.models.support import Conversation, Handoff

    with store.session() as s:
        conv = s.execute(select(Conversation).where(Conversation.session_id == session_id)).scalar_one()
        return [r for h in s.execute(select(Handoff).where(Handoff.conversation_id == conv.id)).scalars()
                for r in h.reasons or []]


def assert_no_fallback_line(texts: List[str]) -> None:
    """No "I didn't get that" (a clarifying question with readings is what we want instead)."""
    from bot.actions.fallback import CLARIFY, CLARIFY_OPEN

    missed = [line for line in fallback_lines() if line not in CLARIFY + CLARIFY_OPEN]
    assert not any(t in missed for t in texts), f"'I didn't get that' in {texts}"
    assert not any(re.search(r"didn't (quite )?(get|catch) (that|what)", t, re.I) for t in texts), texts


# --- 3. clarify; a negative message is validated first --------------------------------------

def test_an_account_takeover_report_is_validated_and_brought_to_a_person(talks, store) -> None:
    talk = talks()
    first = talk.say("someone got into my account and changed the email and password, I didn't do this!!")
    assert validates(first[0]), f"validation first: {first}"
    assert_no_fallback_line(first)
    assert talk.queued(), "a takeover always goes to a person"
    assert sum(1 for t in first if NOBODY in t.lower()) == 1, first


def test_done_with_you_people_is_validated_and_offered_a_person(talks) -> None:
    talk = talks()
    first = talk.say("I'm done with you people, cancel everything")
    assert validates(first[0]), f"validation first: {first}"
    assert_no_fallback_line(first)
    assert talk.queued() or "/request_human" in talk.buttons(), f"a person is offered: {first}"


def test_an_unsure_message_is_clarified_with_readings_and_something_else(talks) -> None:
    talk = talks()
    texts = talk.say("hmm so the thing with the parcel and the money")
    assert_no_fallback_line(texts)
    buttons = talk.buttons()
    if "/nlu_fallback" in buttons:  # the NLU was unsure: a clarifying question
        assert 2 <= len(buttons) <= 4 and all(b.startswith("/") for b in buttons), buttons
        again = talk.say("/nlu_fallback")
        assert re.search(r"own words|words of your own", " ".join(again)), again
        assert not talk.queued(), "'something else' is not a failure that needs a person"


# --- 4. "you're not understanding me" reaches a person --------------------------------------

def test_complaints_about_understanding_reach_a_person(talks, store) -> None:
    talk = talks()
    turns = ["that's not what I asked", "you're not understanding me", "this is useless",
             "are you even reading what I write"]
    for text in turns:
        talk.say(text)
        if talk.queued():
            break
    assert talk.queued(), f"four complaints and no person: {talk.texts}"
    assert len(talk.turns) <= 2, "the second signal hands off"
    assert UNDERSTANDING in handoff_reasons(store, talk.customer.session_id)


# --- 6. one consistent voice --------------------------------------------------------------

def test_a_refunded_duplicate_is_not_denied_on_the_next_turn(talks) -> None:
    talk = talks("noah@example.com")
    first = talk.say("Why have I been charged twice for my Pro subscription this month?")
    assert re.search(r"refunded", " ".join(first)), first
    again = talk.say("please check again, there are two Pro charges on my card")
    said = " ".join(again)
    assert "Nothing was charged twice" not in said and "don't see a double charge" not in said, again
    assert re.search(r"already refunded", said), again


def test_nobody_online_one_clear_next_step(talks, voice_stack) -> None:
    talk = talks()
    texts = talk.say("my parcel is late and I want to talk to a person")
    said = " ".join(texts)
    assert talk.queued()
    assert sum(1 for t in texts if NOBODY in t.lower()) == 1, texts
    assert not BRINGING.search(said), f"no promise of a person 'now' with nobody online: {texts}"
    assert not re.search(r"order number|which order", said, re.I), f"no other question: {texts}"
    assert set(talk.buttons()) == {"/follow_up", "/continue_with_bot"}


def test_someone_online_the_person_is_announced_once(talks, voice_stack) -> None:
    agent = Agent(voice_stack.base_url, "dana")
    try:
        talk = talks()
        texts = talk.say("my parcel is late and I want to talk to a person")
        assert talk.queued()
        assert len([t for t in texts if BRINGING.search(t)]) == 1, texts
        assert not any(NOBODY in t.lower() for t in texts), texts
        assert not re.search(r"order number|which order", " ".join(texts), re.I), texts
    finally:
        assert agent.call("set_status", {"status": "away"})["ok"]
        agent.close()


def test_several_items_are_confirmed_before_a_replacement_ships(talks, store) -> None:
    from store.models import ItemCondition, Order

    with store.session() as s:
        order = s.execute(select(Order).where(Order.number == "1043")).scalar_one()
        order.items[1].condition = ItemCondition.DAMAGED
        damaged = order.items[1].name
    talk = talks("maya@example.com")
    asked = talk.say("some items in order 1043 arrived damaged, I'm really upset")
    assert any(damaged in t and t.rstrip().endswith("?") for t in asked), asked
    assert {"/affirm", "/deny"} <= set(talk.buttons())
    assert not [r for r in store.resolutions("1043") if r.kind.value == "replacement"], "nothing before the yes"
    done = talk.say("yes")
    grants = [r for r in store.resolutions("1043") if r.kind.value == "replacement"]
    assert len(grants) == 1, done
    assert f"#{grants[0].details['replacement_order']}" in " ".join(done)


def test_the_gift_note_is_not_read_out_in_the_third_person(talks, store) -> None:
    store.undo_grants("1051")
    talk = talks("liam@example.com")
    texts = talk.say("The ceramic vase I sent as a gift arrived broken. I'm so disappointed.")
    said = " ".join(texts)
    assert "#" in said and re.search(r"replacement|brand-new", said, re.I), texts
    assert not re.search(r"\b(his|her)\s+(mother|niece|wife|husband)", said, re.I), texts


def test_validation_fits_the_moment_and_never_repeats(talks, store) -> None:
    store.undo_grants("1051")
    talk = talks()
    talk.say("The ceramic vase I sent as a gift arrived broken. I'm so disappointed.")
    talk.say("it's order 1051")
    talk.say("liam@example.com")
    phrases = validating_phrases()
    said = [p for p in phrases for t in talk.texts if p in t]
    assert len(said) == 1, f"one validating line while answering our questions, not one per turn: {talk.texts}"
    assert validates(talk.turns[0][0]["text"])
