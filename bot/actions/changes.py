"""``action_cancel_order`` and ``action_change_address``: recap first, act after "yes".

Both set ``pending_action`` (``cancel_order:<n>`` / ``change_address:<n>``);
``action_execute_pending`` carries it out after ``affirm``.
"""

from __future__ import annotations

from typing import Optional, Text

from rasa_sdk.events import SlotSet

from bot.actions.access import keep
from bot.actions.common import JSON, PERSON_DECIDES, YES_NO, BotAction, Events, usd
from bot.actions.reply import Reply
from bot.actions.returns import item_list, offer_return
from bot.actions.turn import Turn
from store.operations import ADDRESS_MAX, ADDRESS_MIN

CANCEL_RECAP = [
    "Let's make sure we've got this right: cancel order #{number} ({items}) and refund the full {total} "
    "to your original payment. Shall I go ahead?",
    "So we're clear: order #{number} ({items}) gets cancelled and all {total} goes back to you. Shall "
    "I go ahead?",
]
ON_ITS_WAY = [
    "Order #{number} has already left our warehouse, so it can't be stopped now — but once it "
    "arrives, tell me and we'll start a free return straight away.",
    "#{number} is already with {carrier}, so cancelling isn't possible any more. When it arrives, let's "
    "set up a return together — the label is free.",
]
ALREADY_CANCELLED = ["Order #{number} is already cancelled, and its payment went back to you."]
ADDRESS_RECAP = [
    "Let's double-check before anything changes: the delivery address of order #{number} goes from "
    "\"{old}\" to \"{new}\". Shall I go ahead?",
    "So we're clear: order #{number} goes to \"{new}\" instead of \"{old}\" — shall I go ahead?",
]
ADDRESS_ASK = [
    "What's the new delivery address? Street, city and postcode, please.",
    "Where should order #{number} go instead? The full address, please.",
]
ADDRESS_BAD = [
    "That address looks incomplete — could you send the street, city and postcode together?",
]
SHIPPED = [
    "Order #{number} has already left the warehouse, so the address can't be changed from here.",
]


class ActionCancelOrder(BotAction):
    """Recaps and asks before cancelling an unshipped order; otherwise offers a return."""

    needs = "order"

    def name(self) -> Text:
        return "action_cancel_order"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        assert order is not None
        fields = {"number": order["number"], "items": item_list(order), "total": usd(order["total"]),
                  "carrier": order.get("carrier") or "the carrier"}
        if order["status"] == "cancelled":
            reply.pick(ALREADY_CANCELLED, **fields)
            return [keep(order)]
        if order["status"] == "delivered":
            return offer_return(reply, order)
        if not order.get("can_cancel"):
            reply.pick(ON_ITS_WAY, **fields)
            return [keep(order)]
        reply.pick(CANCEL_RECAP, buttons=YES_NO, **fields)
        return [keep(order), SlotSet("pending_action", f"cancel_order:{order['number']}")]


class ActionChangeAddress(BotAction):
    """Recaps the old and new address and asks before changing it; after dispatch, a person."""

    needs = "order"

    def name(self) -> Text:
        return "action_change_address"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        assert order is not None
        number = order["number"]
        if not order.get("can_change_address"):
            reply.pick(SHIPPED, number=number)
            reply.hand_off(PERSON_DECIDES, reason=f"address change for order #{number}, already "
                                                   f"{order['status'].replace('_', ' ')}: needs the carrier")
            return [keep(order)]
        new = " ".join(str(reply.tracker.get_slot("new_address") or "").split())
        if not new:
            reply.pick(ADDRESS_ASK, number=number)
            return [keep(order)]
        if not ADDRESS_MIN <= len(new) <= ADDRESS_MAX:
            reply.pick(ADDRESS_BAD)
            return [keep(order), SlotSet("new_address", None)]
        reply.pick(ADDRESS_RECAP, buttons=YES_NO, number=number, old=order["shipping_address"], new=new)
        return [keep(order), SlotSet("pending_action", f"change_address:{number}")]
