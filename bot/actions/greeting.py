"""``action_greet_customer``: hello, with context when we know who is writing."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa_sdk.events import SlotSet
from sqlalchemy.orm import Session

from bot.actions import runtime
from bot.actions.common import JSON, BotAction, Events
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from store import queries

ANONYMOUS = [
    "Hi there! I can check on an order, sort out a delivery or billing problem, or help with your "
    "account. What's going on?",
    "Hello! Tell me what's up — an order, a charge, your account — and let's get it sorted.",
    "Hi! I'm the shop's assistant. What can we sort out for you today?",
]
WITH_ISSUE = [
    "Hi {first}! I see {issue} — let's sort that out.",
    "Hello {first}. I can see {issue}, so let's start there.",
]
KNOWN = [
    "Hi {first}! Good to see you. What can we sort out today?",
    "Hello {first} — what can I help with?",
]


def greeting_context(session: Session, customer_id: int) -> Optional[Dict[str, Any]]:
    customer = queries.get_customer(session, customer_id)
    if customer is None:
        return None
    return {"customer": customer, "issue": queries.most_pressing_issue(session, customer_id)}


class ActionGreetCustomer(BotAction):
    """Greets; a signed-in customer by name, with their most pressing open issue."""

    def name(self) -> Text:
        return "action_greet_customer"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        if not turn.signed_in:
            reply.pick(ANONYMOUS)
            return []
        context = await runtime.in_store(greeting_context, turn.customer_id)
        if context is None:
            reply.pick(ANONYMOUS)
            return []
        customer, issue = context["customer"], context["issue"]
        if issue:
            reply.pick(WITH_ISSUE, first=customer["first_name"], issue=issue["text"])
        else:
            reply.pick(KNOWN, first=customer["first_name"])
        events = [SlotSet("customer_id", float(customer["id"])), SlotSet("customer_name", customer["name"]),
                  SlotSet("email", customer["email"]), SlotSet("verified", True)]
        if issue and issue.get("order"):
            events.append(SlotSet("order_number", issue["order"]))
        return events
