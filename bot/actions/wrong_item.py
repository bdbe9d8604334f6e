"""``action_wrong_item``: the right item sent at once, a prepaid label for the wrong one."""

from __future__ import annotations

from typing import Optional, Text

from bot.actions.access import keep
from bot.actions.common import JSON, BotAction, Events
from bot.actions.damage import grant_or_explain, item_names
from bot.actions.replacement import confirm_first
from bot.actions.reply import Reply
from bot.actions.turn import Turn

SENT = [
    "I've sent the {items} you actually chose as order #{new}, at no cost to you.",
    "The {items} you picked is now on its way as order #{new}, free of charge.",
]
LABEL = [
    "Here's a prepaid return label for the {received}: {label} — send it back whenever suits you; the "
    "replacement isn't waiting on it.",
    "For the {received}, here's a prepaid label: {label}. No rush at all — your replacement ships "
    "either way.",
]


class ActionWrongItem(BotAction):
    """Wrong item: replace with the ordered one now; returning the wrong one is optional."""

    validate, situation, needs = "always", "wrong_item", "order"

    def name(self) -> Text:
        return "action_wrong_item"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        assert order is not None
        if order["status"] == "delivered":
            asked = confirm_first(reply, order, "replace_wrong")
            if asked is not None:
                return asked
        return await replace_wrong(reply, turn, order)


async def replace_wrong(reply: Reply, turn: Turn, order: JSON) -> Events:
    """Send the item the customer chose, with an optional prepaid label for the wrong one."""
    done = await grant_or_explain(reply, turn, order, return_label=True)
    if done is None:
        return [keep(order)]
    received = next((i.get("received_instead") for i in order["items"] if i.get("received_instead")),
                    "item that arrived")
    reply.pick(SENT, items=item_names(done), new=done["details"]["replacement_order"])
    reply.pick(LABEL, received=received, label=done["details"]["return_label"])
    return [keep(order)]
