"""Team-managed canned replies: a shortcut (``/late``) the agent's composer expands.

Every agent may add, edit and delete them (``store.canned``); the defaults come from
``policy/canned_replies.yml`` (migration ``0007_canned``). ``shortcut`` is unique, lower case,
without the slash.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text

from store.models.base import Base, utcnow

__all__ = ["CannedReply"]


class CannedReply(Base):
    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True)
    shortcut = Column(String(32), nullable=False, unique=True)
    title = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    updated_by = Column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
