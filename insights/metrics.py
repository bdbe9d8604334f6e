"""Support metrics over conversation records: pure functions with documented definitions.

Definitions (the README repeats them):
- a conversation counts when the customer wrote at least once;
- *contained*: no handoff was ever requested; *handed off*: at least one was;
- time to first agent reply: first handoff request -> ``first_agent_reply_at``;
- resolution time: conversation start -> ``resolved_at``;
- *reopened within 7 days*: the customer wrote again within 7 days of the resolution;
  only resolutions at least 7 days old count, so the window is complete;
- grants: resolutions granted or in progress (not those waiting for approval).
Open conversations (bot, queued, assigned) count in the rates but have no resolution time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from typing import Any, Dict, Iterable, List, Optional, Sequence

from insights.records import Conv, Grant

REOPEN_WINDOW = dt.timedelta(days=7)
#: Intents that say nothing about the topic; the first other intent is the conversation's.
SMALL_TALK = frozenset({"greet", "goodbye", "affirm", "deny", "thank", "thanks", "bot_challenge", "inform",
                        "provide_order_number", "provide_email", "nlu_fallback", "out_of_scope", "chitchat"})

JSON = Dict[str, Any]


def engaged(convs: Iterable[Conv]) -> List[Conv]:
    """Conversations where the customer wrote at least once."""
    return [c for c in convs if c.customer_lines()]


def rate(part: int, whole: int) -> Optional[float]:
    """``part / whole`` rounded to 4 places; None for an empty whole."""
    return round(part / whole, 4) if whole else None


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The ``q``-th percentile (0..100) with linear interpolation, as numpy's default; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    value = ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
    return round(value, 1)


def summary(values: Sequence[float]) -> JSON:
    return {"p50": percentile(values, 50), "p90": percentile(values, 90), "count": len(values)}


def containment(convs: Sequence[Conv]) -> JSON:
    handed = sum(1 for c in convs if c.handed_off)
    return {"conversations": len(convs), "contained_rate": rate(len(convs) - handed, len(convs)),
            "handoff_rate": rate(handed, len(convs)), "handed_off": handed}


def handoff_reasons(convs: Sequence[Conv]) -> Dict[str, int]:
    """Handoff requests by source (detector, customer, bot, fallback, high_stakes, rasa_down), most first."""
    counts = Counter(h.source for c in convs for h in c.handoffs)
    return dict(counts.most_common())


def reason_phrases(convs: Sequence[Conv], top: int = 10) -> Dict[str, int]:
    """The detector's and the policy's reason phrases on handoffs, most frequent first."""
    counts = Counter(r for c in convs for h in c.handoffs for r in h.reasons)
    return dict(counts.most_common(top))


def topic_intent(conv: Conv) -> Optional[str]:
    """The first customer intent that names a topic (small talk skipped)."""
    for m in conv.customer_lines():
        if m.intent and m.intent not in SMALL_TALK:
            return m.intent
    return None


def escalation_by_intent(convs: Sequence[Conv]) -> Dict[str, JSON]:
    """Per topic intent: conversations, how many were handed off, and the rate; highest rate first."""
    total: Dict[str, int] = defaultdict(int)
    escalated: Dict[str, int] = defaultdict(int)
    for c in convs:
        intent = topic_intent(c) or "unknown"
        total[intent] += 1
        escalated[intent] += c.handed_off
    rows: Dict[str, JSON] = {i: {"conversations": n, "escalated": escalated[i], "rate": rate(escalated[i], n)} for i, n in total.items()}
    return dict(sorted(rows.items(), key=lambda kv: (-float(kv[1]["rate"] or 0), -int(kv[1]["conversations"]), kv[0])))


def first_agent_reply_seconds(convs: Sequence[Conv]) -> List[float]:
    out = []
    for c in convs:
        start = c.first_handoff_at
        if start is not None and c.first_agent_reply_at is not None and c.first_agent_reply_at >= start:
            out.append((c.first_agent_reply_at - start).total_seconds())
    return out


def resolution_seconds(convs: Sequence[Conv]) -> List[float]:
    return [(c.resolved_at - c.created_at).total_seconds() for c in convs
            if c.resolved_at is not None and c.resolved_at >= c.created_at]


def _mean(values: Sequence[int]) -> Optional[float]:
    return round(sum(values) / len(values), 2) if values else None


def csat(convs: Sequence[Conv]) -> JSON:
    """CSAT (1-5) mean and count, overall and by path: bot only vs with a person."""
    rated = [(c, c.csat) for c in convs if c.csat is not None]
    paths = {"bot_only": [score for c, score in rated if not c.handed_off],
             "with_person": [score for c, score in rated if c.handed_off]}
    out: JSON = {"mean": _mean([score for _, score in rated]), "count": len(rated)}
    for path, scores in paths.items():
        out[path] = {"mean": _mean(scores), "count": len(scores)}
    out["distribution"] = {str(n): sum(1 for _, score in rated if score == n) for n in range(1, 6)}
    return out


def reopened(convs: Sequence[Conv], now: dt.datetime) -> JSON:
    """Resolved conversations the customer wrote to again within 7 days (complete windows only)."""
    eligible = [(c, c.resolved_at) for c in convs if c.resolved_at is not None and c.resolved_at <= now - REOPEN_WINDOW]
    again = [c for c, done in eligible
             if any(m.sender == "customer" and done < m.at <= done + REOPEN_WINDOW for m in c.messages)]
    return {"rate": rate(len(again), len(eligible)), "reopened": len(again), "resolved": len(eligible),
            "conversation_ids": [c.id for c in again][:20]}


def _bucket() -> JSON:
    return {"count": 0, "amount": 0.0}


def grants(items: Sequence[Grant]) -> JSON:
    """Grants: count and amount overall, by who granted (bot, agent) and by kind."""
    out: JSON = {"count": len(items), "amount": round(sum(g.amount for g in items), 2),
                 "by_actor": {"bot": _bucket(), "agent": _bucket()}, "by_kind": {}}
    for g in items:
        for bucket in (out["by_actor"].setdefault(g.granted_by, _bucket()),
                       out["by_kind"].setdefault(g.kind, _bucket())):
            bucket["count"] += 1
            bucket["amount"] = round(bucket["amount"] + g.amount, 2)
    return out


def daily(convs: Sequence[Conv], since: dt.datetime, now: dt.datetime) -> List[JSON]:
    """Per day: conversations, handed off, and CSAT mean (for the charts)."""
    days: Dict[dt.date, List[Conv]] = defaultdict(list)
    for c in convs:
        days[c.created_at.date()].append(c)
    out, day = [], since.date()
    while day <= now.date():
        todays = days.get(day, [])
        scores = [c.csat for c in todays if c.csat is not None]
        out.append({"date": day.isoformat(), "conversations": len(todays),
                    "handed_off": sum(1 for c in todays if c.handed_off), "csat": _mean(scores)})
        day += dt.timedelta(days=1)
    return out
