"""Security records: the mail outbox, e-mailed confirmations, verification failures and
the orders a conversation proved it may talk about.

Invariants:
- An ``outbox`` row is claimed (``pending -> sending``) by one deliverer at a time and ends
  ``sent`` exactly once (or back to ``pending`` with ``attempts`` + 1 after a failure).
- A ``confirmations`` row stores only the hash of its token and is used at most once.
- ``(conversation_id, order_id)`` is unique in ``verified_orders``.
"""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint

from store.models.base import Base, enum_column, utcnow

__all__ = ["OutboxStatus", "OutboxMessage", "Confirmation", "VerificationFailure", "VerifiedOrder"]


class OutboxStatus(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"


class OutboxMessage(Base):
    """An e-mail waiting for (or done with) delivery."""

    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True)
    to_address = Column(String(254), nullable=False)
    subject = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    status = Column(enum_column(OutboxStatus), nullable=False, default=OutboxStatus.PENDING, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(500), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_at = Column(DateTime, nullable=True)
    sent_at = Column(DateTime, nullable=True)


class Confirmation(Base):
    """A change a visitor asked for in the chat, carried out when the e-mailed link is opened."""

    __tablename__ = "confirmations"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    kind = Column(String(32), nullable=False)  # cancel_order | change_address
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    order_number = Column(String(32), nullable=False)
    details = Column(JSON, nullable=False, default=dict)
    conversation_id = Column(Integer, ForeignKey("conversations.id"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime, nullable=True)


class VerificationFailure(Base):
    """One failed order-number + e-mail match, kept per order number and per client address."""

    __tablename__ = "verification_failures"
    __table_args__ = (Index("ix_verification_failures_order_at", "order_number", "at"),
                      Index("ix_verification_failures_address_at", "client_address", "at"))

    id = Column(Integer, primary_key=True)
    order_number = Column(String(32), nullable=True)
    client_address = Column(String(64), nullable=True)
    at = Column(DateTime, nullable=False, default=utcnow)


class VerifiedOrder(Base):
    """An order the visitor of a conversation proved is theirs (order number + e-mail)."""

    __tablename__ = "verified_orders"
    __table_args__ = (UniqueConstraint("conversation_id", "order_id"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(Integer, ForeignKey("conversations.id"), nullable=False)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False)
    at = Column(DateTime, nullable=False, default=utcnow)
