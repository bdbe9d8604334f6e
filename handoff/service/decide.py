"""The handoff policy applied to one customer turn (pure: no I/O).

Every rule of ``policy/handoff.yml`` is checked; the first that fires, in this order, names
the source: an explicit request for a person, a high-stakes topic, a severe finding, the
bot's own request, a streak of elevated findings, repeated misunderstanding (fallbacks,
complaints about the bot's understanding and repeats counted together over the conversation). The severity is
the worst of every rule that fired, and the reasons are all of theirs.

What counts as a high-stakes topic, a misunderstood message or a repeat is the detector's
(``handoff.detect``): decide reads the finding's ``topics`` and the detector's conversation
predicates, and only applies the thresholds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from common.severity import max_severity, severity_rank
from handoff.detect import conversation as conv
from handoff.policy import HandoffPolicy


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
    agent_names: Sequence[str] = ()  # display names of the team's agents (for "Dana again")


@dataclass(frozen=True)
class HandoffDecision:
    """Why a person should take over now."""

    source: str  # customer | high_stakes | detector | bot | fallback | rasa_down
    reasons: List[str]
    severity: str
    score: float
    agent_name: Optional[str] = None  # the agent the customer asked for by name


def asked_for_agent(policy: HandoffPolicy, text: str, names: Sequence[str]) -> Optional[str]:
    """The agent name ``text`` asks for ("I want to speak to Dana again"), or None.

    ``policy.request_agent_patterns`` with ``{name}`` standing for each display name, whole words.
    """
    for name in names:
        if not name or not name.strip():
            continue
        escaped = re.escape(name.strip())
        for template in policy.request_agent_patterns:
            if re.search(template.replace("{name}", escaped), text, re.IGNORECASE):
                return name.strip()
    return None


def high_stakes_topics(policy: HandoffPolicy, finding: Mapping[str, Any]) -> List[str]:
    """The detector's topics that the handoff policy calls high-stakes (in the finding's order)."""
    return [str(t) for t in (finding.get("topics") or []) if t in policy.high_stakes_topics]


def _with(reasons: List[str]) -> str:
    return ": " + "; ".join(reasons) if reasons else ""


def _misunderstanding(policy: HandoffPolicy, facts: TurnFacts, severity: str) -> List[Tuple[str, str, str]]:
    """Fallback intents, low confidence and repeats in a row (the detector's predicates)."""
    fired = []
    elevated = max_severity([severity, "elevated"])
    intents = [None if p.text.startswith("/") else p.intent for p in facts.history] + \
        [None if facts.text.startswith("/") else facts.intent]
    if conv.trailing([conv.is_fallback(i, policy.conversation) for i in intents]) >= policy.fallback_streak:
        fired.append(("fallback", f"The assistant didn't understand {policy.fallback_streak}+ messages in a row",
                      elevated))
    confidences = [p.confidence for p in facts.history] + [facts.confidence]
    if conv.trailing([conv.is_unsure(c, policy.conversation) for c in confidences]) >= policy.low_confidence_streak:
        fired.append(("fallback", "The assistant was unsure of several messages in a row", elevated))
    count = conv.repeat_count(facts.text, [p.text for p in facts.history], policy.conversation)
    if count >= policy.repeat_count:
        fired.append(("fallback", f"Said the same thing {count + 1} times", elevated))
    if understanding_signal(policy, facts.text, facts.intent, [p.text for p in facts.history]) \
            and understanding_signals(policy, facts) >= policy.understanding_signals:
        fired.append(("fallback", policy.understanding_reason, elevated))
    return fired


def understanding_signal(policy: HandoffPolicy, text: str, intent: Optional[str], earlier: Sequence[str]) -> bool:
    """One message says the assistant isn't understanding: a fallback intent of the policy's
    ``signal_intents``, a complaint about understanding, or a repeat of an earlier message
    (button payloads such as ``/affirm`` never repeat)."""
    if text.startswith("/"):  # a button click ("Something else") is an answer, not a misunderstanding
        return False
    if intent is not None and intent in policy.understanding_intents:
        return True
    if conv.complains_not_understood(text, policy.conversation):
        return True
    return conv.repeat_count(text, earlier, policy.conversation) > 0


def understanding_signals(policy: HandoffPolicy, facts: TurnFacts, current: bool = True) -> int:
    """Signals of misunderstanding in the conversation's recent history, and (``current``) this message.

    The service tells the bot the earlier ones (``current=False``), so the bot, adding its own
    miss, counts exactly as this policy does.
    """
    turns = [(p.text, p.intent) for p in facts.history] + ([(facts.text, facts.intent)] if current else [])
    count = 0
    earlier: List[str] = []
    for text, intent in turns:
        count += understanding_signal(policy, text, intent, earlier)
        earlier.append(text)
    return count


def decide(policy: HandoffPolicy, facts: TurnFacts) -> Optional[HandoffDecision]:
    """The handoff this turn calls for, or None when the bot should carry on."""
    finding = facts.finding or {}
    score = float(finding.get("score") or 0.0)
    severity = str(finding.get("severity") or "none") if score >= policy.min_score else "none"
    detector_reasons = [str(r) for r in finding.get("reasons") or []]
    fired: List[Tuple[str, str, str]] = []  # (source, reason, severity)

    asked_by_intent = (facts.intent in policy.request_human_intents
                       and (facts.confidence is None or facts.confidence >= policy.request_human_min_confidence))
    named = asked_for_agent(policy, facts.text, facts.agent_names)
    if named:
        fired.append(("customer", f"Asked for {named} by name", max_severity([severity, "elevated"])))
    elif asked_by_intent or any(p.search(facts.text) for p in policy.request_human_patterns):
        fired.append(("customer", "Asked to talk to a person", max_severity([severity, "elevated"])))

    topics = high_stakes_topics(policy, finding)
    if topics:
        fired.append(("high_stakes", "High-stakes matter: " + ", ".join(t.replace("_", " ") for t in topics),
                      "severe"))

    if severity == "severe" and policy.handoff_on_severe:
        fired.append(("detector", "Severe frustration" + _with(detector_reasons), "severe"))

    for req in facts.bot_requests:
        fired.append(("bot", "The assistant asked for a person: " + str(req.get("reason") or "needs a human"),
                      max_severity([severity, str(req.get("severity") or "elevated")])))

    severities = [p.severity for p in facts.history] + [severity]
    if severity != "severe" and conv.trailing([severity_rank(s) >= 1 for s in severities]) >= policy.elevated_streak:
        fired.append(("detector", f"Frustration across {policy.elevated_streak}+ messages in a row"
                      + _with(detector_reasons), "elevated"))

    fired += _misunderstanding(policy, facts, severity)
    if not fired:
        return None
    reasons: List[str] = []
    for _, reason, _ in fired:
        if reason not in reasons:
            reasons.append(reason)
    for r in detector_reasons:
        if r not in reasons and not any(r in x for x in reasons):
            reasons.append(r)
    return HandoffDecision(source=fired[0][0], reasons=reasons, severity=max_severity(f[2] for f in fired),
                           score=score, agent_name=named)

