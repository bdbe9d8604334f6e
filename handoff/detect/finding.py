"""The detector's result types: what a message or turn was rated, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

SEVERITIES = ("none", "elevated", "severe")
TOPICS = ("safety", "fraud", "account_takeover", "legal", "chargeback", "large_amount", "vulnerable")


@dataclass(frozen=True)
class Evidence:
    """One signal's contribution before weighting.

    Attributes:
        signal: policy name of the signal ("anger", "topic:legal", "fallback", ...).
        strength: 0..1, how strongly the signal fired.
        reason: short human phrase pointing at the evidence, shown to agents.
    """

    signal: str
    strength: float
    reason: str


@dataclass(frozen=True)
class Finding:
    """How frustrated or high-stakes a message (or turn) looks, with reasons.

    Attributes:
        score: 0..1; ranks messages (higher is more urgent for a human).
        severity: "none", "elevated" or "severe".
        reasons: short phrases pointing at the evidence, strongest first.
        signals: signal name -> weighted contribution (for debugging and evaluation).
        topics: high-stakes topics found (always severe).
    """

    score: float
    severity: str
    reasons: List[str] = field(default_factory=list)
    signals: Dict[str, float] = field(default_factory=dict)
    topics: List[str] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form (the shape passed to Rasa in ``metadata.detector``)."""
        return {
            "score": round(self.score, 4),
            "severity": self.severity,
            "reasons": list(self.reasons),
            "signals": {name: round(value, 4) for name, value in self.signals.items()},
            "topics": list(self.topics),
        }


@dataclass(frozen=True)
class Turn:
    """An earlier customer turn, oldest first, as the conversation-level API sees it.

    Attributes:
        text: what the customer wrote.
        intent: the bot's intent for it ("nlu_fallback" counts as misunderstood).
        confidence: the intent's confidence; below the policy minimum counts as misunderstood.
        finding: the detector's finding for it; re-scored when missing (slower).
    """

    text: str
    intent: Optional[str] = None
    confidence: Optional[float] = None
    finding: Optional[Finding] = None
