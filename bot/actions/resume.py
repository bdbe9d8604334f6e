"""Pick a flow up again when a form has finished and the policies lost the thread.

After ``identify_form`` (or ``address_form``) completes, the next action depends on the
topic that started the flow, which can lie outside the dialogue policies' history (say
the customer greeted first). Rasa then runs its core fallback; this module tells that
fallback which action the stories would have run, so the customer never hears "I didn't
catch that" right after answering our questions.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from rasa_sdk import Tracker

# What follows a completed identify_form, per topic (as in bot/data/stories).
AFTER_IDENTIFY: Dict[str, str] = {
    "order_status": "action_order_status",
    "delivery_late": "action_late_delivery",
    "item_damaged": "action_damaged_item",
    "wrong_item": "action_wrong_item",
    "return_item": "action_start_return",
    "request_refund": "action_start_return",
    "refund_status": "action_refund_status",
    "cancel_order": "action_cancel_order",
    "change_order": "utter_change_order_options",
    "change_shipping_address": "address_form",
    "get_invoice": "action_send_invoice",
}
AFTER_ADDRESS = "action_change_address"
FORMS = ("identify_form", "address_form")


def finished_form(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The form that has just completed, when nothing but its own events came after it."""
    closed = False
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "active_loop":
            closed = closed or event.get("name") is None
        elif kind == "action":
            return event.get("name") if closed and event.get("name") in FORMS else None
        elif kind == "user":
            return None
    return None


def topic(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The latest customer intent that starts a flow needing identification."""
    for event in reversed(list(events)):
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if name in AFTER_IDENTIFY:
                return name
    return None


def next_after_form(tracker: Tracker) -> Optional[str]:
    """The action the flow continues with, or None when no form has just finished."""
    form = finished_form(tracker.events)
    if form == "address_form":
        return AFTER_ADDRESS
    if form == "identify_form":
        started = topic(tracker.events)
        return AFTER_IDENTIFY.get(started) if started else None
    return None
