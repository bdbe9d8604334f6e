"""``action_request_human``: a person, at once, without arguing."""

from __future__ import annotations

from typing import Optional, Text

from bot.actions.common import ASKED, JSON, BotAction, Events
from bot.actions.reply import Reply
from bot.actions.turn import Turn

ON_IT = ASKED


class ActionRequestHuman(BotAction):
    """Hands off: tells the customer, and utters the handoff payload."""

    def name(self) -> Text:
        return "action_request_human"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        reply.hand_off(ON_IT, reason="customer asked for a person",
                       severity="severe" if turn.severity == "severe" else "elevated")
        return []
