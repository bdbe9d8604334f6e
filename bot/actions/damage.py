"""``action_damaged_item``: a replacement at once, no return needed (within policy)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from bot.actions.access import keep
from bot.actions.common import JSON, BotAction, Events, attempt
from bot.actions.orders import describe
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from store.errors import NotAllowed
from store.resolutions import grant_replacement

REPLACED = [
    "We want to make this right straight away: I've just set up a brand-new {items} for you as order "
    "#{new} — it ships at no cost, and there's no need to send the broken one back.",
    "Let's put this right at once: a replacement {items} is already on its way as order #{new}, free of "
    "charge. Keep or recycle the damaged one — no return needed.",
]
GIFT = [
    "It goes to the same address and stays marked as a gift for {occasion}.",
    "It's still marked as a gift for {occasion}, going to the same address.",
]
TRACKING = [
    "You'll see tracking for #{new} here as soon as it leaves the warehouse.",
    "As soon as #{new} leaves the warehouse, its tracking will show up here.",
]
NOT_YET = [
    "Order #{number} hasn't reached you yet, so let's see where it is first.",
]


def item_names(resolution: Dict[str, Any]) -> str:
    return ", ".join(i["name"] for i in (resolution.get("details") or {}).get("items", []))


class ActionDamagedItem(BotAction):
    """Damaged item: validate, then replace without a return, or hand to a person."""

    validate, situation, high_stakes_subject, needs = "always", "damaged", "damaged item report", "order"

    def name(self) -> Text:
        return "action_damaged_item"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        assert order is not None
        try:
            done = await attempt(reply, turn, grant_replacement, order["number"])
        except NotAllowed:
            reply.pick(NOT_YET, number=order["number"])
            describe(reply, order)
            return [keep(order)]
        if done is None:
            return [keep(order)]
        new = done["details"]["replacement_order"]
        reply.pick(REPLACED, items=item_names(done), new=new)
        if order.get("is_gift") and order.get("occasion"):
            reply.pick(GIFT, occasion=order["occasion"])
        reply.pick(TRACKING, new=new)
        return [keep(order)]
