"""The handoff policy designers edit (``policy/handoff.yml``), loaded into typed objects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Pattern, Tuple

import yaml


@dataclass(frozen=True)
class QueuePolicy:
    """How queue priority is computed (see ``handoff.service.routing``)."""

    weights: Mapping[str, float] = field(default_factory=lambda: {"severity": 0.5, "waiting": 0.3, "value": 0.2})
    severity_scores: Mapping[str, float] = field(
        default_factory=lambda: {"none": 0.2, "elevated": 0.6, "severe": 1.0})
    waiting_full_after_s: float = 600.0
    value_full_at: float = 10000.0
    average_handle_s: float = 180.0


@dataclass(frozen=True)
class HandoffPolicy:
    """Thresholds and lists deciding when a person takes over."""

    handoff_on_severe: bool = True
    elevated_streak: int = 2
    min_score: float = 0.0
    request_human_intents: Tuple[str, ...] = ("request_human",)
    request_human_min_confidence: float = 0.5
    # Explicit asks for a person the NLU may file under another intent ("wrong colour, and I want a person").
    request_human_patterns: Tuple[Pattern[str], ...] = ()
    high_stakes_topics: Tuple[str, ...] = ("safety", "fraud", "account_takeover", "legal", "chargeback")
    high_stakes_patterns: Mapping[str, Tuple[Pattern[str], ...]] = field(default_factory=dict)
    fallback_intents: Tuple[str, ...] = ("nlu_fallback",)
    fallback_streak: int = 2
    low_confidence: float = 0.45
    low_confidence_streak: int = 3
    repeat_similarity: float = 0.85
    repeat_count: int = 2
    queue: QueuePolicy = field(default_factory=QueuePolicy)
    expire_after_hours: float = 24.0


def load_policy(path: Path) -> HandoffPolicy:
    """Read ``handoff.yml``; a missing file gives the defaults, a malformed one raises ValueError."""
    if not path.exists():
        return HandoffPolicy()
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return policy_from_dict(raw)


def policy_from_dict(raw: Mapping[str, Any]) -> HandoffPolicy:
    """Build a policy from the YAML's mapping (unknown keys are ignored)."""
    base = HandoffPolicy()
    det = raw.get("detector") or {}
    stakes = raw.get("high_stakes") or {}
    mis = raw.get("misunderstanding") or {}
    q = raw.get("queue") or {}
    sess = raw.get("session") or {}
    try:
        patterns: Dict[str, Tuple[Pattern[str], ...]] = {
            str(topic): tuple(re.compile(p, re.IGNORECASE) for p in (pats or []))
            for topic, pats in (stakes.get("patterns") or {}).items()
        }
    except re.error as exc:
        raise ValueError(f"handoff.yml: bad high_stakes pattern: {exc}") from exc
    try:
        human_patterns = tuple(re.compile(p, re.IGNORECASE) for p in (raw.get("request_human_patterns") or []))
    except re.error as exc:
        raise ValueError(f"handoff.yml: bad request_human_patterns entry: {exc}") from exc
    qbase = QueuePolicy()
    return HandoffPolicy(
        handoff_on_severe=bool(det.get("handoff_on_severe", base.handoff_on_severe)),
        elevated_streak=int(det.get("elevated_streak", base.elevated_streak)),
        min_score=float(det.get("min_score", base.min_score)),
        request_human_intents=tuple(raw.get("request_human_intents") or base.request_human_intents),
        request_human_min_confidence=float(raw.get("request_human_min_confidence",
                                                   base.request_human_min_confidence)),
        request_human_patterns=human_patterns,
        high_stakes_topics=tuple(stakes.get("topics") or base.high_stakes_topics),
        high_stakes_patterns=patterns,
        fallback_intents=tuple(mis.get("fallback_intents") or base.fallback_intents),
        fallback_streak=int(mis.get("fallback_streak", base.fallback_streak)),
        low_confidence=float(mis.get("low_confidence", base.low_confidence)),
        low_confidence_streak=int(mis.get("low_confidence_streak", base.low_confidence_streak)),
        repeat_similarity=float(mis.get("repeat_similarity", base.repeat_similarity)),
        repeat_count=int(mis.get("repeat_count", base.repeat_count)),
        queue=QueuePolicy(
            weights={**qbase.weights, **(q.get("weights") or {})},
            severity_scores={**qbase.severity_scores, **(q.get("severity_scores") or {})},
            waiting_full_after_s=float(q.get("waiting_full_after_s", qbase.waiting_full_after_s)),
            value_full_at=float(q.get("value_full_at", qbase.value_full_at)),
            average_handle_s=float(q.get("average_handle_s", qbase.average_handle_s)),
        ),
        expire_after_hours=float(sess.get("expire_after_hours", base.expire_after_hours)),
    )


def load_phrase_bank(path: Path) -> Dict[str, Any]:
    """The designers' phrase bank (``agent_replies``, ``intents``...); empty when absent."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    return raw if isinstance(raw, dict) else {}
