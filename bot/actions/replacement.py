"""Replacing a damaged or wrong item: confirm which item first when the order has several.

A replacement is sent at once ("Make it Right") when the order holds one item. With several
items, the bot first names the item our records show damaged (or wrong) and asks "is it this
one?" (Yes/No, ``pending_action`` ``replace_damaged:<number>`` / ``replace_wrong:<number>``);
``action_execute_pending`` sends it after the yes, so nothing ships before the customer
confirmed which item.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from bot.actions import runtime
from bot.actions.access import keep
from bot.actions.common import JSON, YES_NO, Events
from bot.actions.lookups import owned_order
from bot.actions.reply import Reply
from bot.actions.turn import Turn

ISSUE = {"replace_damaged": "damaged", "replace_wrong": "wrong"}
CONFIRM = {
    "replace_damaged": [
        "Before I send anything, let's make sure we replace the right thing: is it the {items} from order "
        "#{number} that arrived damaged?",
        "Just so we get this right first time: it's the {items} in order #{number} that arrived broken, "
        "is that right?",
    ],
    "replace_wrong": [
        "Before I send anything, let's check I have the right one: is it the {items} from order #{number} "
        "that came as something else?",
        "Just so we fix the right thing: it's the {items} in order #{number} that arrived wrong, is that "
        "right?",
    ],
}
KEPT = {
    "replace_damaged": ["No problem — nothing has been sent. Tell me which item from order #{number} it is, "
                        "and we'll sort out the right one."],
    "replace_wrong": ["No problem — nothing has been sent. Tell me which item from order #{number} came wrong, "
                      "and we'll sort out the right one."],
}

Replace = Callable[[Reply, Turn, JSON], Awaitable[Events]]


def issue_item_names(order: JSON, kind: str) -> List[str]:
    """Names of the items our records show damaged (or wrong) in ``order``."""
    return [str(i["name"]) for i in order.get("items") or [] if i.get("condition") == ISSUE[kind]]


def confirm_first(reply: Reply, order: JSON, kind: str) -> Optional[Events]:
    """Ask which item before replacing when the order has several; None when no need to ask."""
    names = issue_item_names(order, kind)
    if len(order.get("items") or []) < 2 or not names:
        return None
    reply.pick(CONFIRM[kind], buttons=YES_NO, items=" and ".join(names), number=order["number"])
    return [keep(order), SlotSet("pending_action", f"{kind}:{order['number']}"), FollowupAction("action_listen")]


def after_yes(replace: Replace) -> Callable[[Reply, Turn, str, Tracker], Awaitable[List[Dict[Text, Any]]]]:
    """A ``pending_action`` handler: the confirmed replacement, for the order the customer owns."""

    async def handler(reply: Reply, turn: Turn, number: str, tracker: Tracker) -> List[Dict[Text, Any]]:
        order = await runtime.in_store(owned_order, turn.email, number)
        return await replace(reply, turn, order) if order is not None else []

    return handler
