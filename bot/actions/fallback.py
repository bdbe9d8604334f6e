"""``action_default_fallback``: honest about not understanding; a person after two misses.

It runs in two ways: after ``nlu_fallback`` (a rule, which then listens), and as the
RulePolicy's *core* fallback, when the message was understood but no policy is sure what
to do next. In the core case nothing else would make Rasa listen: the same uncertain
prediction repeats until the circuit breaker trips (ten fallback messages in one turn),
so the action asks for ``action_listen`` itself, keeping the message in the tracker.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from bot.actions.common import JSON, BotAction, Events
from bot.actions.reply import Reply
from bot.actions.resume import next_after_form
from bot.actions.turn import Turn

MISSED_INTENTS = {"nlu_fallback", "out_of_scope"}
OFFER_AFTER = 2

FIRST = [
    "I didn't quite get that — could you put it another way? I can help with orders, deliveries, "
    "returns, charges and your account.",
    "Sorry, I'm not sure I followed. Could you tell me a little more about what's going on?",
    "I want to get this right, but I didn't catch what you need. Could you say it differently?",
]
OFFER = [
    "I'm still not getting it, and that's on me, not you. Would you like me to bring in a person?",
    "I keep missing what you mean — let's not waste your time. Shall I get a teammate for you?",
]
BUTTONS = [{"title": "Yes, a person please", "payload": "/request_human"},
           {"title": "I'll rephrase", "payload": "/deny"}]


def is_core_fallback(tracker: Tracker) -> bool:
    """True when the latest message was understood (the policies, not NLU, were unsure)."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return intent not in MISSED_INTENTS


def consecutive_misses(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent not in MISSED_INTENTS:
            break
        count += 1
    return max(count, 1)


class ActionDefaultFallback(BotAction):
    """Counts misses in a row (``fallback_count``) and offers a person from the second."""

    validate = None

    def name(self) -> Text:
        return "action_default_fallback"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        tracker = reply.tracker
        if is_core_fallback(tracker):
            resume = next_after_form(tracker)
            if resume:  # a form just finished: carry on with the flow the customer started
                return [FollowupAction(resume)]
        misses = consecutive_misses(tracker)
        if misses >= OFFER_AFTER:
            reply.pick(OFFER, buttons=BUTTONS)
        else:
            reply.pick(FIRST)
        events: List[Dict[Text, Any]] = [SlotSet("fallback_count", float(misses))]
        if is_core_fallback(tracker):
            events.append(FollowupAction("action_listen"))
        return events
