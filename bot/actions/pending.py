"""``action_execute_pending`` (after "yes") and ``action_cancel_pending`` (after "no").

``pending_action`` holds ``<kind>:<order number>``; ownership is checked again before
anything changes, because a slot is only as trustworthy as the turn that set it. A visitor
verified only by order number + e-mail does not cancel or re-address in the chat: the
change goes out as a confirmation link to the e-mail on the order (:mod:`bot.actions.mailing`).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.actions import runtime
from bot.actions.access import known_customer
from bot.actions.common import JSON, BotAction, Events, attempt, usd
from bot.actions.damage import replace_damaged
from bot.actions.lookups import owned_order
from bot.actions.mailing import mail_confirmation
from bot.actions.replacement import KEPT as KEPT_REPLACEMENT
from bot.actions.replacement import after_yes
from bot.actions.reply import Reply
from bot.actions.returns import say_return_started
from bot.actions.turn import Turn
from bot.actions.wrong_item import replace_wrong
from store.errors import InvalidInput, NotAllowed
from store.operations import cancel_order, change_shipping_address, start_return
from store.security_policy import load_security_policy

NOTHING = [
    "There's nothing waiting on a yes from you right now — what would you like to do?",
    "I don't have anything lined up to confirm at the moment. What can I help with?",
]
CANCELLED = [
    "Done — we've cancelled order #{number}, and {amount} is on its way back to your original payment.",
    "All done: we've cancelled #{number}, and the full {amount} is being refunded to you.",
]
READDRESSED = [
    "Done — we'll now send order #{number} to \"{new}\".",
    "All set: we've changed the delivery address of #{number} to \"{new}\".",
]
COULD_NOT = [
    "I couldn't do that after all — {why} — so nothing has changed. Let's look at what else we can do.",
]
KEPT = {
    "cancel_order": ["No problem — I haven't cancelled anything; order #{number} carries on as planned. "
                     "If you'd rather change the address or something else, tell me."],
    "change_address": ["No problem — we'll leave order #{number} at its current address. If you'd like "
                       "to use a different one, just send it over."],
    "start_return": ["No problem — no return has been started for #{number}. If you change your mind, "
                     "or there's something else wrong with it, tell me."],
    **KEPT_REPLACEMENT,
}
CONFIRM_SENT = {
    "cancel_order": [
        "Let's keep your order safe: I've e-mailed a confirmation link to {email}. As soon as you open it, order "
        "#{number} is cancelled and the full refund starts — nothing changes until then.",
        "One last step, so we protect your order: a confirmation link is on its way to {email}. Open it and "
        "#{number} is cancelled, with the full amount refunded.",
    ],
    "change_address": [
        "Let's keep your order safe: I've e-mailed a confirmation link to {email}. As soon as you open it, order "
        "#{number} goes to \"{new}\" — nothing changes until then.",
        "One last step, so we protect your order: a confirmation link is on its way to {email}. Open it and "
        "#{number} is re-addressed to \"{new}\".",
    ],
}
WHAT = {"cancel_order": "cancel order #{number}", "change_address": "send order #{number} to \"{new}\""}
KEPT_ANY = ["Okay, I've left everything as it was. What would you like to do instead?"]


def parse_pending(value: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """``"cancel_order:1075"`` -> ``("cancel_order", "1075")``."""
    kind, sep, number = str(value or "").partition(":")
    return (kind, number) if sep and kind and number else (None, None)


async def _cancel(reply: Reply, turn: Turn, number: str, tracker: Tracker) -> List[Dict[Text, Any]]:
    done = await attempt(reply, turn, cancel_order, number)
    if done:
        reply.pick(CANCELLED, number=number, amount=usd(done["amount"]))
    return []


async def _readdress(reply: Reply, turn: Turn, number: str, tracker: Tracker) -> List[Dict[Text, Any]]:
    done = await attempt(reply, turn, _change_address, number, tracker.get_slot("new_address"))
    if done:
        reply.pick(READDRESSED, number=number, new=done["new_address"])
    return [SlotSet("new_address", None)]


def _change_address(session: Any, number: str, new_address: str, conversation_id: Optional[int] = None) -> JSON:
    return change_shipping_address(session, number, new_address)


async def _return(reply: Reply, turn: Turn, number: str, tracker: Tracker) -> List[Dict[Text, Any]]:
    done = await attempt(reply, turn, start_return, number)
    if done:
        say_return_started(reply, done)
    return []


async def _by_mail(reply: Reply, turn: Turn, kind: str, number: str, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Mail a link that carries the change out; the chat says where it went, never the link."""
    settings = runtime.current().settings
    new = " ".join(str(tracker.get_slot("new_address") or "").split())
    details = {"new_address": new} if kind == "change_address" else {}
    sent = await runtime.in_store(mail_confirmation, kind, number, WHAT[kind].format(number=number, new=new),
                                  settings.public_url, load_security_policy(settings.policy_path("security.yml")),
                                  tracker.sender_id, details)
    await runtime.deliver_mail()
    reply.pick(CONFIRM_SENT[kind], email=sent["email"], number=number, new=new)
    return [SlotSet("new_address", None)]


HANDLERS: Dict[str, Callable[[Reply, Turn, str, Tracker], Awaitable[List[Dict[Text, Any]]]]] = {
    "cancel_order": _cancel, "change_address": _readdress, "start_return": _return,
    "replace_damaged": after_yes(replace_damaged), "replace_wrong": after_yes(replace_wrong),
}


class ActionExecutePending(BotAction):
    """Carries out the confirmed ``pending_action`` and clears it."""

    validate = None

    def name(self) -> Text:
        return "action_execute_pending"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        tracker = reply.tracker
        kind, number = parse_pending(tracker.get_slot("pending_action"))
        clear = [SlotSet("pending_action", None)]
        if kind not in HANDLERS:
            reply.pick(NOTHING)
            return clear
        if known_customer(reply, turn) is None:
            return clear
        if await runtime.in_store(owned_order, turn.email, number) is None:
            reply.pick(NOTHING)
            return clear
        try:
            if turn.verified_by_order and kind in CONFIRM_SENT:
                return await _by_mail(reply, turn, kind, number, tracker) + clear
            return await HANDLERS[kind](reply, turn, number, tracker) + clear
        except (NotAllowed, InvalidInput) as exc:
            reply.pick(COULD_NOT, why=exc.message.rstrip("."))
            return clear


class ActionCancelPending(BotAction):
    """After "no": says nothing changed, offers what else we can do, clears ``pending_action``."""

    validate = None

    def name(self) -> Text:
        return "action_cancel_pending"

    async def handle(self, reply: Reply, turn: Turn, order: Optional[JSON]) -> Events:
        kind, number = parse_pending(reply.tracker.get_slot("pending_action"))
        reply.pick(KEPT.get(kind or "", KEPT_ANY), number=number)
        return [SlotSet("pending_action", None), SlotSet("new_address", None)]
