"""``action_request_human``: a person, at once, without arguing."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import BotAction

ON_IT = [
    "Of course — I'm bringing in a teammate now. They'll see everything we've talked about, so you "
    "won't need to repeat yourself.",
    "Absolutely, let's get you a person. I'm passing our conversation to a teammate so they can pick "
    "up right where we are.",
]


class ActionRequestHuman(BotAction):
    """Hands off: tells the customer, and utters the handoff payload."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        turn, reply = self.turn(tracker), self.reply(dispatcher, tracker)
        reply.validate_first(turn)
        reply.hand_off(ON_IT, reason="customer asked for a person",
                       severity="severe" if turn.severity == "severe" else "elevated")
        return []
