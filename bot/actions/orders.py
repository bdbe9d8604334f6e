"""``action_order_status``: where an order is, with the carrier's own words."""

from __future__ import annotations

from typing import Optional, Text

from bot.actions.access import keep
from bot.actions.common import JSON, BotAction, Events, day
from bot.actions.reply import Reply
from bot.actions.turn import Turn

STATUS = {
    "processing": ["Order #{number} is being packed at our warehouse and hasn't shipped yet; it's due "
                   "{promised}. While it's with us we can still change the address or cancel it.",
                   "We're still packing order #{number} — it hasn't left the warehouse, and it's due "
                   "{promised}. Until it ships, the address and the order itself can still change."],
    "moving": ["Order #{number} is on its way with {carrier} (tracking {tracking}) and due {promised}.",
               "Order #{number} is with {carrier} now, tracking {tracking}, due {promised}."],
    "late": ["Order #{number} is running {late} behind: {carrier} says \"{carrier_status}\".",
             "Order #{number} should have arrived by {promised} and is {late} late. {carrier}'s latest: "
             "\"{carrier_status}\"."],
    "delivered": ["Order #{number} was delivered on {delivered}.",
                  "Our records show order #{number} delivered on {delivered}."],
    "cancelled": ["Order #{number} was cancelled, and its payment went back to you.",
                  "Order #{number} is cancelled; nothing more will be charged for it."],
    "returned": ["Order #{number} came back to us as a return.",
                 "We've received order #{number} back as a return."],
}
NEXT_STEP = [
    "Let's keep an eye on it together — tell me if you'd like me to do anything about it.",
    "If anything about it isn't right, tell me and we'll sort it out.",
]


def plural_days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def latest_scans(order: JSON, count: int = 3) -> str:
    """The newest carrier scans, newest first, as one line each."""
    scans = [e for e in order.get("timeline", []) if e.get("kind") == "tracking"][-count:]
    lines = [f"• {day(e['at'])}: {e['text']}" + (f" ({e['location']})" if e.get("location") else "")
             for e in reversed(scans)]
    return ("Latest scans:\n" + "\n".join(lines)) if lines else ""


def describe(reply: Reply, order: JSON) -> None:
    """Say the status, carrier detail and tracking of ``order``."""
    status = order["status"]
    fields = {"number": order["number"], "promised": day(order.get("promised_date")),
              "carrier": order.get("carrier") or "the carrier", "tracking": order.get("tracking_number") or "-",
              "carrier_status": order.get("carrier_status") or "in transit",
              "late": plural_days(order.get("days_late", 0)), "delivered": day(order.get("delivered_at"))}
    if status in ("shipped", "in_transit", "delayed"):
        key = "late" if order.get("days_late", 0) > 0 else "moving"
    else:
        key = status if status in STATUS else "moving"
    reply.pick(STATUS[key], **fields)
    scans = latest_scans(order)
    if scans and status not in ("cancelled", "processing"):
        reply.say_new(scans)


class ActionOrderStatus(BotAction):
    """Status of the order the customer means (or their most relevant one)."""

    needs = "order"

    def name(self) -> Text:
        return "action_order_status"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        assert order is not None
        describe(reply, order)
        reply.pick(NEXT_STEP)
        return [keep(order)]
