"""``action_start_return`` (recap, then confirm) and ``action_refund_status``."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk.events import SlotSet

from bot.actions import runtime
from bot.actions.access import keep
from bot.actions.common import JSON, YES_NO, BotAction, Events, day, usd
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from store import queries

RECAP = [
    "Just to confirm: we'll start a return for order #{number} ({items}) with a prepaid label, and "
    "refund {amount} to your original payment once it's back with us. Shall I go ahead?",
    "So we're on the same page: a return for #{number} ({items}), prepaid label included, and {amount} "
    "back to your card when it arrives. Shall I go ahead?",
]
NOT_SHIPPED = [
    "Order #{number} hasn't shipped yet, so rather than a return we can simply cancel it. Would you "
    "like me to cancel it?",
]
IN_TRANSIT = [
    "Order #{number} is still on its way. Once it arrives, tell me and we'll start the return with a "
    "prepaid label straight away.",
]
ALREADY = [
    "A return for order #{number} is already open — here's its label again: {label}.",
]
DONE = [
    "Done — the return for #{number} is open. Here's your prepaid label: {label}. Once it reaches us, "
    "{amount} goes back to your original payment.",
    "All set: the return for #{number} is started and your prepaid label is here: {label}. We'll refund "
    "{amount} as soon as it's back with us.",
]
REFUNDS = [
    "Your refund of {amount}{where} is with the payment provider: {reason}. It was started on {since}.",
    "The {amount} refund{where} is on its way back to you — {reason} (started {since}).",
]
NO_REFUND = [
    "I don't see a refund in progress on your account right now. If you're expecting one, tell me "
    "which order it's for and let's sort it out together.",
]


def item_list(order: JSON) -> str:
    return ", ".join(i["name"] for i in order["items"])


def open_return(order: JSON) -> Optional[JSON]:
    for event in order.get("timeline", []):
        res = event.get("resolution") or {}
        if res.get("kind") == "return":
            return res
    return None


def offer_return(reply: Reply, order: JSON) -> List[Dict[Text, Any]]:
    """Recap a return and ask to confirm (sets ``pending_action``); or say what fits instead."""
    fields = {"number": order["number"], "items": item_list(order), "amount": usd(order["subtotal"])}
    existing = open_return(order)
    if existing:
        reply.pick(ALREADY, label=(existing.get("details") or {}).get("label", "in your e-mail"), **fields)
        return [keep(order)]
    if order["status"] == "processing":
        reply.pick(NOT_SHIPPED, buttons=YES_NO, **fields)
        return [keep(order), SlotSet("pending_action", f"cancel_order:{order['number']}")]
    if order["status"] != "delivered":
        reply.pick(IN_TRANSIT, **fields)
        return [keep(order)]
    reply.pick(RECAP, buttons=YES_NO, **fields)
    return [keep(order), SlotSet("pending_action", f"start_return:{order['number']}")]


def say_return_started(reply: Reply, done: JSON) -> None:
    details = done.get("details") or {}
    reply.pick(DONE, number=done["order"], label=details.get("label"),
               amount=usd(details.get("refund_on_receipt", done["amount"])))


class ActionStartReturn(BotAction):
    """Recaps the return and asks before starting it (``pending_action``)."""

    needs = "order"

    def name(self) -> Text:
        return "action_start_return"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        assert order is not None
        return offer_return(reply, order)


class ActionRefundStatus(BotAction):
    """Where the customer's refunds are."""

    needs = "customer"

    def name(self) -> Text:
        return "action_refund_status"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        refunds = await runtime.in_store(queries.refunds_in_progress, turn.customer_id)
        if not refunds:
            reply.pick(NO_REFUND)
            return []
        for refund in refunds[:3]:
            where = f" for order #{refund['order']}" if refund.get("order") else ""
            reply.pick(REFUNDS, amount=usd(refund["amount"]), where=where,
                       reason=refund["reason"].rstrip("."), since=day(refund["created_at"]))
        return [SlotSet("order_number", refunds[0]["order"])] if refunds[0].get("order") else []
