"""What happened in one conversation, beyond its transcript: the facts a handoff summary needs.

Orders the visitor proved (order number + e-mail), resolutions recorded in the conversation,
changes mailed for confirmation and follow-up tickets. Never a token or a link: only what was
done and whether it is still open.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Order, Resolution
from store.models.base import utcnow
from store.models.security import Confirmation, VerifiedOrder
from store.models.support import Ticket
from store.read.records import resolution_dict
from store.read.values import JSON


def conversation_facts(session: Session, conversation_id: int) -> JSON:
    """``{"verified_orders", "resolutions", "confirmations", "tickets"}`` of the conversation, oldest first."""
    verified = session.execute(
        select(Order.number).join(VerifiedOrder, VerifiedOrder.order_id == Order.id)
        .where(VerifiedOrder.conversation_id == conversation_id).order_by(VerifiedOrder.at)).scalars()
    resolutions = session.execute(select(Resolution).where(Resolution.conversation_id == conversation_id)
                                  .order_by(Resolution.created_at, Resolution.id)).scalars()
    now = utcnow()
    confirmations = session.execute(select(Confirmation).where(Confirmation.conversation_id == conversation_id)
                                    .order_by(Confirmation.created_at)).scalars()
    tickets = session.execute(select(func.count(Ticket.id)).where(Ticket.conversation_id == conversation_id))
    return {
        "verified_orders": list(dict.fromkeys(verified)),
        "resolutions": [resolution_dict(r) for r in resolutions],
        "confirmations": [{"kind": c.kind, "order": c.order_number,
                           "state": "used" if c.used_at else ("expired" if c.expires_at <= now else "open")}
                          for c in confirmations],
        "tickets": int(tickets.scalar_one() or 0),
    }
