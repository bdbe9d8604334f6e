"""Turns weighted evidence into a score, a severity and reasons (pure)."""

from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence

from handoff.detect.finding import Evidence, Finding
from handoff.detect.policy import Policy

TOPIC_PREFIX = "topic:"
LEARNED_PREFIX = "learned:"  # the learned model's heads (handoff/detect/learned.py)


def weight_of(policy: Policy, signal: str) -> float:
    """The policy weight of a signal name."""
    if signal in policy.cues:
        return policy.cues[signal].weight
    if signal.startswith(LEARNED_PREFIX) and policy.learned is not None:
        name = signal[len(LEARNED_PREFIX):]
        return next((h.weight for h in policy.learned.heads if h.head == name), 0.0)
    conv = policy.conversation
    return {
        "sentiment": policy.sentiment.weight,
        "intensity": policy.intensity.weight,
        "fallback": conv.fallback_weight,
        "repetition": conv.repeat_weight,
        "same_issue": conv.issue_weight,
        "trend": conv.trend_weight,
        "waiting": conv.waiting_weight,
    }.get(signal, 0.0)


def severity_of(policy: Policy, score: float, topics: Sequence[str]) -> str:
    """none / elevated / severe from the score; any high-stakes topic is severe."""
    if topics or score >= policy.thresholds.severe:
        return "severe"
    if score >= policy.thresholds.elevated:
        return "elevated"
    return "none"


def combine(policy: Policy, evidence: Sequence[Evidence], *, customer_value: float = 0.0,
            value_reason: Optional[str] = None) -> Finding:
    """Score = 1 - exp(-raw); raw = sum of weight x strength, amplified by intensity.

    Args:
        evidence: message- and conversation-level evidence.
        customer_value: lifetime value; above the policy threshold boosts a frustrated score.
        value_reason: reason shown when the value boost applies.
    """
    signals: Dict[str, float] = {}
    topics: List[str] = []
    intensity = 0.0
    for ev in evidence:
        if ev.signal.startswith(TOPIC_PREFIX):
            topics.append(ev.signal[len(TOPIC_PREFIX):])
            signals[ev.signal] = 1.0
            continue
        if ev.signal == "intensity":
            intensity = ev.strength
        signals[ev.signal] = signals.get(ev.signal, 0.0) + weight_of(policy, ev.signal) * ev.strength
    base = sum(v for k, v in signals.items() if not k.startswith(TOPIC_PREFIX) and k != "intensity")
    raw = base * (1.0 + policy.intensity.amplify * intensity) + signals.get("intensity", 0.0)
    score = 1.0 - math.exp(-raw)
    boosted = False
    conv = policy.conversation
    if customer_value >= conv.value_threshold and score >= policy.thresholds.elevated:
        raw *= 1.0 + conv.value_boost
        score = 1.0 - math.exp(-raw)
        signals["value"] = conv.value_boost
        boosted = True
    if topics:
        score = max(score, policy.thresholds.topic_floor)
    score = min(1.0, max(0.0, score))

    ranked = sorted(
        (ev for ev in evidence if not ev.signal.startswith(TOPIC_PREFIX)),
        key=lambda ev: -signals.get(ev.signal, 0.0) * (ev.strength if ev.signal == "intensity" else 1),
    )
    reasons = [ev.reason for ev in evidence if ev.signal.startswith(TOPIC_PREFIX)]
    for ev in ranked:
        if ev.signal == "sentiment" and ev.strength < policy.sentiment.min_reason:
            continue
        if ev.reason and ev.reason not in reasons:
            reasons.append(ev.reason)
    if boosted and value_reason:
        reasons.append(value_reason)
    return Finding(score=score, severity=severity_of(policy, score, topics), reasons=reasons,
                   signals=signals, topics=topics)
