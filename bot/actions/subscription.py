"""``action_subscription_issue``: the plan's state, and any duplicate charge refunded."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import runtime
from bot.actions.access import known_customer
from bot.actions.billing import refund_duplicates
from bot.actions.common import BotAction, day, usd
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

    def name(self) -> Text:
        return "action_subscription_issue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        turn, reply = self.turn(tracker), self.reply(dispatcher, tracker)
        reply.validate_first(turn, situation="billing")
        if known_customer(reply, turn) is None:
            return []
        plans = await runtime.in_store(queries.subscriptions_for, turn.customer_id)
        if not plans:
            reply.pick(NO_PLAN)
            return []
        for plan in plans:
            reply.pick(PLAN, plan=plan["plan"], price=usd(plan["price"]), status=plan["status"].replace("_", " "),
                       renews=day(plan.get("renews_at")))
        await refund_duplicates(reply, turn)
        return []
