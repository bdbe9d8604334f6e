"""Finding the customer and order an action is about, without ever revealing too much.

Nothing about an order is said until the customer is known: signed in (verified token)
or verified through ``identify_form``; and then only about orders that are theirs.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.actions import runtime
from bot.actions.identify import MAX_ATTEMPTS, failures, topic_intent
from bot.actions.lookups import relevant_order
from bot.actions.reply import Reply
from bot.actions.turn import Turn

JSON = Dict[str, Any]

UNKNOWN = [
    "Let's make sure I'm looking at the right account first: what's your order number, and the "
    "e-mail you ordered with?",
    "Before I open anything up, could you give me the order number and the e-mail on the order? "
    "That keeps your details safe.",
]
NOT_FOUND = [
    "I can't find that order on your account. Could you check the number in your confirmation "
    "e-mail? It's the digits after the #.",
    "That order number doesn't match one of yours. Let's double-check it together — it's in "
    "your confirmation e-mail.",
]


def gave_up(reply: Reply) -> bool:
    """True once identification failed enough that a person has been called."""
    return failures(reply.tracker, reply.dispatcher) >= MAX_ATTEMPTS


def known_customer(reply: Reply, turn: Turn) -> Optional[int]:
    """The customer's id, or None after asking them to identify (kindly, once per turn)."""
    if turn.customer_id is not None:
        return turn.customer_id
    if not gave_up(reply):
        reply.pick(UNKNOWN)
    return None


async def order_for(reply: Reply, turn: Turn, tracker: Tracker) -> Optional[JSON]:
    """The order this turn is about (summary + timeline), or None after saying why."""
    if known_customer(reply, turn) is None:
        return None
    number = tracker.get_slot("order_number")
    order = await runtime.in_store(relevant_order, turn.customer_id, turn.email, number, topic_intent(tracker))
    if order is None:
        reply.pick(NOT_FOUND)
    return order


def keep(order: JSON) -> SlotSet:
    """Remember the order the conversation is about."""
    return SlotSet("order_number", order["number"])
