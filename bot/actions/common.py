"""What every action shares: the base class, the handoff payload, money and buttons.

An action that needs a person never says "no": it tells the customer warmly what happens
next and utters ``{"handoff": {...}}`` (see docs/architecture.md); the handoff service acts
on the payload and never shows it to the customer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from decimal import Decimal
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import runtime, voice
from bot.actions.turn import Turn, read_turn

YES_NO = [{"title": "Yes, go ahead", "payload": "/affirm"}, {"title": "No, wait", "payload": "/deny"}]


def usd(amount: Any) -> str:
    """``24.99`` -> ``$24.99``."""
    return f"${Decimal(str(amount or 0)):.2f}"


def handoff_payload(reason: str, severity: str = "elevated") -> Dict[str, Any]:
    """The custom payload that asks the handoff service for a person."""
    return {"handoff": {"reason": reason, "source": "bot",
                        "severity": severity if severity in ("elevated", "severe") else "elevated"}}


class Reply:
    """Collects an action's messages, remembering what it said (for :func:`voice.pick`)."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        self.dispatcher = dispatcher
        self.tracker = tracker
        self.texts: List[str] = []

    def say(self, text: str, buttons: Optional[List[Dict[str, str]]] = None) -> str:
        self.dispatcher.utter_message(text=text, buttons=buttons or [])
        self.texts.append(text)
        return text

    def say_new(self, text: str) -> Optional[str]:
        """Say ``text`` unless it was already said in this conversation (facts, lists)."""
        if any(text in old for old in voice.said(self.tracker) + self.texts):
            return None
        return self.say(text)

    def pick(self, options: List[str], buttons: Optional[List[Dict[str, str]]] = None, **fields: Any) -> str:
        """Say one of ``options`` not yet said in this conversation."""
        return self.say(voice.pick(self.tracker, options, also_said=self.texts, **fields), buttons)

    def validate_first(self, turn: Turn, situation: Optional[str] = None, always: bool = False) -> None:
        """Open with a validating line when the turn is negative and none was said yet."""
        bank = runtime.current().phrase_bank()
        if not (always or voice.is_negative(bank, turn.intent, turn.severity)):
            return
        if voice.validated_this_turn(self.tracker, bank):
            return
        name = "severe" if turn.severity == "severe" else (situation or voice.situation_for(bank, turn.intent))
        self.say(voice.validating_line(self.tracker, bank, name))

    def hand_off(self, options: List[str], reason: str, severity: str = "elevated", **fields: Any) -> None:
        """Tell the customer a person is coming, and ask the service for one."""
        self.pick(options, **fields)
        self.dispatcher.utter_message(json_message=handoff_payload(reason, severity))


class BotAction(Action, ABC):
    """Base of our actions: the verified turn and a :class:`Reply` in one call."""

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    def turn(self, tracker: Tracker) -> Turn:
        return read_turn(tracker, runtime.current().settings.identity_secret)

    def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Reply:
        return Reply(dispatcher, tracker)


def day(iso: Optional[str]) -> str:
    """``2024-11-25T10:00:00`` -> ``Mon, Nov 25``."""
    if not iso:
        return "soon"
    from datetime import datetime

    return datetime.fromisoformat(iso).strftime("%a, %b %d").replace(" 0", " ")


def high_stakes(turn: Turn) -> Optional[str]:
    """A topic a person always decides (``always_human`` in resolutions.yml) in the detector's reasons."""
    from store.resolution_policy import load_resolution_policy

    policy = load_resolution_policy(runtime.current().settings.policy_path("resolutions.yml"))
    text = " ".join(turn.reasons).lower()
    return next((topic for topic in policy.always_human if topic in text), None)


PERSON_DECIDES = [
    "This one deserves a person's judgement, so I'm bringing in a teammate now — they can do more "
    "than I can here, and they'll see everything we've said.",
    "I want to get this properly right, so I'm handing you to a colleague who can decide it on the "
    "spot. You won't need to repeat anything.",
    "Let's get a teammate on this: they have more room to fix it than I do, and they'll have our "
    "whole conversation in front of them.",
]


async def attempt(reply: Reply, turn: Turn, fn: Any, *args: Any, **kwargs: Any) -> Optional[Dict[str, Any]]:
    """Run a store operation as the bot; on a refusal a person could overturn, hand off.

    Returns:
        The operation's result, or None when it was not done (the reply already says
        so when a person takes over; otherwise the caller explains).
    Raises:
        NotAllowed: when no person could change the answer either (the caller explains).
    """
    from bot.actions.lookups import act
    from store.errors import NotAllowed

    try:
        return await runtime.in_store(act, fn, reply.tracker.sender_id, *args, **kwargs)
    except NotAllowed as exc:
        if not exc.needs_human:
            raise
        severity = "severe" if turn.severity == "severe" else "elevated"
        reply.hand_off(PERSON_DECIDES, reason=exc.message, severity=severity)
        return None
