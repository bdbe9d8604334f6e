"""``action_wrong_item``: the right item sent at once, a prepaid label for the wrong one."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.access import keep, order_for
from bot.actions.common import BotAction, attempt
from bot.actions.damage import NOT_YET, item_names
from bot.actions.orders import describe
from store.errors import NotAllowed
from store.resolutions import grant_replacement

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

    def name(self) -> Text:
        return "action_wrong_item"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        turn, reply = self.turn(tracker), self.reply(dispatcher, tracker)
        reply.validate_first(turn, situation="wrong_item", always=True)
        order = await order_for(reply, turn, tracker)
        if order is None:
            return []
        try:
            done = await attempt(reply, turn, grant_replacement, order["number"], return_label=True)
        except NotAllowed:
            reply.pick(NOT_YET, number=order["number"])
            describe(reply, order)
            return [keep(order)]
        if done is None:
            return [keep(order)]
        received = next((i.get("received_instead") for i in order["items"] if i.get("received_instead")),
                        "item that arrived")
        reply.pick(SENT, items=item_names(done), new=done["details"]["replacement_order"])
        reply.pick(LABEL, received=received, label=done["details"]["return_label"])
        return [keep(order)]
