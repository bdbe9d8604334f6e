"""Check-ins: scheduled after a grant or a handoff, claimed once for sending, opened from the mail.

:func:`schedule` is the one home of the rule: a check-in goes only to a customer whose e-mail
we know; a conversation has at most one scheduled check-in (a later grant or resolution moves
it: :func:`plan`); it is due ``policy.delay(kind)`` after the event. Grants schedule theirs in
the grant's own transaction (``store.resolutions.record``), a resolved handoff in the
resolution's (``handoff.service.handoffs``). Sending claims the row with one conditional
UPDATE (``scheduled -> sent``, rowcount 1 = ours), in the same transaction that puts its
mail in the outbox, so two nodes never both send it and a crash sends nothing twice.
``Session`` first, flush only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.budgets import lock_row
from store.followup_policy import KINDS, FollowupPolicy, default_followup_policy
from store.models.base import utcnow
from store.models.commerce import Customer
from store.models.followups import Followup, FollowupState
from store.models.support import Conversation, ConversationStatus

HANDOFF = "handoff"


def plan(existing: Optional[Tuple[str, dt.datetime]], kind: str, due: dt.datetime) -> Tuple[str, dt.datetime]:
    """The (kind, due) of a conversation's one check-in when ``kind`` is asked for at ``due``.

    A grant is more specific than "after your chat with us", so a handoff never replaces a
    grant's check-in; otherwise the newest kind wins. It is never moved earlier.
    """
    if existing is None:
        return kind, due
    old_kind, old_due = existing
    new_kind = old_kind if kind == HANDOFF and old_kind != HANDOFF else kind
    return new_kind, max(old_due, due)


def _email(session: Session, conv: Conversation, customer_id: Optional[int]) -> Tuple[Optional[int], Optional[str]]:
    """Whose check-in and where it goes: the customer's e-mail on file, else the follow-up address given."""
    cid = customer_id if customer_id is not None else conv.customer_id
    customer = session.get(Customer, cid) if cid is not None else None
    if customer is not None and customer.email:
        return int(customer.id), str(customer.email)
    return cid, (str(conv.follow_up_email) if conv.follow_up_email else None)


def schedule(session: Session, conversation_id: int, kind: str, *, customer_id: Optional[int] = None,
             order_number: Optional[str] = None, policy: Optional[FollowupPolicy] = None,
             now: Optional[dt.datetime] = None) -> Optional[int]:
    """Schedule (or move) the conversation's check-in; its id, or None when we know no e-mail."""
    if kind not in KINDS:
        raise ValueError(f"not a check-in kind: {kind!r}")
    lock_row(session, Conversation, conversation_id)  # two nodes scheduling at once: one row, not two
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        return None
    who, email = _email(session, conv, customer_id)
    if not email:
        return None
    policy = policy or default_followup_policy()
    due = (now or utcnow()) + dt.timedelta(seconds=policy.delay(kind))
    row = session.execute(select(Followup).where(Followup.conversation_id == conversation_id,
                                                 Followup.state == FollowupState.SCHEDULED)
                          .order_by(Followup.id.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        row = Followup(conversation_id=conversation_id, customer_id=who, email=email, kind=kind,
                       order_number=order_number, state=FollowupState.SCHEDULED, due_at=due, created_at=utcnow())
        session.add(row)
    else:
        new_kind, row.due_at = plan((row.kind, row.due_at), kind, due)
        if new_kind == kind and order_number:
            row.order_number = order_number
        row.kind, row.email = new_kind, email
    session.flush()
    return int(row.id)


def due_ids(session: Session, now: Optional[dt.datetime] = None, limit: int = 50) -> List[int]:
    """Scheduled check-ins that are due, oldest first; not while a person has the conversation."""
    stmt = (select(Followup.id).join(Conversation, Conversation.id == Followup.conversation_id)
            .where(Followup.state == FollowupState.SCHEDULED, Followup.due_at <= (now or utcnow()),
                   Conversation.status.in_((ConversationStatus.BOT, ConversationStatus.RESOLVED)))
            .order_by(Followup.due_at, Followup.id).limit(limit))
    return list(session.execute(stmt).scalars())


def claim(session: Session, followup_id: int, now: Optional[dt.datetime] = None) -> Optional[Dict[str, Any]]:
    """Take a due check-in for sending (``scheduled -> sent``); None when another node was first."""
    now = now or utcnow()
    taken = session.execute(
        update(Followup)
        .where(Followup.id == followup_id, Followup.state == FollowupState.SCHEDULED, Followup.due_at <= now)
        .values(state=FollowupState.SENT, sent_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        return None
    row = session.get(Followup, followup_id)
    assert row is not None
    session.refresh(row)
    customer = session.get(Customer, row.customer_id) if row.customer_id is not None else None
    return {"id": int(row.id), "conversation_id": int(row.conversation_id), "email": row.email, "kind": row.kind,
            "order_number": row.order_number, "customer_name": customer.name if customer else None}


def set_outbox(session: Session, followup_id: int, outbox_id: int) -> None:
    """Remember which outbox row carries the check-in."""
    session.execute(update(Followup).where(Followup.id == followup_id).values(outbox_id=outbox_id)
                    .execution_options(synchronize_session=False))


def get(session: Session, followup_id: int) -> Optional[Followup]:
    return session.get(Followup, followup_id)


def mark_opened(session: Session, followup_id: int, now: Optional[dt.datetime] = None) -> bool:
    """The customer came back through the check-in's link; True only the first time."""
    opened = session.execute(
        update(Followup).where(Followup.id == followup_id, Followup.state == FollowupState.SENT)
        .values(state=FollowupState.OPENED, opened_at=now or utcnow())
        .execution_options(synchronize_session=False))
    return opened.rowcount == 1


def opened_for(session: Session, conversation_id: int) -> Optional[Dict[str, Any]]:
    """The check-in the customer came back through, newest first (``metadata.followup`` for the bot)."""
    row = session.execute(select(Followup).where(Followup.conversation_id == conversation_id,
                                                 Followup.state == FollowupState.OPENED)
                          .order_by(Followup.opened_at.desc(), Followup.id.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        return None
    return {"kind": row.kind, "order_number": row.order_number}


def for_conversation(session: Session, conversation_id: int) -> List[Dict[str, Any]]:
    """Every check-in of a conversation, oldest first (tests and the console)."""
    rows = session.execute(select(Followup).where(Followup.conversation_id == conversation_id)
                           .order_by(Followup.id)).scalars()
    return [{"id": r.id, "kind": r.kind, "state": r.state.value, "email": r.email, "due_at": r.due_at,
             "order_number": r.order_number, "outbox_id": r.outbox_id} for r in rows]
