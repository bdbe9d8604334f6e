"""Customer events other than messages: typing, CSAT, follow-up, back to the bot."""

from __future__ import annotations

from typing import Any, Dict, Optional

from handoff import events as ev
from handoff.service import handoffs, ratelimit
from handoff.service.agents import customer_typing
from handoff.service.context import Service
from handoff.service.sessions import connection


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
    """Leave the queue with an e-mail follow-up (a ticket)."""
    conn = connection(svc, sid)
    return ev.ok(**await handoffs.leave_queue(svc, conn.conversation_id, email=email or ""))


async def continue_with_bot(svc: Service, sid: str) -> Dict[str, Any]:
    """Leave the queue and keep chatting with the bot."""
    await handoffs.leave_queue(svc, connection(svc, sid).conversation_id)
    return ev.ok()
