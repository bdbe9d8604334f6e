"""``action_password_reset``: a reset link mailed to the e-mail on file, never shown in the chat.

Whoever asks (signed in, verified by order number + e-mail, or anonymous with just an
e-mail), the link goes to the account's inbox; only someone who can read that inbox can
use it. A sign-in lock is lifted in the chat only for a signed-in customer (identity token
from the shop); anyone else's lifts when the new password is set from the link.
"""

from __future__ import annotations

from typing import Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.actions import runtime
from bot.actions.common import JSON, BotAction, Events
from bot.actions.identify import EMAIL_RE
from bot.actions.mailing import mail_reset, mail_reset_for_email
from bot.actions.reply import Reply
from bot.actions.turn import Turn

SENT = [
    "I've sent a fresh reset link to {email} — it works for the next hour. Open it, choose a new "
    "password, and you're back in. For your safety we only ever send links like this to your inbox, never "
    "into the chat.",
    "A secure reset link is on its way to {email} now (valid for an hour). Pick a new password there "
    "and you're in — we keep links like that in your inbox, where only you can open them.",
]
UNLOCKED = [
    "Your account was locked after too many sign-in attempts; we've lifted that lock just now.",
    "The lock from the failed sign-ins is lifted as of now, so the new password will work straight away.",
]
LOCKED = [
    "I can see the account was locked after a few sign-in attempts — setting the new password from that "
    "link lifts the lock too.",
    "The lock from the earlier sign-in attempts lifts as soon as you set the new password from the link.",
]
MAILED = [
    "If {email} has an account with us, a reset link is on its way to it now — it works for an hour. "
    "Setting the new password from it also lifts any sign-in lock.",
    "Done: if there's an account for {email}, its reset link is in that inbox now (valid for an hour), "
    "and setting the new password there clears any sign-in lock.",
]
ASK_EMAIL = [
    "Let's get you back in. What's the e-mail address on your account? I'll send a reset link there.",
    "What e-mail do you sign in with? A secure reset link will go straight to it.",
]


def typed_email(tracker: Tracker) -> Optional[str]:
    """An e-mail from this message's entities or the ``email`` slot."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "email" and EMAIL_RE.match(str(entity.get("value") or "")):
            return str(entity["value"]).strip()
    slot = tracker.get_slot("email")
    return slot if slot and EMAIL_RE.match(str(slot)) else None


class ActionPasswordReset(BotAction):
    """Mails a reset link to the e-mail on file; the chat only says where it went."""

    validate, situation = "always", "account_access"

    def name(self) -> Text:
        return "action_password_reset"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        public_url = runtime.current().settings.public_url
        if turn.customer_id is not None:
            sent = await runtime.in_store(mail_reset, turn.customer_id, public_url, turn.signed_in)
            await runtime.deliver_mail()
            reply.pick(SENT, email=sent["email"])
            if sent["unlocked"]:
                reply.pick(UNLOCKED)
            elif sent["locked"]:
                reply.pick(LOCKED)
            return []
        email = typed_email(reply.tracker)
        if not email:
            reply.pick(ASK_EMAIL)
            return []
        await runtime.in_store(mail_reset_for_email, email, public_url)
        await runtime.deliver_mail()
        reply.pick(MAILED, email=email)
        return [SlotSet("email", email)]
