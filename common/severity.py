"""Severity levels shared by the detector, the service, the bot and the store."""
from __future__ import annotations
from typing import Iterable, Tuple
SEVERITIES: Tuple[str, ...] = ("none", "elevated", "severe")
def severity_rank(severity: str) -> int:
    """0 for none (or unknown), 1 elevated, 2 severe."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0
def max_severity(severities: Iterable[str]) -> str:
    """The most severe of ``severities`` ("none" when empty)."""
    return max(severities, key=severity_rank, default="none")
