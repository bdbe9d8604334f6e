"""Transcript search for the console's review panel: text, intent, handoff reason, date, CSAT.

Filters are combined with AND; text and reason match case-insensitively as substrings.
Works on the conversations of the chosen period (``queries.conversations``), newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from insights.records import Conv
from insights.voice import normalise

JSON = Dict[str, Any]
LIMIT = 50


@dataclass(frozen=True)
class Filters:
    text: str = ""
    intent: str = ""
    reason: str = ""
    csat_min: Optional[int] = None
    csat_max: Optional[int] = None
    since: Optional[dt.datetime] = None
    until: Optional[dt.datetime] = None
    handed_off: Optional[bool] = None

    @classmethod
    def from_args(cls, args: Dict[str, str]) -> "Filters":
        """From query-string values (``text``, ``intent``, ``reason``, ``csat_min``, ``csat_max``,
        ``from``/``to`` as YYYY-MM-DD, ``handed_off`` yes|no); ValueError on a malformed one."""

        def csat(name: str) -> Optional[int]:
            value = (args.get(name) or "").strip()
            if not value:
                return None
            if not value.isdigit() or not 1 <= int(value) <= 5:
                raise ValueError(f"`{name}` is a score from 1 to 5.")
            return int(value)

        def day(name: str, end: bool = False) -> Optional[dt.datetime]:
            value = (args.get(name) or "").strip()
            if not value:
                return None
            try:
                start = dt.datetime.strptime(value, "%Y-%m-%d")
            except ValueError:
                raise ValueError(f"`{name}` is a date like 2025-03-14.") from None
            return start + dt.timedelta(days=1) if end else start

        handed = (args.get("handed_off") or "").strip().lower()
        if handed not in ("", "yes", "no"):
            raise ValueError("`handed_off` is yes or no.")
        return cls(text=normalise(args.get("text") or ""), intent=(args.get("intent") or "").strip(),
                   reason=normalise(args.get("reason") or ""), csat_min=csat("csat_min"), csat_max=csat("csat_max"),
                   since=day("from"), until=day("to", end=True), handed_off=None if not handed else handed == "yes")


def matches(conv: Conv, f: Filters) -> bool:
    if f.since and conv.created_at < f.since or f.until and conv.created_at >= f.until:
        return False
    if f.handed_off is not None and conv.handed_off is not f.handed_off:
        return False
    if f.csat_min is not None and (conv.csat is None or conv.csat < f.csat_min):
        return False
    if f.csat_max is not None and (conv.csat is None or conv.csat > f.csat_max):
        return False
    if f.intent and not any(m.intent == f.intent for m in conv.customer_lines()):
        return False
    if f.reason and not any(f.reason in normalise(h.source) or any(f.reason in normalise(r) for r in h.reasons)
                            for h in conv.handoffs):
        return False
    return not f.text or any(f.text in normalise(m.text) for m in conv.messages if not m.private)


def summary(conv: Conv, f: Filters) -> JSON:
    """One result row: what the console lists, with the line that matched."""
    lines = [m for m in conv.messages if not m.private]
    hit = next((m for m in lines if f.text and f.text in normalise(m.text)), None) or \
        next((m for m in lines if m.sender == "customer"), None)
    return {"id": conv.id, "created_at": conv.created_at.isoformat(timespec="seconds"), "status": conv.status,
            "demo": conv.demo, "handed_off": conv.handed_off, "sources": sorted({h.source for h in conv.handoffs}),
            "intents": sorted({m.intent for m in conv.customer_lines() if m.intent}), "csat": conv.csat,
            "messages": len(lines), "snippet": (hit.text[:200] if hit else "")}


def search(convs: List[Conv], f: Filters, limit: int = LIMIT) -> JSON:
    found = [c for c in sorted(convs, key=lambda c: (c.created_at, c.id), reverse=True) if matches(c, f)]
    return {"total": len(found), "results": [summary(c, f) for c in found[:limit]]}


def transcript(conv: Conv) -> JSON:
    """A conversation for review: every line with who said it, the intent and the detector's rating."""
    return {**summary(conv, Filters()), "resolved_at": conv.resolved_at.isoformat(timespec="seconds")
            if conv.resolved_at else None, "disposition": conv.disposition,
            "handoffs": [{"source": h.source, "reasons": h.reasons,
                          "requested_at": h.requested_at.isoformat(timespec="seconds")} for h in conv.handoffs],
            "lines": [{"seq": m.seq, "sender": m.sender, "text": m.text, "private": m.private,
                       "at": m.at.isoformat(timespec="seconds"), "intent": m.intent, "severity": m.severity,
                       "score": m.score} for m in conv.messages]}
