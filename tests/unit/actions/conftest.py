"""Fixtures for action tests: the real seeded SQLite store, the real domain and policy
files, and small builders for trackers as Rasa sends them to the action server."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SENDER = "conv-test-1"


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The project's domain, as the action server receives it."""
    with open(ROOT / "domain.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture
def store(db_settings, db_session_factory) -> Iterator[Any]:
    """The actions' runtime bound to a fresh seeded SQLite store."""
    from bot.actions import runtime

    yield runtime.configure(db_settings, db_session_factory)
    runtime.dispose()


@pytest.fixture
def customer_id(db_session) -> Callable[[str], int]:
    """Customer id by e-mail (ids are not fixed by the seed)."""
    from sqlalchemy import select

    from store.models import Customer

    def lookup(email: str) -> int:
        return db_session.execute(select(Customer.id).where(Customer.email == email)).scalar_one()

    return lookup


@pytest.fixture
def token(db_settings, customer_id) -> Callable[[str], str]:
    """A signed identity token for a demo customer, as the shop issues it."""
    from common.identity import sign_identity

    return lambda email: sign_identity(customer_id(email), email, db_settings.identity_secret)


def user_event(text: str, intent: str, entities: Iterable[Dict[str, Any]] = (),
               metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    parse = {"intent": {"name": intent, "confidence": 0.97}, "entities": list(entities), "text": text,
             "metadata": metadata or {}}
    return {"event": "user", "text": text, "parse_data": parse, "metadata": metadata or {}}


def bot_event(text: str) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "data": {}, "metadata": {}}


def make_tracker(intent: str = "greet", text: str = "hi", *, slots: Optional[Dict[str, Any]] = None,
                 metadata: Optional[Dict[str, Any]] = None, entities: Iterable[Dict[str, Any]] = (),
                 history: Iterable[Dict[str, Any]] = (), after: Iterable[Dict[str, Any]] = (),
                 sender: str = SENDER) -> Any:
    """A tracker whose latest message is ``text`` (``intent``), after ``history`` events.

    Args:
        after: events after the latest user message (bot lines said earlier in this turn,
            or the slot candidates a form appends before calling its validation action).
    """
    from rasa_sdk import Tracker

    latest = user_event(text, intent, entities, metadata)
    events: List[Dict[str, Any]] = list(history) + [latest] + list(after)
    slot_values = dict(slots or {})
    for event in after:
        if event.get("event") == "slot":
            slot_values[event["name"]] = event["value"]
    return Tracker(sender, slot_values, latest["parse_data"], events, False, None, {}, "action_listen")


@pytest.fixture
def run(domain) -> Callable[..., Any]:
    """``await run(action, tracker)`` -> (messages, events)."""
    from rasa_sdk.executor import CollectingDispatcher

    async def call(action: Any, tracker: Any) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, tracker, domain)
        return dispatcher.messages, events

    return call


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["text"] for m in messages if m.get("text")]


def handoffs(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [m["custom"]["handoff"] for m in messages if (m.get("custom") or {}).get("handoff")]


def slots_of(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def phrases() -> Dict[str, Any]:
    """The phrase bank the actions read."""
    with open(ROOT / "policy" / "phrase_bank.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


BANNED = ("unfortunately", "you need to", "policy prevents", "calm down", "look on the bright side",
          "your fault", "you should have")


def assert_voice(all_texts: List[str]) -> None:
    """No banned wording in anything said."""
    for text in all_texts:
        lowered = text.lower()
        for phrase in BANNED:
            assert phrase not in lowered, f"{phrase!r} in {text!r}"


@pytest.fixture
def kit() -> Any:
    """The builders and readers above, for test modules (conftest is not importable)."""
    from types import SimpleNamespace

    return SimpleNamespace(tracker=make_tracker, user=user_event, bot=bot_event, texts=texts,
                           handoffs=handoffs, slots=slots_of, assert_voice=assert_voice)
