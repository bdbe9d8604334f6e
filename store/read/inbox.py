"""The agents' shared inbox: conversations by view, searched and filtered, as JSON-ready cards.

Views: ``mine`` (assigned to the agent asking), ``unassigned`` (the queue), ``all`` (every
conversation that was ever handed to a person, any status), ``resolved``, and ``stuck``
(assigned to an agent who is offline: the supervisor's view). Search matches the customer's
name or e-mail, any message (notes included: only agents read this), an order number of the
customer's and the handoff's reasons; filters narrow by severity, status, label and age (time
since the latest handoff request, else since the conversation started).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from store.models import Customer, Order
from store.models.base import utcnow
from store.models.support import (
    Agent,
    AgentStatus,
    Conversation,
    ConversationLabel,
    ConversationStatus,
    Handoff,
    Message,
    Severity,
)
from store.read.customers import customer_brief
from store.read.values import JSON, normalize_order_number

VIEWS = ("mine", "unassigned", "all", "resolved", "stuck")
STATUSES = tuple(s.value for s in ConversationStatus)
SEVERITIES = ("none", "elevated", "severe")
MAX_ITEMS = 100


@dataclass(frozen=True)
class InboxQuery:
    """What the agent asked for; every field but ``view`` optional (None: no filter)."""

    view: str = "mine"
    text: Optional[str] = None
    severity: Optional[str] = None
    status: Optional[str] = None
    label: Optional[str] = None
    min_age_s: Optional[float] = None  # at least this old
    max_age_s: Optional[float] = None  # at most this old
    limit: int = 50


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _view_filter(view: str, agent_id: int) -> ColumnElement:
    if view == "mine":
        return and_(Conversation.status == ConversationStatus.ASSIGNED, Conversation.assignee_id == agent_id)
    if view == "unassigned":
        return Conversation.status == ConversationStatus.QUEUED
    if view == "resolved":
        return and_(Conversation.status == ConversationStatus.RESOLVED,
                    exists().where(Handoff.conversation_id == Conversation.id))
    if view == "stuck":
        offline = select(Agent.id).where(Agent.status == AgentStatus.OFFLINE)
        return and_(Conversation.status == ConversationStatus.ASSIGNED, Conversation.assignee_id.in_(offline))
    return exists().where(Handoff.conversation_id == Conversation.id)  # all


def _search(text: str) -> ColumnElement:
    pattern = _like(text)
    number = normalize_order_number(text)
    customer = exists().where(Customer.id == Conversation.customer_id,
                              or_(func.lower(Customer.name).like(pattern, escape="\\"),
                                  func.lower(Customer.email).like(pattern, escape="\\")))
    message = exists().where(Message.conversation_id == Conversation.id,
                             func.lower(Message.text).like(pattern, escape="\\"))
    reason = exists().where(Handoff.conversation_id == Conversation.id,
                            func.lower(cast(Handoff.reasons, String)).like(pattern, escape="\\"))
    matches = [customer, message, reason]
    if number:
        matches.append(exists().where(Order.customer_id == Conversation.customer_id, Order.number == number))
    return or_(*matches)


def _started(session: Session) -> Any:
    """Per conversation, its latest handoff request (else its start): what "age" measures from."""
    latest = (select(func.max(Handoff.requested_at)).where(Handoff.conversation_id == Conversation.id)
              .correlate(Conversation).scalar_subquery())
    return func.coalesce(latest, Conversation.created_at)


def _order(view: str) -> Sequence[Any]:
    if view == "resolved":
        return (Conversation.resolved_at.desc(), Conversation.id.desc())
    if view in ("unassigned", "stuck"):
        return (Conversation.waiting_since, Conversation.id)
    return (Conversation.updated_at.desc(), Conversation.id.desc())


def search_inbox(session: Session, agent_id: int, query: InboxQuery, now: Optional[dt.datetime] = None) -> List[JSON]:
    """Cards of the conversations in ``query.view`` that match, newest activity first
    (the queue and the stuck list oldest wait first; resolved by resolution time)."""
    if query.view not in VIEWS:
        raise ValueError(f"unknown view {query.view!r}")
    now = now or utcnow()
    started = _started(session)
    stmt = select(Conversation).where(_view_filter(query.view, agent_id))
    if query.text and query.text.strip():
        stmt = stmt.where(_search(query.text.strip()))
    if query.severity:
        stmt = stmt.where(Conversation.severity == Severity(query.severity))
    if query.status:
        stmt = stmt.where(Conversation.status == ConversationStatus(query.status))
    if query.label:
        stmt = stmt.where(exists().where(ConversationLabel.conversation_id == Conversation.id,
                                         ConversationLabel.label == query.label))
    if query.min_age_s is not None:
        stmt = stmt.where(started <= now - dt.timedelta(seconds=query.min_age_s))
    if query.max_age_s is not None:
        stmt = stmt.where(started >= now - dt.timedelta(seconds=query.max_age_s))
    limit = max(1, min(int(query.limit), MAX_ITEMS))
    rows = session.execute(stmt.order_by(*_order(query.view)).limit(limit)).scalars().all()
    return [card(session, conv, now) for conv in rows]


def view_counts(session: Session, agent_id: int) -> Dict[str, int]:
    """How many conversations each view holds (unfiltered), for the tabs."""
    return {view: int(session.execute(select(func.count()).select_from(Conversation)
                                      .where(_view_filter(view, agent_id))).scalar_one())
            for view in VIEWS}


def card(session: Session, conv: Conversation, now: Optional[dt.datetime] = None) -> JSON:
    """One conversation as the inbox shows it."""
    from store.conversations import last_message, latest_handoff

    now = now or utcnow()
    handoff = latest_handoff(session, conv.id)
    last = last_message(session, conv.id)
    assignee = session.get(Agent, conv.assignee_id) if conv.assignee_id else None
    waiting_s = (now - conv.waiting_since).total_seconds() if conv.waiting_since else None
    return {
        "conversation_id": conv.id,
        "session_id": conv.session_id,
        "status": conv.status.value,
        "severity": conv.severity.value,
        "customer": customer_brief(session, conv.customer_id),
        "assignee": ({"id": assignee.id, "display_name": assignee.display_name, "status": assignee.status.value}
                     if assignee else None),
        "reasons": list(handoff.reasons or []) if handoff else [],
        "source": handoff.source if handoff else None,
        "requested_at": _iso(handoff.requested_at if handoff else None),
        "last_message": ({"text": last.text, "sender": last.sender.value, "created_at": _iso(last.created_at)}
                         if last else None),
        "labels": labels_of(session, conv.id),
        "updated_at": _iso(conv.updated_at),
        "waiting_since": _iso(conv.waiting_since),
        "waiting_s": int(max(waiting_s, 0)) if waiting_s is not None else None,
        "returned_at": _iso(conv.returned_at),
        "resolved_at": _iso(conv.resolved_at),
    }


def labels_of(session: Session, conversation_id: int) -> List[str]:
    """The conversation's labels, alphabetically."""
    return list(session.execute(select(ConversationLabel.label).where(
        ConversationLabel.conversation_id == conversation_id).order_by(ConversationLabel.label)).scalars())


def known_labels(session: Session, limit: int = 50) -> List[str]:
    """Labels in use, most used first (the console's suggestions and filter)."""
    rows = session.execute(select(ConversationLabel.label, func.count().label("n"))
                           .group_by(ConversationLabel.label).order_by(func.count().desc(), ConversationLabel.label)
                           .limit(limit)).all()
    return [str(label) for label, _ in rows]


def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"
