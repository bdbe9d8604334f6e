"""Plain, read-only records of stored conversations: what the metric functions work on.

The metrics never see SQLAlchemy objects, so they are pure functions over these records
(and unit-testable without a database).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import List, Optional

from store.demo_history import is_demo_session

SEVERITY_RANK = {"none": 0, "elevated": 1, "severe": 2}


@dataclass(frozen=True)
class Msg:
    """One transcript line. ``intent``/``severity``/``score`` are set on customer messages."""

    seq: int
    sender: str  # customer | bot | agent | system
    text: str
    at: dt.datetime
    private: bool = False
    intent: Optional[str] = None
    confidence: Optional[float] = None
    severity: str = "none"
    score: float = 0.0


@dataclass(frozen=True)
class HandoffRec:
    source: str
    reasons: List[str]
    requested_at: dt.datetime
    accepted_at: Optional[dt.datetime]
    ended_at: Optional[dt.datetime]
    outcome: Optional[str]


@dataclass(frozen=True)
class Grant:
    """A 'Make it Right' resolution (refund, replacement, credit, return)."""

    id: int
    kind: str
    amount: float
    granted_by: str  # bot | agent
    status: str
    at: dt.datetime
    conversation_id: Optional[int]


@dataclass
class Conv:
    id: int
    session_id: str
    customer_id: Optional[int]
    status: str  # bot | queued | assigned | resolved
    created_at: dt.datetime
    resolved_at: Optional[dt.datetime] = None
    first_agent_reply_at: Optional[dt.datetime] = None
    csat: Optional[int] = None
    disposition: Optional[str] = None
    messages: List[Msg] = field(default_factory=list)
    handoffs: List[HandoffRec] = field(default_factory=list)

    @property
    def handed_off(self) -> bool:
        return bool(self.handoffs)

    @property
    def demo(self) -> bool:
        """Generated demo history (``store/demo_history.py``), not a real customer."""
        return is_demo_session(self.session_id)

    @property
    def first_handoff_at(self) -> Optional[dt.datetime]:
        return min((h.requested_at for h in self.handoffs), default=None)

    def customer_lines(self) -> List[Msg]:
        return [m for m in self.messages if m.sender == "customer"]

    def before_handoff(self) -> List[Msg]:
        """The transcript up to the first handoff (all of it when there was none)."""
        cut = self.first_handoff_at
        return [m for m in self.messages if cut is None or m.at <= cut]
