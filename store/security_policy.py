"""The security policy file, typed: ``policy/security.yml`` (read lazily, cached per mtime)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml


@dataclass(frozen=True)
class SecurityPolicy:
    """Typed view of ``policy/security.yml``."""

    window: dt.timedelta = dt.timedelta(minutes=60)
    max_failures_per_order: int = 5
    max_failures_per_address: int = 10
    confirmation_ttl: dt.timedelta = dt.timedelta(hours=24)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "SecurityPolicy":
        """Build from the parsed YAML; missing keys keep their defaults."""
        verification = data.get("verification") or {}
        links = data.get("links") or {}
        d = cls()
        return cls(
            window=dt.timedelta(minutes=float(verification.get("window_minutes", d.window.total_seconds() / 60))),
            max_failures_per_order=int(verification.get("max_failures_per_order", d.max_failures_per_order)),
            max_failures_per_address=int(verification.get("max_failures_per_address",
                                                          d.max_failures_per_address)),
            confirmation_ttl=dt.timedelta(hours=float(links.get("confirmation_hours",
                                                                d.confirmation_ttl.total_seconds() / 3600))),
        )


def load_security_policy(path: Path) -> SecurityPolicy:
    """Read the policy file (cached per path and modification time)."""
    path = Path(path)
    return _cached(str(path), path.stat().st_mtime)


@lru_cache(maxsize=8)
def _cached(path: str, _mtime: float) -> SecurityPolicy:
    with open(path, encoding="utf-8") as fh:
        return SecurityPolicy.from_mapping(yaml.safe_load(fh) or {})
