"""``action_damaged_item``: a replacement at once, no return needed (within policy)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from bot.actions.access import keep
from bot.actions.common import JSON, BotAction, Events, attempt
from bot.actions.orders import describe
from bot.actions.replacement import confirm_first
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from bot.actions.voice import for_the_customer
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
GIFT_PLAIN = [
    "It goes to the same address and stays marked as a gift.",
    "It's still marked as a gift, going to the same address.",
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
        if order["status"] == "delivered":
            asked = confirm_first(reply, order, "replace_damaged")
            if asked is not None:
                return asked
        return await replace_damaged(reply, turn, order)


async def grant_or_explain(reply: Reply, turn: Turn, order: JSON, **options: Any) -> Optional[JSON]:
    """The replacement grant for ``order`` (damaged and wrong items alike), or None once the
    customer was told why not (not delivered yet, or a person decides)."""
    try:
        return await attempt(reply, turn, grant_replacement, order["number"], **options)
    except NotAllowed:
        reply.pick(NOT_YET, number=order["number"])
        describe(reply, order)
        return None


async def replace_damaged(reply: Reply, turn: Turn, order: JSON) -> Events:
    """Send the damaged items again (no return), or say why not."""
    done = await grant_or_explain(reply, turn, order)
    if done is None:
        return [keep(order)]
    new = done["details"]["replacement_order"]
    reply.pick(REPLACED, items=item_names(done), new=new)
    if order.get("is_gift"):
        occasion = for_the_customer(order.get("occasion"))
        if occasion:
            reply.pick(GIFT, occasion=occasion)
        else:
            reply.pick(GIFT_PLAIN)
    reply.pick(TRACKING, new=new)
    return [keep(order)]
