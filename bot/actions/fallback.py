"""``action_default_fallback``: clarify instead of guessing or giving up.

When the NLU is unsure (``nlu_fallback``: low confidence, or the top two intents too close),
the bot asks in plain words which of the two or three likeliest readings the customer means
(buttons with the designers' titles, ``readings:`` in ``policy/phrase_bank.yml``) plus
"something else" (payload ``/nlu_fallback``, so the ``nlu_fallback`` rule brings it back
here), which asks for the customer's own words. The second miss in a conversation, counted the way the handoff
service counts it (``metadata.handoff.misunderstood``, see docs/architecture.md), hands
off with "the assistant isn't understanding". A message the detector rates negative never
gets "I didn't get that": it is validated first, then we say what we can do and offer a
person (or, severe or high-stakes, bring one in).

It also runs as the RulePolicy's *core* fallback, when the message was understood but no
policy is sure what to do next. In that case nothing else would make Rasa listen: the same
uncertain prediction repeats until the circuit breaker trips, so the action asks for
``action_listen`` itself.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from bot.actions import runtime
from bot.actions.common import JSON, PERSON_DECIDES, STILL_MISSING, BotAction, Events
from bot.actions.reply import Reply
from bot.actions.resume import next_after_form
from bot.actions.turn import Turn, metadata

MISSED_INTENTS = {"nlu_fallback", "out_of_scope"}
HAND_OFF_AT = 2  # policy/handoff.yml misunderstanding.signals; the service sends its own count
MAX_READINGS = 3
MIN_READING_CONFIDENCE = 0.05
NOT_UNDERSTANDING = "the assistant isn't understanding"

CLARIFY = [
    "I want to be sure I get this right. Is it one of these?",
    "Let me check I've understood you. Which of these is closest?",
    "I'm not quite sure which you mean. Is it one of these?",
]
CLARIFY_OPEN = [
    "I want to be sure I get this right. Is it about an order, a charge, or your account?",
    "Let me check I've understood you: tell me a little more about what's going on, and I'll take it "
    "from there.",
]
REPHRASE = [
    "Thanks for telling me. In a few words of your own, what would you like us to sort out?",
    "Got it, none of those. Tell me in your own words what's going on, and we'll take it from there.",
]
CAN_DO = [
    "Here's what we can do right now: I can check an order, sort out a charge or a return, or help with "
    "your account. Or I can bring in a person from our team straight away.",
    "Let's find the quickest way to fix this. I can look into an order, a charge or your account with you "
    "now, or bring in a person from our team, whichever you'd prefer.",
]
# "Something else" re-enters this action through the nlu_fallback rule; the handoff service
# never counts a click as a misunderstanding (handoff/service/decide.py).
SOMETHING_ELSE = {"title": "Something else", "payload": "/nlu_fallback"}
PERSON = {"title": "Talk to a person", "payload": "/request_human"}


def is_core_fallback(tracker: Tracker) -> bool:
    """True when the latest message was understood (the policies, not NLU, were unsure)."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return intent not in MISSED_INTENTS


def answered_clarification(tracker: Tracker) -> bool:
    """The customer clicked "Something else": none of the readings fits."""
    return ((tracker.latest_message or {}).get("text") or "").strip() == SOMETHING_ELSE["payload"]


def is_click(event: Dict[str, Any]) -> bool:
    """A button payload (``/intent``), not words the customer wrote."""
    return str(event.get("text") or "").startswith("/")


def consecutive_misses(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood ("something else"
    replies to a clarifying question neither count nor break the streak)."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if is_click(event) and intent in MISSED_INTENTS:
            continue
        if intent not in MISSED_INTENTS:
            break
        count += 1
    return max(count, 1)


def misses_so_far(tracker: Tracker) -> int:
    """Misunderstanding signals in this conversation, this (missed) message included.

    The handoff service counts the earlier ones (``metadata.handoff.misunderstood``: fallbacks,
    complaints about understanding, repeats) so the bot and the service agree; without it
    (Rasa alone), the misses in a row.
    """
    handoff = metadata(tracker).get("handoff")
    counted = handoff.get("misunderstood") if isinstance(handoff, dict) else None
    if isinstance(counted, int) and not isinstance(counted, bool):
        return counted + 1
    return consecutive_misses(tracker)


def readings(tracker: Tracker, bank: Mapping[str, Any]) -> List[Dict[str, str]]:
    """Buttons for the two or three likeliest intents the designers gave a title to."""
    titles: Mapping[str, str] = bank.get("readings") or {}
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    out: List[Dict[str, str]] = []
    for entry in ranking:
        name, confidence = entry.get("name"), float(entry.get("confidence") or 0.0)
        if name in titles and confidence >= MIN_READING_CONFIDENCE:
            out.append({"title": str(titles[name]), "payload": f"/{name}"})
        if len(out) == MAX_READINGS:
            break
    return out


class ActionDefaultFallback(BotAction):
    """Clarifies with the likeliest readings; a person at the second miss or when upset."""

    validate = None

    def name(self) -> Text:
        return "action_default_fallback"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        tracker = reply.tracker
        core = is_core_fallback(tracker)
        if core:
            resume = next_after_form(tracker)
            if resume:  # a form just finished: carry on with the flow the customer started
                return [FollowupAction(resume)]
        misses = consecutive_misses(tracker)
        if answered_clarification(tracker):
            reply.pick(REPHRASE)
        elif turn.severity == "severe" or turn.high_stakes:  # the service hands these off: say so
            reply.validate_first(turn, always=True)
            reply.hand_off(PERSON_DECIDES, reason="upset message the assistant did not understand",
                           severity="severe")
        elif turn.upset:
            reply.validate_first(turn, always=True)
            reply.pick(CAN_DO, buttons=readings(tracker, runtime.current().phrase_bank())[:2] + [PERSON])
        elif misses_so_far(tracker) >= HAND_OFF_AT and not core:
            reply.hand_off(STILL_MISSING, reason=NOT_UNDERSTANDING)
        else:
            options = readings(tracker, runtime.current().phrase_bank())
            if options:
                reply.pick(CLARIFY, buttons=options + [SOMETHING_ELSE])
            else:
                reply.pick(CLARIFY_OPEN)
        events: List[Dict[Text, Any]] = [SlotSet("fallback_count", float(misses))]
        if core:
            events.append(FollowupAction("action_listen"))
        return events


# What tests and tools treat as "the bot did not understand" (tests/integration/scenario_support.py).
FIRST = CLARIFY + CLARIFY_OPEN
OFFER = STILL_MISSING
