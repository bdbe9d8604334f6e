"""``action_late_delivery``: where the parcel is, and the paid-for shipping back when late."""

from __future__ import annotations

from typing import Optional, Text

from bot.actions.access import keep
from bot.actions.common import JSON, PERSON_DECIDES, BotAction, Events, attempt, day, usd
from bot.actions.orders import describe
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from bot.actions.voice import for_the_customer
from store.errors import NotAllowed
from store.resolutions import grant_credit

CREDITED = [
    "You paid {paid} for {method} shipping and it didn't deliver on that, so I've credited the {paid} "
    "back to your account — that's done.",
    "Since the {method} shipping you paid for didn't arrive on time, I've refunded its {paid} to your "
    "account as a credit, effective now.",
]
GIFT = [
    "I know this was meant for {occasion}. If it won't make it in time, tell me and let's look at "
    "what else we can do.",
    "With {occasion} coming up, let's keep a close eye on it — if it won't get there in time, tell me "
    "and we'll work out another way.",
]
GIFT_PLAIN = [
    "I know this was meant as a gift. If it won't make it in time, tell me and let's look at what else we "
    "can do.",
    "As it's a gift, let's keep a close eye on it — if it won't get there in time, tell me and we'll work "
    "out another way.",
]
NEXT = [
    "Here's what happens next: {carrier} is moving #{number} on from the hub. Ask me any time and I'll "
    "pull the latest scan, or say \"talk to a person\" and a teammate will open a trace with {carrier}.",
    "From here, let's watch #{number} together: any new {carrier} scan shows up when you ask me, and a "
    "teammate can open a trace with {carrier} whenever you'd like.",
]
ON_TIME = [
    "Order #{number} is still within its promised window — it's due {promised}.",
    "The good news is #{number} isn't late yet: it's due {promised}.",
]
NO_FEE = [
    "It shipped {method}, so there's no shipping charge to refund, but let's make sure it reaches you.",
    "There was no shipping fee on this one to credit back, so let's focus on getting it to you.",
]
MISSING = [
    "Our records show #{number} delivered on {delivered}, and you haven't got it — that needs a "
    "person to chase with the carrier.",
]


class ActionLateDelivery(BotAction):
    """Late order: validate, give the carrier's detail, credit paid shipping within policy."""

    validate, situation, needs = "always", "late_delivery", "order"

    def name(self) -> Text:
        return "action_late_delivery"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        assert order is not None
        fields = {"number": order["number"], "promised": day(order.get("promised_date")),
                  "carrier": order.get("carrier") or "the carrier", "paid": usd(order["shipping_paid"]),
                  "method": order["shipping_method"], "occasion": for_the_customer(order.get("occasion")),
                  "delivered": day(order.get("delivered_at"))}
        if order["status"] == "delivered" and order.get("days_late", 0) == 0:
            reply.pick(MISSING, **fields)
            reply.hand_off(PERSON_DECIDES, reason=f"order #{order['number']} shows delivered but the "
                                                   "customer has not received it")
            return [keep(order)]
        if order.get("days_late", 0) == 0:
            reply.pick(ON_TIME, **fields)
            describe(reply, order)
            return [keep(order)]
        describe(reply, order)
        try:
            credit = await attempt(reply, turn, grant_credit, order["number"])
        except NotAllowed:
            reply.pick(NO_FEE, **fields)
            credit = {}
        if credit is None:  # a person takes it from here
            return [keep(order)]
        if credit:
            reply.pick(CREDITED, **fields)
        if order["status"] != "delivered":
            reply.pick(NEXT, **fields)
        if order.get("is_gift"):
            reply.pick(GIFT if fields["occasion"] else GIFT_PLAIN, **fields)
        return [keep(order)]
