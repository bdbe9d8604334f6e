"""The detector's reasons worded for people (``policy/reasons.yml``); pure apart from reading
that file (lazily, cached per modification time, like ``store.resolution_policy``).

The detector's contract (its reasons, its CLI) is unchanged: the service rewords a reason
only where agents read it (the conversation view, queue items, live messages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Pattern, Tuple

import yaml

_SPLIT = re.compile(r", | and ")


@dataclass(frozen=True)
class ReasonWording:
    """Typed ``policy/reasons.yml``: (pattern, wording) pairs, tried in order."""

    rules: Tuple[Tuple[Pattern[str], str], ...] = ()
    parts: Tuple[Tuple[Pattern[str], str], ...] = ()

    @classmethod
    def from_mapping(cls, data: Dict[str, Any]) -> "ReasonWording":
        def pairs(key: str) -> Tuple[Tuple[Pattern[str], str], ...]:
            return tuple((re.compile(str(r["match"]), re.IGNORECASE), str(r["say"]))
                         for r in data.get(key) or [] if isinstance(r, dict) and r.get("match") and r.get("say"))

        return cls(rules=pairs("rules"), parts=pairs("parts"))


def _say(template: str, match: "re.Match[str]") -> str:
    return template.format(**{k: (v or "").strip() for k, v in match.groupdict().items()}).strip()


def plain(reason: str, wording: ReasonWording) -> str:
    """One reason in plain words (unchanged when no rule knows it)."""
    text = str(reason).strip()
    for pattern, say in wording.rules:
        m = pattern.fullmatch(text)
        if m:
            return _say(say, m)
    pieces = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    worded: List[str] = []
    for piece in pieces:
        hit = next((_say(say, m) for pattern, say in wording.parts for m in [pattern.fullmatch(piece)] if m), None)
        if hit is None:
            return text
        if hit not in worded:
            worded.append(hit)
    if not worded:
        return text
    return worded[0] if len(worded) == 1 else ", ".join(worded[:-1]) + " and " + worded[-1]


def plain_all(reasons: Iterable[Any], wording: Optional[ReasonWording] = None) -> List[str]:
    """Every reason in plain words, in order, without repeats."""
    wording = wording if wording is not None else default_wording()
    out: List[str] = []
    for reason in reasons or []:
        if not reason:
            continue
        text = plain(str(reason), wording)
        if text not in out:
            out.append(text)
    return out


def for_agents(message: Dict[str, Any], wording: Optional[ReasonWording] = None) -> Dict[str, Any]:
    """An agent-side message dict whose detection reasons are worded for people."""
    detection = message.get("detection")
    if isinstance(detection, dict) and detection.get("reasons"):
        message = {**message, "detection": {**detection, "reasons": plain_all(detection["reasons"], wording)}}
    return message


def load_reason_wording(path: Path) -> ReasonWording:
    """Read ``policy/reasons.yml`` (cached per path and modification time; empty when absent)."""
    path = Path(path)
    if not path.exists():
        return ReasonWording()
    return _cached(str(path), path.stat().st_mtime)


@lru_cache(maxsize=8)
def _cached(path: str, _mtime: float) -> ReasonWording:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    return ReasonWording.from_mapping(raw if isinstance(raw, dict) else {})


def default_wording() -> ReasonWording:
    """The wording at ``settings.policy_path('reasons.yml')``."""
    from common.settings import load_settings

    return load_reason_wording(load_settings().policy_path("reasons.yml"))
