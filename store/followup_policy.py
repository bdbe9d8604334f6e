"""``policy/followups.yml``, typed: delays per kind, the check-in texts, how long links last."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

import yaml

KINDS = ("replacement", "refund", "credit", "handoff")
PLACEHOLDERS = {"name", "order", "link"}
DAY_S = 86400.0


@dataclass(frozen=True)
class FollowupPolicy:
    """When check-ins go out and what they say (variations per kind)."""

    delay_s: Mapping[str, float] = field(default_factory=lambda: {k: DAY_S for k in KINDS})
    link_valid_days: float = 14.0
    subjects: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    messages: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    signature: str = "Warm wishes from our support team"

    def delay(self, kind: str) -> float:
        return float(self.delay_s.get(kind, DAY_S))


def _texts(raw: Mapping[str, Any], key: str, need_link: bool) -> Dict[str, Tuple[str, ...]]:
    out: Dict[str, Tuple[str, ...]] = {}
    for kind, texts in (raw.get(key) or {}).items():
        if kind not in KINDS:
            raise ValueError(f"followups.yml: {key}.{kind}: not a check-in kind {list(KINDS)}")
        values = tuple(str(t) for t in (texts or []))
        for text in values:
            names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            if names - PLACEHOLDERS:
                raise ValueError(f"followups.yml: {key}.{kind}: unknown placeholder(s) {sorted(names - PLACEHOLDERS)}")
            if need_link and "link" not in names:
                raise ValueError(f"followups.yml: {key}.{kind}: every message needs the {{link}}")
        out[kind] = values
    return out


def policy_from_mapping(raw: Mapping[str, Any], delay_override_s: Optional[float] = None) -> FollowupPolicy:
    """Build the policy; ``delay_override_s`` (the ``FOLLOWUP_DELAY_S`` setting) replaces every delay."""
    base = FollowupPolicy()
    delays = {**base.delay_s, **{str(k): float(v) for k, v in (raw.get("delay_s") or {}).items()}}
    if delay_override_s is not None:
        delays = {k: float(delay_override_s) for k in KINDS}
    messages = _texts(raw, "messages", need_link=True)
    missing = [k for k in KINDS if not messages.get(k)]
    if missing:
        raise ValueError(f"followups.yml: messages missing for {missing}")
    return FollowupPolicy(delay_s=delays, link_valid_days=float(raw.get("link_valid_days", base.link_valid_days)),
                          subjects=_texts(raw, "subjects", need_link=False), messages=messages,
                          signature=str(raw.get("signature") or base.signature))


def load_followup_policy(path: Path, delay_override_s: Optional[float] = None) -> FollowupPolicy:
    """Read the file (cached per path, modification time and override)."""
    path = Path(path)
    return _cached(str(path), path.stat().st_mtime, delay_override_s)


@lru_cache(maxsize=8)
def _cached(path: str, _mtime: float, delay_override_s: Optional[float]) -> FollowupPolicy:
    with open(path, encoding="utf-8") as fh:
        return policy_from_mapping(yaml.safe_load(fh) or {}, delay_override_s)


def default_followup_policy() -> FollowupPolicy:
    """The policy at ``settings.policy_path('followups.yml')`` with the ``FOLLOWUP_DELAY_S`` override."""
    from common.settings import load_settings

    settings = load_settings()
    return load_followup_policy(settings.policy_path("followups.yml"), settings.followup_delay_s)
