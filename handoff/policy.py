"""The handoff policy designers edit (``policy/handoff.yml``), loaded into typed objects.

What counts as "not understood", "repeating themselves" and which topic a message is about
is the detector's to say (``policy/detector.yml``); this policy says which of those signals
bring in a person and when. ``HandoffPolicy.conversation`` is the detector's conversation
policy, so both read the same lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Pattern, Tuple

import yaml

from handoff.detect import policy as detect_policy
from handoff.detect.finding import TOPICS
from handoff.detect.policy import ConversationPolicy
from handoff.hours import BusinessHours, hours_from_dict


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
class WaitingPolicy:
    """Honest updates while queued, options again after a long wait, and idle auto-resolve."""

    update_every_s: float = 300.0  # an update with position and realistic wait this often while queued
    options_after_s: float = 600.0  # waiting this long brings back the e-mail / keep-chatting options
    options_at_position: int = 14  # ... and so does this place in line or further back
    options_at_wait_s: float = 1200.0  # ... or an estimated wait this long
    auto_resolve_after_s: float = 1800.0  # an assigned conversation with no customer activity this long


def _detector_conversation(path: Optional[Path] = None) -> ConversationPolicy:
    return detect_policy.load_detector_policy(path).conversation


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
    # Asks for one agent by name ("I want to speak to Dana again"); ``{name}`` stands for an agent's
    # display name (store.agents), matched as a whole word. Case-insensitive regular expressions.
    request_agent_patterns: Tuple[str, ...] = ()
    # Detector topics (finding["topics"]) that always go to a person; passed to Rasa as
    # metadata.detector.high_stakes.
    high_stakes_topics: Tuple[str, ...] = ("safety", "fraud", "account_takeover", "legal", "chargeback")
    fallback_streak: int = 2
    low_confidence_streak: int = 3
    repeat_count: int = 2
    # Fallbacks, complaints about understanding and repeats in one conversation, counted together.
    understanding_signals: int = 2
    understanding_intents: Tuple[str, ...] = ("nlu_fallback",)
    understanding_reason: str = "the assistant isn't understanding"
    queue: QueuePolicy = field(default_factory=QueuePolicy)
    expire_after_hours: float = 24.0
    waiting: WaitingPolicy = field(default_factory=WaitingPolicy)
    business_hours: Optional[BusinessHours] = None  # None: always open
    conversation: ConversationPolicy = field(default_factory=_detector_conversation)


def load_handoff_policy(path: Path, detector_path: Optional[Path] = None) -> HandoffPolicy:
    """Read ``handoff.yml`` (and the detector's lists from ``detector.yml`` beside it).

    A missing ``handoff.yml`` gives the defaults, a malformed one raises ValueError.
    """
    if detector_path is None:
        beside = path.parent / "detector.yml"
        detector_path = beside if beside.exists() else None
    conversation = _detector_conversation(detector_path)
    if not path.exists():
        return HandoffPolicy(conversation=conversation)
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return policy_from_dict(raw, conversation)


def policy_from_dict(raw: Mapping[str, Any], conversation: Optional[ConversationPolicy] = None) -> HandoffPolicy:
    """Build a policy from the YAML's mapping (unknown keys are ignored)."""
    conversation = conversation or _detector_conversation()
    base = HandoffPolicy(conversation=conversation)
    det = raw.get("detector") or {}
    stakes = raw.get("high_stakes") or {}
    mis = raw.get("misunderstanding") or {}
    q = raw.get("queue") or {}
    sess = raw.get("session") or {}
    wait = raw.get("waiting") or {}
    try:
        human_patterns = tuple(re.compile(p, re.IGNORECASE) for p in (raw.get("request_human_patterns") or []))
    except re.error as exc:
        raise ValueError(f"handoff.yml: bad request_human_patterns entry: {exc}") from exc
    agent_patterns = tuple(str(p) for p in (raw.get("request_agent_patterns") or []))
    for pattern in agent_patterns:
        if "{name}" not in pattern:
            raise ValueError(f"handoff.yml: request_agent_patterns entry {pattern!r} has no {{name}}")
        try:
            re.compile(pattern.replace("{name}", "dana"))
        except re.error as exc:
            raise ValueError(f"handoff.yml: bad request_agent_patterns entry: {exc}") from exc
    topics = tuple(str(t) for t in (stakes.get("topics") or base.high_stakes_topics))
    unknown = sorted(set(topics) - set(TOPICS))
    if unknown:
        raise ValueError(f"handoff.yml: high_stakes.topics {unknown} are not detector topics {list(TOPICS)}")
    qbase = QueuePolicy()
    wbase = WaitingPolicy()
    return HandoffPolicy(
        handoff_on_severe=bool(det.get("handoff_on_severe", base.handoff_on_severe)),
        elevated_streak=int(det.get("elevated_streak", base.elevated_streak)),
        min_score=float(det.get("min_score", base.min_score)),
        request_human_intents=tuple(raw.get("request_human_intents") or base.request_human_intents),
        request_human_min_confidence=float(raw.get("request_human_min_confidence",
                                                   base.request_human_min_confidence)),
        request_human_patterns=human_patterns,
        request_agent_patterns=agent_patterns,
        high_stakes_topics=topics,
        fallback_streak=int(mis.get("fallback_streak", base.fallback_streak)),
        low_confidence_streak=int(mis.get("low_confidence_streak", base.low_confidence_streak)),
        repeat_count=int(mis.get("repeat_count", base.repeat_count)),
        understanding_signals=int(mis.get("signals", base.understanding_signals)),
        understanding_intents=tuple(str(i) for i in (mis.get("signal_intents") or base.understanding_intents)),
        understanding_reason=str(mis.get("signal_reason") or base.understanding_reason),
        queue=QueuePolicy(
            weights={**qbase.weights, **(q.get("weights") or {})},
            severity_scores={**qbase.severity_scores, **(q.get("severity_scores") or {})},
            waiting_full_after_s=float(q.get("waiting_full_after_s", qbase.waiting_full_after_s)),
            value_full_at=float(q.get("value_full_at", qbase.value_full_at)),
            average_handle_s=float(q.get("average_handle_s", qbase.average_handle_s)),
        ),
        expire_after_hours=float(sess.get("expire_after_hours", base.expire_after_hours)),
        waiting=WaitingPolicy(
            update_every_s=float(wait.get("update_every_s", wbase.update_every_s)),
            options_after_s=float(wait.get("options_after_s", wbase.options_after_s)),
            options_at_position=int(wait.get("options_at_position", wbase.options_at_position)),
            options_at_wait_s=float(wait.get("options_at_wait_s", wbase.options_at_wait_s)),
            auto_resolve_after_s=float(wait.get("auto_resolve_after_s", wbase.auto_resolve_after_s)),
        ),
        business_hours=hours_from_dict(raw.get("business_hours")),
        conversation=conversation,
    )
