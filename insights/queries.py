"""The insights package's only SQL: read conversations, transcripts, handoffs and grants.

Read-only: nothing here adds, changes or deletes a row. Every function takes a ``Session``
first and returns plain records (``insights.records``).
"""

from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from insights.records import Conv, Grant, HandoffRec, Msg
from store.models.commerce import Resolution, ResolutionStatus
from store.models.support import Conversation, Handoff, Message

COUNTED_GRANTS = (ResolutionStatus.GRANTED, ResolutionStatus.IN_PROGRESS)


def _value(member: object) -> str:
    return str(getattr(member, "value", member))


def _msg(m: Message) -> Msg:
    parse, detection = m.parse or {}, m.detection or {}
    intent = parse.get("intent") or {}
    return Msg(seq=m.seq, sender=_value(m.sender), text=m.text or "", at=m.created_at, private=bool(m.private),
               intent=intent.get("name"), confidence=intent.get("confidence"),
               severity=str(detection.get("severity") or "none"), score=float(detection.get("score") or 0.0))


def _conv(c: Conversation) -> Conv:
    return Conv(id=c.id, session_id=c.session_id, customer_id=c.customer_id, status=_value(c.status),
                created_at=c.created_at, resolved_at=c.resolved_at, first_agent_reply_at=c.first_agent_reply_at,
                csat=c.csat, disposition=c.disposition)


def conversations(session: Session, since: Optional[dt.datetime], until: Optional[dt.datetime] = None,
                  ids: Optional[Sequence[int]] = None) -> List[Conv]:
    """Conversations created in ``[since, until)`` (or with these ``ids``), with transcript and handoffs."""
    where = []
    if since is not None:
        where.append(Conversation.created_at >= since)
    if until is not None:
        where.append(Conversation.created_at < until)
    if ids is not None:
        where.append(Conversation.id.in_([int(i) for i in ids]))
    chosen = select(Conversation.id).where(*where)
    convs: Dict[int, Conv] = {
        c.id: _conv(c)
        for c in session.execute(select(Conversation).where(Conversation.id.in_(chosen))
                                 .order_by(Conversation.created_at, Conversation.id)).scalars()
    }
    for m in session.execute(select(Message).where(Message.conversation_id.in_(chosen))
                             .order_by(Message.conversation_id, Message.seq)).scalars():
        convs[m.conversation_id].messages.append(_msg(m))
    for h in session.execute(select(Handoff).where(Handoff.conversation_id.in_(chosen))
                             .order_by(Handoff.conversation_id, Handoff.requested_at, Handoff.id)).scalars():
        convs[h.conversation_id].handoffs.append(
            HandoffRec(source=h.source, reasons=list(h.reasons or []), requested_at=h.requested_at,
                       accepted_at=h.accepted_at, ended_at=h.ended_at, outcome=h.outcome))
    return list(convs.values())


def conversation(session: Session, conversation_id: int) -> Optional[Conv]:
    """One conversation with its transcript, or None."""
    found = conversations(session, None, ids=[conversation_id])
    return found[0] if found else None


def grants(session: Session, since: Optional[dt.datetime], until: Optional[dt.datetime] = None) -> List[Grant]:
    """Resolutions granted (or in progress) in ``[since, until)``; pending approvals are not grants yet."""
    stmt = select(Resolution).where(Resolution.status.in_(COUNTED_GRANTS))
    if since is not None:
        stmt = stmt.where(Resolution.created_at >= since)
    if until is not None:
        stmt = stmt.where(Resolution.created_at < until)
    return [Grant(id=r.id, kind=_value(r.kind), amount=float(r.amount or 0), granted_by=_value(r.granted_by),
                  status=_value(r.status), at=r.created_at, conversation_id=r.conversation_id)
            for r in session.execute(stmt.order_by(Resolution.created_at, Resolution.id)).scalars()]
