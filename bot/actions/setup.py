"""``action_setup_help``: validating, guided set-up help with two options."""

from __future__ import annotations

import re
from typing import Optional, Text

from bot.actions import runtime
from bot.actions.common import JSON, BotAction, Events
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from store import queries

SPECIFIC = [
    "It sounds like the {topic} integration has been tricky — I know that part can feel confusing when "
    "you're getting started, and a sync stuck at 0% would stop anyone. Let's get this figured out together.",
    "Getting {topic} connected shouldn't be this hard, and a stalled product sync is exactly the spot "
    "people get stuck. Let's work through it together.",
]
GENERAL = [
    "Set-up can feel confusing when you're just getting started — let's get this figured out together.",
    "Let's work through the set-up together; that step trips lots of people up.",
]
OPTIONS = [
    "Two ways we can do this: a teammate can walk you through it on a quick screen-share, or you can "
    "go straight to the exact spot in the settings: {link}. Which would you prefer?",
    "Would a quick screen-share with a specialist help, or would you rather jump straight to the right "
    "settings page ({link}) and take it from there?",
]
BUTTONS = [{"title": "Walk me through it (screen-share)", "payload": "/request_human"}]


def setup_topic(notes: Optional[str]) -> Optional[str]:
    """``"...the Shopify integration..."`` -> ``"Shopify"``."""
    match = re.search(r"\b([A-Z][\w-]+) integration\b", notes or "")
    return match.group(1) if match else None


class ActionSetupHelp(BotAction):
    """Normalises the struggle, then offers a screen-share or a direct link."""

    validate = None  # only the general path validates: the specific one names the struggle itself

    def name(self) -> Text:
        return "action_setup_help"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        topic = None
        if turn.customer_id is not None:
            customer = await runtime.in_store(queries.get_customer, turn.customer_id)
            topic = setup_topic((customer or {}).get("notes"))
        if topic:
            reply.pick(SPECIFIC, topic=topic)
            link = f"/settings/integrations/{topic.lower()}"
        else:
            reply.validate_first(turn, situation="confusion", always=True)
            reply.pick(GENERAL)
            link = "/settings/integrations"
        reply.pick(OPTIONS, buttons=BUTTONS, link=link)
        return []
