"""Session-level compositions of store functions that several actions share.

Each runs inside :func:`bot.actions.runtime.in_store` (one transaction, a worker thread),
so an action's ``run()`` holds no SQL: it awaits one of these.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy.orm import Session

from store import queries
from store.operations import order_for_topic
from store.security_policy import SecurityPolicy
from store.verification import locked_out, mark_verified, record_failure

JSON = Dict[str, Any]


def owned_order(session: Session, email: Optional[str], number: Optional[str]) -> Optional[JSON]:
    """The order's summary and timeline when ``email`` owns it, else None."""
    if not email or not number:
        return None
    order = queries.verify_order_owner(session, number, email)
    if order is None:
        return None
    return {**queries.order_summary(order), "timeline": queries.order_timeline(order)}


def relevant_order(session: Session, customer_id: Optional[int], email: Optional[str],
                   number: Optional[str], intent: Optional[str]) -> Optional[JSON]:
    """The order named (if the customer owns it), else the one ``intent`` is most likely about."""
    if not number and customer_id is not None:
        number = order_for_topic(session, customer_id, intent)
    return owned_order(session, email, number)


def verify_pair(session: Session, number: str, email: str, client_address: Optional[str],
                sender_id: Optional[str], policy: SecurityPolicy) -> JSON:
    """Check an order number + e-mail under the cross-session limits.

    Returns:
        ``{"status": "matched", "customer": {...}}`` (and the conversation remembers the
        order as verified), ``{"status": "mismatch"}`` (counted against the order number
        and the address), or ``{"status": "locked"}`` once either has failed too often;
        locked wins even over a right pair, so guessing stops paying.
    """
    if locked_out(session, number, client_address, policy):
        return {"status": "locked"}
    order = queries.verify_order_owner(session, number, email)
    if order is None:
        record_failure(session, number, client_address)
        return {"status": "locked" if locked_out(session, number, client_address, policy) else "mismatch"}
    conv = conversation_id(session, sender_id)
    if conv is not None:
        mark_verified(session, conv, order.id)
    return {"status": "matched", "customer": queries.customer_dict(order.customer)}


def conversation_id(session: Session, sender_id: Optional[str]) -> Optional[int]:
    """The handoff service's conversation for this Rasa sender (its session id), if any."""
    from store.conversations import get_by_session_id

    conv = get_by_session_id(session, sender_id) if sender_id else None
    return conv.id if conv is not None else None


def act(session: Session, fn: Any, sender_id: Optional[str], *args: Any, **kwargs: Any) -> JSON:
    """Call a store operation as the bot, recording the conversation it came from."""
    return fn(session, *args, conversation_id=conversation_id(session, sender_id), **kwargs)
