"""The handoff policy applied to one customer turn (pure: no I/O).

Rules (``policy/handoff.yml``), all checked; the first that fires names the source:
an explicit request for a person, a high-stakes topic, a severe finding, the bot's own
request, a streak of elevated findings, repeated misunderstanding.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from handoff.policy import HandoffPolicy

SEVERITY_ORDER = {"none": 0, "elevated": 1, "severe": 2}
_WORDS = re.compile(r"[^a-z0-9# ]+")


@dataclass(frozen=True)
class PastTurn:
    """An earlier customer message, as the policy needs it."""

    text: str
    intent: Optional[str] = None
    confidence: Optional[float] = None
    severity: str = "none"


@dataclass(frozen=True)
class TurnFacts:
    """Everything known about the current customer message."""

    text: str
    finding: Mapping[str, Any] = field(default_factory=dict)
    intent: Optional[str] = None
    confidence: Optional[float] = None
    bot_requests: Sequence[Mapping[str, Any]] = ()
    history: Sequence[PastTurn] = ()  # earlier customer messages, oldest first


@dataclass(frozen=True)
class Decision:
    """Why a person should take over now."""

    source: str  # customer | high_stakes | detector | bot | fallback
    reasons: List[str]
    severity: str
    score: float


def max_severity(*values: str) -> str:
    """The worst of several severities."""
    return max(values, key=lambda v: SEVERITY_ORDER.get(v, 0))


def high_stakes_topics(policy: HandoffPolicy, text: str, finding: Mapping[str, Any]) -> List[str]:
    """High-stakes topics named by the detector or matched by the policy's patterns."""
    found = [t for t in (finding.get("topics") or []) if t in policy.high_stakes_topics]
    for topic, patterns in policy.high_stakes_patterns.items():
        if topic not in found and any(p.search(text) for p in patterns):
            found.append(topic)
    return found


def _normal(text: str) -> str:
    return " ".join(_WORDS.sub(" ", text.lower()).split())


def repeats(policy: HandoffPolicy, text: str, history: Sequence[PastTurn]) -> int:
    """How many earlier messages say nearly the same as ``text`` (short ones never count)."""
    now = _normal(text)
    if len(now) < 12:
        return 0
    return sum(1 for past in history
               if difflib.SequenceMatcher(None, now, _normal(past.text)).ratio() >= policy.repeat_similarity)


def _streak(items: Sequence[bool]) -> int:
    count = 0
    for item in reversed(items):
        if not item:
            break
        count += 1
    return count


def decide(policy: HandoffPolicy, facts: TurnFacts) -> Optional[Decision]:
    """The handoff this turn calls for, or None when the bot should carry on."""
    finding = facts.finding or {}
    score = float(finding.get("score") or 0.0)
    severity = str(finding.get("severity") or "none") if score >= policy.min_score else "none"
    fired: List[tuple] = []  # (source, reason, severity)

    asked_by_intent = (facts.intent in policy.request_human_intents
                       and (facts.confidence is None or facts.confidence >= policy.request_human_min_confidence))
    if asked_by_intent or any(p.search(facts.text) for p in policy.request_human_patterns):
        fired.append(("customer", "Asked to talk to a person", max_severity(severity, "elevated")))

    topics = high_stakes_topics(policy, facts.text, finding)
    if topics:
        fired.append(("high_stakes", "High-stakes matter: " + ", ".join(t.replace("_", " ") for t in topics),
                      "severe"))

    detector_reasons = [str(r) for r in finding.get("reasons") or []]
    if severity == "severe" and policy.handoff_on_severe:
        fired.append(("detector", "Severe frustration" + (": " + "; ".join(detector_reasons)
                                                          if detector_reasons else ""), "severe"))

    for req in facts.bot_requests:
        fired.append(("bot", "The assistant asked for a person: " + str(req.get("reason") or "needs a human"),
                      max_severity(severity, str(req.get("severity") or "elevated"))))

    severities = [p.severity for p in facts.history] + [severity]
    if severity != "severe" and _streak([SEVERITY_ORDER.get(s, 0) >= 1 for s in severities]) >= policy.elevated_streak:
        fired.append(("detector", f"Frustration across {policy.elevated_streak}+ messages in a row"
                      + (": " + "; ".join(detector_reasons) if detector_reasons else ""), "elevated"))

    intents = [p.intent for p in facts.history] + [facts.intent]
    if _streak([i in policy.fallback_intents for i in intents]) >= policy.fallback_streak:
        fired.append(("fallback", f"The assistant didn't understand {policy.fallback_streak}+ messages in a row",
                      max_severity(severity, "elevated")))
    confidences = [p.confidence for p in facts.history] + [facts.confidence]
    if _streak([c is not None and c < policy.low_confidence for c in confidences]) >= policy.low_confidence_streak:
        fired.append(("fallback", "The assistant was unsure of several messages in a row",
                      max_severity(severity, "elevated")))
    count = repeats(policy, facts.text, facts.history)
    if count >= policy.repeat_count:
        fired.append(("fallback", f"Said the same thing {count + 1} times", max_severity(severity, "elevated")))

    if not fired:
        return None
    reasons = []
    for _, reason, _ in fired:
        if reason not in reasons:
            reasons.append(reason)
    for r in detector_reasons:
        if r not in reasons and not any(r in x for x in reasons):
            reasons.append(r)
    return Decision(source=fired[0][0], reasons=reasons, severity=max_severity(*[f[2] for f in fired]),
                    score=score)


def to_record(decision: Decision) -> Dict[str, Any]:
    """JSON view of a decision (logged on the handoff record and shown to agents)."""
    return {"source": decision.source, "reasons": decision.reasons, "severity": decision.severity,
            "score": decision.score}
