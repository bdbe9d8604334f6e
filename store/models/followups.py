"""Check-ins after a grant or a handoff (``store.followups``; migration ``0009_followups``).

Invariants:
- A row moves ``scheduled -> sent`` exactly once (one conditional UPDATE claims it, so two
  nodes never both enqueue its mail), then ``sent -> opened`` when its link reopens the
  conversation; ``cancelled`` rows are never sent.
- At most one ``scheduled`` row per conversation (a later grant updates it).
"""

from __future__ import annotations

import enum

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from store.models.base import Base, enum_column, utcnow

__all__ = ["FollowupState", "Followup"]


class FollowupState(str, enum.Enum):
    SCHEDULED = "scheduled"
    SENT = "sent"  # its mail is in the outbox (which delivers it once)
    OPENED = "opened"  # the customer came back through its link
    CANCELLED = "cancelled"


class Followup(Base):
    """One check-in e-mail for a conversation: what about, to whom, when."""

    __tablename__ = "followups"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="SET NULL"), nullable=True)
    email = Column(String(254), nullable=False)
    kind = Column(String(32), nullable=False)  # replacement | refund | credit | handoff
    order_number = Column(String(32), nullable=True)
    state = Column(enum_column(FollowupState), nullable=False, default=FollowupState.SCHEDULED, index=True)
    due_at = Column(DateTime, nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime, nullable=True)
    opened_at = Column(DateTime, nullable=True)
    outbox_id = Column(Integer, nullable=True)
