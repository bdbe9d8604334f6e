"""What every action shares: the base class with the prologue, money, dates and buttons.

:class:`BotAction` runs the steps most features open with (read the turn, validate the
feeling, hand a high-stakes topic to a person, find the customer or the order) and then
calls the feature's :meth:`BotAction.handle`, so a feature module holds only its business.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import runtime
from bot.actions.access import known_customer, order_for
from bot.actions.lookups import act
from bot.actions.reply import Reply
from bot.actions.turn import Turn, read_turn
from store.errors import NotAllowed
from store.resolution_policy import load_resolution_policy

JSON = Dict[str, Any]
Events = List[Dict[Text, Any]]

YES_NO = [{"title": "Yes, go ahead", "payload": "/affirm"}, {"title": "No, wait", "payload": "/deny"}]

PERSON_DECIDES = [
    "This one deserves a person's judgement, so I'm bringing in a teammate now — they can do more "
    "than I can here, and they'll see everything we've said.",
    "I want to get this properly right, so I'm handing you to a colleague who can decide it on the "
    "spot. You won't need to repeat anything.",
    "Let's get a teammate on this: they have more room to fix it than I do, and they'll have our "
    "whole conversation in front of them.",
]

# When the service hands off this turn whatever the bot says (metadata.handoff.coming), the bot
# says so itself, in words that fit why, and asks nothing else: one clear next step.
STILL_MISSING = [
    "I'm sorry, I keep missing what you need, and that's on me, not you. Let's get a person on it.",
    "I'm not understanding you well enough, and you shouldn't have to keep rephrasing. Let's bring in a "
    "person from our team.",
]
ASKED = [
    "Of course — I'm bringing in a teammate now. They'll see everything we've talked about, so you "
    "won't need to repeat yourself.",
    "Absolutely, let's get you a person. I'm passing our conversation to a teammate so they can pick "
    "up right where we are.",
]
COMING = {"customer": ASKED, "fallback": STILL_MISSING}
VALIDATE_WHEN_COMING = ("high_stakes", "detector")


def usd(amount: Any) -> str:
    """``24.99`` -> ``$24.99``."""
    return f"${Decimal(str(amount or 0)):.2f}"


def day(iso: Optional[str]) -> str:
    """``2024-11-25T10:00:00`` -> ``Mon, Nov 25``."""
    if not iso:
        return "soon"
    return datetime.fromisoformat(iso).strftime("%a, %b %d").replace(" 0", " ")


def high_stakes(turn: Turn) -> Optional[str]:
    """The first topic the detector reported that a person always decides (``always_human``)."""
    policy = load_resolution_policy(runtime.current().settings.policy_path("resolutions.yml"))
    return next((topic for topic in turn.high_stakes if topic in policy.always_human), None)


class BotAction(Action, ABC):
    """Base of our actions: :meth:`run` is the shared prologue, :meth:`handle` the feature.

    When the service hands off this turn whatever the bot says (``Turn.handoff_coming``), the
    prologue says so and listens: no question (say, for an order number) follows a person
    being brought in. A feature declares its prologue with class attributes:

    - ``validate``: ``"negative"`` opens with a validating line when the turn calls for one,
      ``"always"`` always does, ``None`` leaves it to :meth:`handle`;
    - ``situation``: the phrase-bank situation of that line (``None``: the intent's);
    - ``high_stakes_subject``: what the customer is reporting (``"billing issue"``); when set, a
      topic in ``always_human`` goes straight to a person;
    - ``needs``: ``"customer"`` or ``"order"`` to stop, after asking kindly, unless the
      customer (and the order they mean) is known; ``None`` for neither.
    """

    validate: Optional[str] = "negative"
    situation: Optional[str] = None
    high_stakes_subject: Optional[str] = None
    needs: Optional[str] = None

    @abstractmethod
    def name(self) -> Text:
        """The action's name in the domain."""

    @abstractmethod
    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        """The feature's business, after the prologue.

        Args:
            order: the order this turn is about (summary + timeline) when ``needs`` is
                ``"order"``; None otherwise.
        """

    def turn(self, tracker: Tracker) -> Turn:
        return read_turn(tracker, runtime.current().settings.identity_secret)

    def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Reply:
        return Reply(dispatcher, tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        turn, reply = self.turn(tracker), self.reply(dispatcher, tracker)
        if self.validate:
            reply.validate_first(turn, situation=self.situation, always=self.validate == "always")
        if turn.handoff_coming:
            if not self.validate:  # a high-stakes or upsetting message is validated before anything else
                reply.validate_first(turn, situation=self.situation,
                                     always=turn.handoff_coming in VALIDATE_WHEN_COMING)
            reply.hand_off(COMING.get(turn.handoff_coming, PERSON_DECIDES),
                           reason=f"handoff under way ({turn.handoff_coming})",
                           severity="severe" if turn.severity == "severe" or turn.high_stakes else "elevated")
            return [FollowupAction("action_listen")]
        if self.high_stakes_subject:
            topic = high_stakes(turn)
            if topic:
                reason = f"{self.high_stakes_subject} mentioning {topic}"
                reply.hand_off(PERSON_DECIDES, reason=reason, severity="severe")
                return []
        order = None
        if self.needs == "order":
            order = await order_for(reply, turn, tracker)
            if order is None:
                return []
        elif self.needs == "customer" and known_customer(reply, turn) is None:
            return []
        return await self.handle(reply, turn, order)


async def attempt(reply: Reply, turn: Turn, fn: Any, *args: Any, **kwargs: Any) -> Optional[JSON]:
    """Run a store operation as the bot; on a refusal a person could overturn, hand off.

    Returns:
        The operation's result, or None when it was not done (the reply already says
        so when a person takes over; otherwise the caller explains).
    Raises:
        NotAllowed: when no person could change the answer either (the caller explains).
    """
    try:
        return await runtime.in_store(act, fn, reply.tracker.sender_id, *args, **kwargs)
    except NotAllowed as exc:
        if not exc.needs_human:
            raise
        severity = "severe" if turn.severity == "severe" else "elevated"
        reply.hand_off(PERSON_DECIDES, reason=exc.message, severity=severity)
        return None
