"""High-stakes topics: severe however calmly they are worded."""

from __future__ import annotations

import re
from typing import List, Sequence

from handoff.detect.cues import distinct, quote
from handoff.detect.finding import Evidence
from handoff.detect.policy import TopicPolicy

_MONEY = re.compile(
    r"(?:[$€£]\s?(?P<a>\d[\d,]*(?:\.\d+)?)\s?(?P<ak>k\b)?)"
    r"|(?:(?<![\w.])(?P<b>\d[\d,]*(?:\.\d+)?)\s?(?P<bk>k)?\s?"
    r"(?:dollars?|usd|eur|euros?|gbp|pounds?|bucks)\b)",
    re.IGNORECASE,
)


def amounts(text: str) -> List[tuple]:
    """Money amounts written in the text, as (value, text as written)."""
    out = []
    for m in _MONEY.finditer(text):
        digits = m.group("a") or m.group("b") or ""
        if re.fullmatch(r"\d+,\d{2}", digits):  # decimal comma: "13,99"
            digits = digits.replace(",", ".")
        digits = digits.replace(",", "")
        try:
            value = float(digits)
        except ValueError:
            continue
        if m.group("ak") or m.group("bk"):
            value *= 1000
        out.append((value, m.group(0).strip()))
    return out


def topic_evidence(topics: Sequence[TopicPolicy], amount_threshold: float,
                   amount_reason: str, text: str) -> List[Evidence]:
    """One piece of evidence per high-stakes topic mentioned (signal ``topic:<name>``)."""
    found: List[Evidence] = []
    for topic in topics:
        words = distinct(topic.matcher.find(text))
        if words:
            found.append(Evidence(f"topic:{topic.name}", 1.0,
                                  topic.reason.format(evidence=quote(words))))
    large = [written for value, written in amounts(text) if value > amount_threshold]
    if large:
        found.append(Evidence("topic:large_amount", 1.0,
                              amount_reason.format(evidence=quote(large))))
    return found
