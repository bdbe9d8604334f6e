"""Proactive offers of help: one row per signal offered (or dismissed) in a conversation.

Invariants:
- ``(conversation_id, signal)`` is unique: a signal is offered at most once per conversation,
  whichever node hears it, before or after a restart.
- ``outcome`` is NULL until the customer answers the offer: ``dismissed`` ("No thanks", also
  recorded without an offer so that none follows) or ``accepted`` (a helping button).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, UniqueConstraint

from store.models.base import Base, utcnow

__all__ = ["ProactiveOffer"]


class ProactiveOffer(Base):
    __tablename__ = "proactive_offers"
    __table_args__ = (UniqueConstraint("conversation_id", "signal", name="uq_proactive_offers_conversation_signal"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    signal = Column(String(32), nullable=False)  # login_failed | payment_error | rage_click | help_dwell
    count = Column(Integer, nullable=False, default=0)  # the count the page reported
    context = Column(JSON, nullable=True)  # what the page said about where (never what the customer typed)
    seq = Column(Integer, nullable=True)  # the offer's message; NULL when dismissed before any offer
    created_at = Column(DateTime, nullable=False, default=utcnow)
    outcome = Column(String(16), nullable=True)  # dismissed | accepted
    outcome_at = Column(DateTime, nullable=True)
