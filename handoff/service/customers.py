"""Customer events other than messages: typing, CSAT, follow-up, back to the bot."""

from __future__ import annotations

from typing import Any, Dict, Optional

from handoff import errors
from handoff import events as ev
from handoff.service import handoffs, ratelimit
from handoff.service.agents import customer_typing
from handoff.service.context import Service
from handoff.service.notices import mask
from handoff.service.sessions import connection
from store import notices


async def typing(svc: Service, sid: str, is_typing: bool) -> None:
    """Relay the customer's typing indicator to agents (``RATE_LIMIT_TYPING`` per identity or address)."""
    conn = svc.customers.get(sid)
    if conn is None:
        return
    await ratelimit.enforce(svc.limiter, ratelimit.TYPING, ratelimit.subject(conn.customer_id, conn.address),
                            svc.settings.limit_typing)
    await customer_typing(svc, sid, is_typing)


async def csat(svc: Service, sid: str, score: Any) -> Dict[str, Any]:
    """Record the CSAT score of the socket's conversation."""
    await handoffs.rate(svc, connection(svc, sid).conversation_id, score)
    return ev.ok()


async def follow_up(svc: Service, sid: str, email: Optional[str]) -> Dict[str, Any]:
    """Leave the queue with an e-mail follow-up (a ticket): to ``email``, or without one to the
    address the conversation knows (a signed-in or verified customer is not asked to type it)."""
    conn = connection(svc, sid)
    known = None if email else await svc.run(notices.known_email, conn.conversation_id)
    if not email and not known:
        raise errors.EmailRequired()
    done = await handoffs.leave_queue(svc, conn.conversation_id, email=email or known)
    return ev.ok(**done, reply_to=mask(known) if known else str(email).strip())


async def continue_with_bot(svc: Service, sid: str) -> Dict[str, Any]:
    """Leave the queue and keep chatting with the bot."""
    await handoffs.leave_queue(svc, connection(svc, sid).conversation_id)
    return ev.ok()
