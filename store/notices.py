"""SQL behind the customer's e-mails from a conversation: the transcript, and the one
"an agent replied after you left" notice per absence.

The address is the one the conversation already knows (a signed-in customer, or the customer
whose order the visitor verified with order number + e-mail) or, for an anonymous visitor,
the one they typed. ``claim_away_notice`` is one conditional UPDATE (rowcount 1 = ours), so two
agent replies on two nodes send one notice. ``Session`` first, flush only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store import customer_presence
from store.models.commerce import Customer, Order
from store.models.security import VerifiedOrder
from store.models.support import Agent, Conversation, Message


def known_email(session: Session, conversation_id: int) -> Optional[str]:
    """The e-mail the conversation proved: the signed-in customer's, else a verified order's owner's."""
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        return None
    if conv.customer_id is not None:
        customer = session.get(Customer, conv.customer_id)
        return str(customer.email) if customer is not None else None
    found = session.execute(
        select(Customer.email).join(Order, Order.customer_id == Customer.id)
        .join(VerifiedOrder, VerifiedOrder.order_id == Order.id)
        .where(VerifiedOrder.conversation_id == conversation_id).order_by(VerifiedOrder.id).limit(1)
    ).scalar_one_or_none()
    return str(found) if found else None


def set_notify_email(session: Session, conversation_id: int, email: str) -> None:
    """Send the notice of an agent's reply after the customer left to ``email``."""
    session.execute(update(Conversation).where(Conversation.id == conversation_id)
                    .values(notify_email=email).execution_options(synchronize_session=False))


def claim_away_notice(session: Session, conversation_id: int, since: dt.datetime) -> Optional[str]:
    """The address for this absence's notice when it is due now, else None.

    Due once per absence: the customer asked for it, no customer socket of the conversation is
    live (seen since ``since``), and no notice went out since a socket last joined.
    """
    conv = session.get(Conversation, conversation_id)
    if conv is None or not conv.notify_email or conv.away_notified:
        return None
    if customer_presence.is_present(session, conversation_id, since):
        return None
    taken = session.execute(update(Conversation)
                            .where(Conversation.id == conversation_id, Conversation.away_notified.is_(False))
                            .values(away_notified=True).execution_options(synchronize_session=False))
    return str(conv.notify_email) if taken.rowcount == 1 else None


def public_transcript(session: Session, conversation_id: int) -> List[Dict[str, Any]]:
    """What the customer saw, in order: sender, agent name, text, buttons, time (private notes never)."""
    rows = session.execute(
        select(Message, Agent.display_name).outerjoin(Agent, Agent.id == Message.agent_id)
        .where(Message.conversation_id == conversation_id, Message.private.is_(False)).order_by(Message.seq)
    ).all()
    return [{"sender": m.sender.value, "agent_name": name, "text": m.text, "created_at": m.created_at,
             "buttons": list((m.payload or {}).get("buttons") or [])} for m, name in rows]
