"""``action_subscription_issue``: the plan's state, and any duplicate charge refunded."""

from __future__ import annotations

from typing import Optional, Text

from bot.actions import runtime
from bot.actions.billing import refund_duplicates
from bot.actions.common import JSON, BotAction, Events, day, usd
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from store import queries

PLAN = [
    "Your {plan} plan ({price}/month) is {status} and renews on {renews}.",
    "You're on the {plan} plan at {price} a month — it's {status}, next renewal {renews}.",
]
NO_PLAN = [
    "I don't see a subscription on your account. Were you thinking of a different e-mail address?",
]


class ActionSubscriptionIssue(BotAction):
    """Subscription trouble: say the plan's state, then look for duplicate charges."""

    situation, needs = "billing", "customer"

    def name(self) -> Text:
        return "action_subscription_issue"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        plans = await runtime.in_store(queries.subscriptions_for, turn.customer_id)
        if not plans:
            reply.pick(NO_PLAN)
            return []
        for plan in plans:
            reply.pick(PLAN, plan=plan["plan"], price=usd(plan["price"]), status=plan["status"].replace("_", " "),
                       renews=day(plan.get("renews_at")))
        await refund_duplicates(reply, turn)
        return []
