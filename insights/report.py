"""The insights report: one function from a session and a period to the JSON the CLI and the console show."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, Optional

from sqlalchemy.orm import Session

from insights import gaps, metrics, queries
from insights.voice import ToneRules
from store.models.base import utcnow

JSON = Dict[str, Any]
PERIOD = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}
MAX_PERIOD = dt.timedelta(days=3660)
#: Every key of the report, in order (the CLI contract; tests check them all).
KEYS = ("period", "conversations", "demo_conversations", "open_conversations", "contained_rate", "handoff_rate",
        "handoff_reasons", "handoff_reason_phrases", "escalation_by_intent", "time_to_first_agent_reply_s",
        "resolution_time_s", "csat", "reopened_within_7d_rate", "reopened_within_7d", "grants", "empathy_gaps",
        "daily")


def parse_period(text: Optional[str]) -> dt.timedelta:
    """``"30d"``, ``"12h"``, ``"4w"`` -> a timedelta (default 30 days); ValueError otherwise."""
    match = PERIOD.match(text or "30d")
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"A period looks like 30d, 12h or 4w, not {text!r}.")
    span = int(match.group(1)) * UNITS[match.group(2).lower()]
    if span > MAX_PERIOD:
        raise ValueError("The period can be at most ten years.")
    return span


def build(session: Session, since: dt.datetime, rules: ToneRules, now: Optional[dt.datetime] = None) -> JSON:
    """Every figure for conversations started in ``[since, now]``."""
    now = now or utcnow()
    convs = metrics.engaged(queries.conversations(session, since, until=now + dt.timedelta(seconds=1)))
    share = metrics.containment(convs)
    reopened = metrics.reopened(convs, now)
    report: JSON = {
        "period": {"since": since.isoformat(timespec="seconds"), "until": now.isoformat(timespec="seconds"),
                   "days": round((now - since).total_seconds() / 86400, 2)},
        "conversations": share["conversations"],
        "demo_conversations": sum(1 for c in convs if c.demo),
        "open_conversations": sum(1 for c in convs if c.status in ("queued", "assigned")),
        "contained_rate": share["contained_rate"],
        "handoff_rate": share["handoff_rate"],
        "handoff_reasons": metrics.handoff_reasons(convs),
        "handoff_reason_phrases": metrics.reason_phrases(convs),
        "escalation_by_intent": metrics.escalation_by_intent(convs),
        "time_to_first_agent_reply_s": metrics.summary(metrics.first_agent_reply_seconds(convs)),
        "resolution_time_s": metrics.summary(metrics.resolution_seconds(convs)),
        "csat": metrics.csat(convs),
        "reopened_within_7d_rate": reopened["rate"],
        "reopened_within_7d": reopened,
        "grants": metrics.grants(queries.grants(session, since, until=now + dt.timedelta(seconds=1))),
        "empathy_gaps": gaps.empathy_gaps(convs, rules),
        "daily": metrics.daily(convs, since, now),
    }
    return {key: report[key] for key in KEYS}


def for_period(session: Session, period: Optional[str], rules: ToneRules, now: Optional[dt.datetime] = None) -> JSON:
    """:func:`build` for the last ``period`` (``"30d"`` by default)."""
    now = now or utcnow()
    return build(session, now - parse_period(period), rules, now)
