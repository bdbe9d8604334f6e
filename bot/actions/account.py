"""``action_password_reset``: a recorded reset link; a locked account is unlocked."""

from __future__ import annotations

from typing import Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy.orm import Session

from bot.actions import runtime
from bot.actions.common import JSON, BotAction, Events
from bot.actions.identify import EMAIL_RE
from bot.actions.reply import Reply
from bot.actions.turn import Turn
from store import queries
from store.operations import create_password_reset

LINK = [
    "Let's get you back in: I've made you a fresh reset link, {link} — it works for the next hour. Open "
    "it, choose a new password, and you're in.",
    "Here's your secure reset link so we can get you signed in again: {link} (valid for one hour). Pick a "
    "new password there and you're in.",
]
UNLOCKED = [
    "Your account was locked after too many sign-in attempts; I've unlocked it just now.",
    "The lock from the failed sign-ins is lifted as of now.",
]
MAILED = [
    "If {email} has an account with us, a reset link is on its way to it now — it works for an hour. "
    "The lock from failed sign-ins is lifted too.",
    "Done: if there's an account for {email}, its reset link is in that inbox now (valid for an hour), "
    "and any sign-in lock is cleared.",
]
ASK_EMAIL = [
    "Let's get you back in. What's the e-mail address on your account? I'll send a reset link there.",
    "What e-mail do you sign in with? A secure reset link will go straight to it.",
]


def reset_for_email(session: Session, email: str) -> Optional[JSON]:
    """Reset for the account with ``email`` (None when there is none; the caller says the same)."""
    customer = queries.find_customer_by_email(session, email)
    return create_password_reset(session, customer["id"]) if customer else None


def typed_email(tracker: Tracker) -> Optional[str]:
    """An e-mail from this message's entities or the ``email`` slot."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "email" and EMAIL_RE.match(str(entity.get("value") or "")):
            return str(entity["value"]).strip()
    slot = tracker.get_slot("email")
    return slot if slot and EMAIL_RE.match(str(slot)) else None


class ActionPasswordReset(BotAction):
    """Signed-in (or verified): shows the link. Anonymous: sends it to the e-mail on file,
    never revealing whether an account exists."""

    validate, situation = "always", "account_access"

    def name(self) -> Text:
        return "action_password_reset"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        if turn.customer_id is not None:
            reset = await runtime.in_store(create_password_reset, turn.customer_id)
            if reset["unlocked"]:
                reply.pick(UNLOCKED)
            reply.pick(LINK, link=reset["link"])
            return []
        email = typed_email(reply.tracker)
        if not email:
            reply.pick(ASK_EMAIL)
            return []
        await runtime.in_store(reset_for_email, email)
        reply.pick(MAILED, email=email)
        return [SlotSet("email", email)]
