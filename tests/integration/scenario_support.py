"""Helpers for the brief's scenarios: a chatting customer, the voice rules, the store's state.

The voice rules come from the domain brief (../shared/reference/empathy-in-customer-service.txt):
validate a negative message before anything else, "we/let's", no banned phrases. The
validating phrases are the designers' own (policy/phrase_bank.yml).
"""

from __future__ import annotations

import dataclasses
import re
import time
from contextlib import contextmanager
from functools import partialmethod
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.integration.clients import Customer, identity_token
from tests.stack import Proc, Stack, running_stack

ROOT = Path(__file__).resolve().parents[2]
BANNED = ("unfortunately", "policy prevents", "you need to")
WE = re.compile(r"\b(we|we'll|we've|we're|we'd|let's|let us)\b", re.I)


def validating_phrases() -> List[str]:
    """Every validating opener of the phrase bank."""
    bank = yaml.safe_load((ROOT / "policy" / "phrase_bank.yml").read_text(encoding="utf-8"))
    return [p for phrases in (bank.get("situations") or {}).values() for p in phrases or []]


def validates(text: str) -> bool:
    """True when ``text`` opens with (or is) one of the phrase bank's validating lines."""
    return any(phrase in text for phrase in validating_phrases())


READY_TIMEOUT_S = 600.0


@contextmanager
def patient_stack() -> Iterator[Stack]:
    """:func:`running_stack` whose processes get ``READY_TIMEOUT_S`` to come up (loading the
    model takes Rasa minutes when the two cores are busy)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(Proc, "start", partialmethod(Proc.start, timeout=READY_TIMEOUT_S))
    try:
        with running_stack() as running:
            yield running
    finally:
        patch.undo()


def fallback_lines() -> List[str]:
    """What the bot says when it did not understand (action and domain responses)."""
    from bot.actions.fallback import FIRST, OFFER

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return list(FIRST) + list(OFFER) + [r["text"] for r in domain["responses"].get("utter_default", [])]


class Chat:
    """One customer conversation over the real customer protocol, turn by turn."""

    def __init__(self, base_url: str, email: Optional[str] = None) -> None:
        self.customer = Customer(base_url)
        token = identity_token(base_url, email) if email else None
        ack = self.customer.start(identity_token=token)
        assert ack["ok"] and ack["status"] == "bot", ack
        self.turns: List[List[str]] = []

    def say(self, text: str, settle_s: float = 1.0, timeout: float = 90.0) -> List[str]:
        """Send ``text``; return the texts of every bot message of this turn, in order."""
        mark = self.customer.rec.mark()
        ack = self.customer.say(text)
        assert ack["ok"], ack
        rec = self.customer.rec
        rec.wait_for("bot_uttered", lambda d: d["metadata"]["seq"] > ack["seq"], timeout, start=mark)
        seen = -1
        while seen != len(rec.of("bot_uttered", mark)):  # until the turn goes quiet
            seen = len(rec.of("bot_uttered", mark))
            time.sleep(settle_s)
        replies = rec.of("bot_uttered", mark)
        assert all(r["metadata"]["sender"] == "bot" for r in replies), replies
        texts = [r.get("text") or "" for r in replies]
        self.turns.append(texts)
        return texts

    def last_buttons(self) -> List[str]:
        """Payloads of the buttons on the latest bot message that had any."""
        for event in reversed(self.customer.rec.of("bot_uttered")):
            if event.get("quick_replies"):
                return [b["payload"] for b in event["quick_replies"]]
        return []

    @property
    def everything(self) -> List[str]:
        return [t for turn in self.turns for t in turn]

    def handoffs(self) -> List[Dict[str, Any]]:
        """``handoff_status`` events other than ``bot`` (a person was brought in)."""
        return [d for d in self.customer.rec.of("handoff_status") if d.get("status") != "bot"]

    def assert_voice(self, partnership: bool = True) -> None:
        """No banned phrase anywhere; some "we/let's" language (``partnership``) when the
        conversation is about a problem (a one-line FAQ answer needn't have it)."""
        for text in self.everything:
            low = text.lower().replace("’", "'")
            assert not any(b in low for b in BANNED), f"banned phrase in {text!r}"
        assert not partnership or any(WE.search(t.replace("’", "'")) for t in self.everything), f"no we/let's in {self.everything}"

    def assert_understood(self) -> None:
        """No turn ended in an "I didn't get that" (the dialogue always knew what to do)."""
        missed = fallback_lines()
        for text in self.everything:
            assert text not in missed, f"fallback in {self.turns}"

    def close(self) -> None:
        self.customer.close()


class StoreView:
    """Reads (and, between scenario variants, resets) the stack's store with the ORM."""

    def __init__(self, database_url: str) -> None:
        from common.settings import load_settings
        from store.db import make_engine, session_factory

        settings = dataclasses.replace(load_settings(), database_url=database_url)
        self.engine = make_engine(settings)
        self.factory = session_factory(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.factory() as session:
            yield session
            session.commit()

    def customer(self, email: str) -> Any:
        from store.models import Customer as CustomerRow

        with self.session() as s:
            return s.execute(select(CustomerRow).where(CustomerRow.email == email)).scalar_one()

    def order(self, number: str) -> Any:
        from store.models import Order

        with self.session() as s:
            return s.execute(select(Order).where(Order.number == number)).scalar_one()

    def resolutions(self, number: str) -> List[Any]:
        from store.models import Order, Resolution

        with self.session() as s:
            order = s.execute(select(Order).where(Order.number == number)).scalar_one()
            return list(s.execute(select(Resolution).where(Resolution.order_id == order.id)).scalars())

    def undo_grants(self, number: str) -> None:
        """Forget the grants on an order, so another variant of a scenario starts afresh."""
        from store.models import Order, Resolution

        with self.session() as s:
            order = s.execute(select(Order).where(Order.number == number)).scalar_one()
            s.execute(delete(Resolution).where(Resolution.order_id == order.id))

    def dispose(self) -> None:
        self.engine.dispose()
