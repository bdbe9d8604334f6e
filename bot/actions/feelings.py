"""``action_acknowledge_feelings``: the validating first line, or nothing."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import BotAction


class ActionAcknowledgeFeelings(BotAction):
    """Validates the feeling for inherently negative intents, or when the detector says the
    customer is upset; silent otherwise (and never twice in one turn)."""

    def name(self) -> Text:
        return "action_acknowledge_feelings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        self.reply(dispatcher, tracker).validate_first(self.turn(tracker))
        return []
