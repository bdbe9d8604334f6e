"""``identify_form``: who is asking, before anything about an order is revealed.

A signed-in customer (verified token) is never asked: the order the intent is about and
their e-mail are filled from the store, so the form completes at once. An anonymous
visitor gives an order number and the e-mail on it; a wrong pair is rejected kindly (the
same words whichever half was wrong), and the third failure brings in a person. Failures
are also counted in the store per order number and per client address
(``policy/security.yml``), so a new session per guess does not reset them.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions import runtime
from bot.actions.lookups import owned_order, verify_pair
from bot.actions.reply import handoff_payload
from bot.actions.turn import Turn, read_turn
from bot.actions.voice import pick
from store.operations import order_for_topic
from store.queries import normalize_order_number
from store.security_policy import load_security_policy

MAX_ATTEMPTS = 3
ORDER_RE = re.compile(r"^\d{3,10}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NON_TOPIC_INTENTS = {"inform", "affirm", "deny", "thank", "greet", "nlu_fallback", None}

MISMATCH = [
    "Hmm, that order number and e-mail don't match what we have on file. Let's try once more — "
    "could you double-check both? The order number is in your confirmation e-mail.",
    "I couldn't match that order number with that e-mail. No problem — let's go again: what's the "
    "order number, and the e-mail you used at checkout?",
    "Those two don't line up on our side yet. Could we check them together? The order number starts "
    "with # in your confirmation e-mail, and the e-mail is the one you ordered with.",
]
GIVE_UP = [
    "I'm still not able to match those details, and I don't want you going round in circles. I'm "
    "bringing in a teammate who can confirm your order another way — they'll see everything you've told me.",
    "Let's not keep you stuck on this: I'm asking a colleague to step in and confirm your order with "
    "you directly. They'll have this whole conversation in front of them.",
]
BAD_NUMBER = [
    "Order numbers are the digits after the # in your confirmation e-mail (like 1042) — could you check it for me?",
    "That doesn't look like one of our order numbers yet: it's the digits after the # in your "
    "confirmation e-mail. What does yours say?",
]
BAD_EMAIL = [
    "That e-mail doesn't look quite complete — could you type it again, like name@example.com?",
    "I think a bit of that e-mail went missing. What's the full address you ordered with?",
]
LOCKED = [
    "There have been several unsuccessful tries with these details, so to keep our customers' orders safe "
    "I've paused checking them for a while. I'm bringing in a teammate who can confirm your order with you "
    "another way — they'll see everything you've told me.",
    "To protect the orders on our side, I've stopped checking order details here for a little while after "
    "several unsuccessful tries. A colleague is joining to confirm things with you directly, with this whole "
    "conversation in front of them.",
]
NOT_YOURS = [
    "I can't find order #{number} among the orders on your account. Could you double-check the number?",
    "Order #{number} isn't one I can see on your account — which order did you mean?",
]
MATCHED = [
    "Thanks, {first} — that matches order #{number}.",
    "Got it, {first}: order #{number} is yours, so let's take a look.",
]


def failures(tracker: Tracker, dispatcher: CollectingDispatcher) -> int:
    """Failed identification attempts in this conversation (incl. this run's)."""
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]
    texts += [m.get("text") or "" for m in dispatcher.messages]
    if any(t in LOCKED for t in texts):
        return MAX_ATTEMPTS
    return sum(1 for t in texts if t in MISMATCH or t in GIVE_UP)


def topic_intent(tracker: Tracker) -> Optional[str]:
    """The latest user intent that names a topic (answers like ``inform`` don't)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if name not in NON_TOPIC_INTENTS:
                return name
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


class ValidateIdentifyForm(FormValidationAction):
    """Fills ``order_number`` and ``email`` and proves they belong together."""

    def name(self) -> Text:
        return "validate_identify_form"

    def _turn(self, tracker: Tracker) -> Turn:
        return read_turn(tracker, runtime.current().settings.identity_secret)

    def _say(self, dispatcher: CollectingDispatcher, tracker: Tracker, options: List[str], **fields: Any) -> None:
        also = [m.get("text") or "" for m in dispatcher.messages]
        dispatcher.utter_message(text=pick(tracker, options, also_said=also, **fields))

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """No more questions once a person has been asked to take over."""
        if not self._turn(tracker).signed_in and failures(tracker, dispatcher) >= MAX_ATTEMPTS:
            return []
        return domain_slots

    async def extract_order_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        turn = self._turn(tracker)
        if not turn.signed_in or tracker.get_slot("order_number"):
            return {}
        number = await runtime.in_store(order_for_topic, turn.customer_id, topic_intent(tracker))
        return {"order_number": number} if number else {}

    async def extract_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        turn = self._turn(tracker)
        if turn.signed_in and tracker.get_slot("email") != turn.identity.email:
            return {"email": turn.identity.email}
        return {}

    async def validate_order_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[Text, Any]:
        number = normalize_order_number(value)
        if not ORDER_RE.match(number):
            self._say(dispatcher, tracker, BAD_NUMBER)
            return {"order_number": None}
        turn = self._turn(tracker)
        if turn.signed_in:
            order = await runtime.in_store(owned_order, turn.identity.email, number)
            if order is None:
                self._say(dispatcher, tracker, NOT_YOURS, number=number)
                return {"order_number": None}
            return self._verified(turn.identity.customer_id, turn.identity.email, number, None)
        email = tracker.get_slot("email")
        if email and "email" not in tracker.slots_to_validate():
            return await self._check_pair(dispatcher, tracker, number, email)
        return {"order_number": number}

    async def validate_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        email = str(value or "").strip()
        turn = self._turn(tracker)
        if turn.signed_in:
            return {"email": turn.identity.email}
        if not EMAIL_RE.match(email):
            self._say(dispatcher, tracker, BAD_EMAIL)
            return {"email": None}
        number = tracker.get_slot("order_number")
        if number:
            return await self._check_pair(dispatcher, tracker, normalize_order_number(number), email)
        return {"email": email}

    async def _check_pair(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: str,
                          email: str) -> Dict[Text, Any]:
        settings = runtime.current().settings
        found = await runtime.in_store(verify_pair, number, email, self._turn(tracker).client_address,
                                       tracker.sender_id, load_security_policy(settings.policy_path("security.yml")))
        if found["status"] == "matched":
            customer = found["customer"]
            self._say(dispatcher, tracker, MATCHED, first=customer["first_name"], number=number)
            return {**self._verified(customer["id"], customer["email"], number, customer["name"])}
        if found["status"] == "locked":
            self._say(dispatcher, tracker, LOCKED)
            dispatcher.utter_message(json_message=handoff_payload(
                "verification paused: too many failed order-number + e-mail attempts for this order or address"))
            return {"order_number": None, "email": None, "verified": False}
        if failures(tracker, dispatcher) + 1 >= MAX_ATTEMPTS:
            self._say(dispatcher, tracker, GIVE_UP)
            dispatcher.utter_message(json_message=handoff_payload(
                f"visitor could not match order number and e-mail after {MAX_ATTEMPTS} attempts"))
        else:
            self._say(dispatcher, tracker, MISMATCH)
        return {"order_number": None, "email": None, "verified": False}

    @staticmethod
    def _verified(customer_id: int, email: str, number: str, name: Optional[str]) -> Dict[Text, Any]:
        slots: Dict[Text, Any] = {"order_number": number, "email": email, "verified": True,
                                  "customer_id": float(customer_id)}
        if name:
            slots["customer_name"] = name
        return slots
