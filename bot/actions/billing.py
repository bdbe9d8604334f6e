"""``action_billing_issue`` and ``action_send_invoice``: charges explained, duplicates refunded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional, Text

from sqlalchemy.orm import Session

from bot.actions import runtime
from bot.actions.common import JSON, BotAction, Events, attempt, day, usd
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from store import queries
from store.errors import NotAllowed
from store.models.base import utcnow
from store.resolution_policy import load_resolution_policy
from store.resolutions import refund_charge

RECENT_DAYS = 45  # a refunded duplicate this recent is what the customer is asking about again
REFUNDED = [
    "You're right: your {description} was charged twice on {when}, {amount} each time. We've refunded "
    "the duplicate {amount} just now — it'll be back on your card within 3–5 business days.",
    "I found it — {amount} for your {description} went through twice on {when}. We've refunded the "
    "extra {amount} as of now; expect it back on your card within 3–5 business days.",
]
ALREADY_REFUNDED = [
    "We've already refunded the duplicate {amount} for your {description} from {when} — it'll be back on "
    "your card within 3–5 business days. Is there another charge you'd like us to look at?",
    "That duplicate {amount} for your {description} ({when}) is already refunded, and it'll reach your card "
    "within 3–5 business days. Is anything else on your statement looking off?",
]
NO_DUPLICATE = [
    "I don't see a double charge, so let's go through your latest charges together:",
    "Nothing was charged twice, so let's look at what went through recently:",
]
WHICH = [
    "Which of these looks wrong to you? If there's one you don't recognise, tell me and I'll bring in a "
    "teammate to trace it with you.",
    "Does one of these look off? Tell me which, and if it's one you don't recognise, a teammate can "
    "trace it with you.",
]
NO_CHARGES = ["I don't see any charges on your account yet. Which payment are you asking about?"]
INVOICES = [
    "Here are your latest invoices:",
    "Here's what I have for you:",
]
NO_INVOICES = [
    "I don't see an invoice for that yet — invoices appear once an order is delivered. Would you "
    "like one for another order?",
]


def recent(iso: Optional[str], days: int = RECENT_DAYS) -> bool:
    """Whether a charge (ISO time) is from the last ``days`` days."""
    if not iso:
        return False
    at = datetime.fromisoformat(iso)
    now = utcnow() if at.tzinfo is None else datetime.now(timezone.utc)
    return now - at <= timedelta(days=days)


def billing_picture(session: Session, customer_id: int, window_hours: int) -> JSON:
    every = queries.duplicate_charges(session, customer_id, window_hours=window_hours, include_refunded=True)
    return {"duplicates": queries.duplicate_charges(session, customer_id, window_hours=window_hours),
            "refunded": [c for c in every if c["status"] == "refunded" and recent(c["created_at"])],
            "recent": queries.recent_charges(session, customer_id, limit=5)}


async def refund_duplicates(reply: Reply, turn: Turn) -> Optional[bool]:
    """Refund every exact duplicate charge within policy.

    Returns:
        True when something was refunded, False when there was no duplicate, None when a
        person takes over.
    """
    policy = load_resolution_policy(runtime.current().settings.policy_path("resolutions.yml"))
    picture = await runtime.in_store(billing_picture, turn.customer_id, policy.duplicate_window_hours)
    if not picture["duplicates"] and picture["refunded"]:  # what we already did stands: say so
        dupe = picture["refunded"][0]
        reply.pick(ALREADY_REFUNDED, description=dupe["description"], when=day(dupe["created_at"]),
                   amount=usd(dupe["amount"]))
        return False
    if not picture["duplicates"]:
        reply.pick(NO_DUPLICATE) if picture["recent"] else reply.pick(NO_CHARGES)
        lines = [f"• {day(c['created_at'])}: {usd(c['amount'])} — {c['description']} ({c['status']})"
                 for c in picture["recent"]]
        if lines:
            reply.say("\n".join(lines))
            reply.pick(WHICH)
        return False
    for dupe in picture["duplicates"]:
        try:
            done = await attempt(reply, turn, refund_charge, dupe["id"])
        except NotAllowed:
            continue
        if done is None:
            return None
        reply.pick(REFUNDED, description=dupe["description"], when=day(dupe["created_at"]),
                   amount=usd(dupe["amount"]))
    return True


class ActionBillingIssue(BotAction):
    """Surprise charge: validate, find an exact duplicate and refund it, or go through charges."""

    validate, situation, high_stakes_subject, needs = "always", "billing", "billing issue", "customer"

    def name(self) -> Text:
        return "action_billing_issue"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        await refund_duplicates(reply, turn)
        return []


class ActionSendInvoice(BotAction):
    """Links to the customer's invoices (the order's, when one is named)."""

    validate, needs = None, "customer"

    def name(self) -> Text:
        return "action_send_invoice"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        number = reply.tracker.get_slot("order_number")
        invoices = await runtime.in_store(queries.invoices_for, turn.customer_id, number)
        if not invoices and number:
            invoices = await runtime.in_store(queries.invoices_for, turn.customer_id)
        if not invoices:
            reply.pick(NO_INVOICES)
            return []
        reply.pick(INVOICES)
        lines = [f"• {inv['number']} — {usd(inv['amount'])}, {day(inv['issued_at'])}"
                 + (f" (order #{inv['order']})" if inv.get("order") else "") + f": {inv['url']}"
                 for inv in invoices[:3]]
        reply.say("\n".join(lines))
        return []
