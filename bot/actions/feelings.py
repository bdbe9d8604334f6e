"""``action_acknowledge_feelings``: the validating first line, or nothing."""

from __future__ import annotations

from typing import Optional, Text

from bot.actions.common import JSON, BotAction, Events
from bot.actions.reply import Reply
from bot.actions.turn import Turn


class ActionAcknowledgeFeelings(BotAction):
    """Validates the feeling for inherently negative intents, or when the detector says the
    customer is upset; silent otherwise (and never twice in one turn)."""

    def name(self) -> Text:
        return "action_acknowledge_feelings"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        return []  # the prologue said the validating line, if the turn called for one
