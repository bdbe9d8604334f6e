"""The "Make it Right" policy file, typed: ``policy/resolutions.yml``.

Read lazily (first use, never at import) and cached per path and modification time, so a
designer's edit is picked up without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Tuple

import yaml


@dataclass(frozen=True)
class ResolutionPolicy:
    """Typed view of ``policy/resolutions.yml``."""

    bot_max_per_incident: Decimal = Decimal("50")
    once_per_order: bool = True
    credit_methods: Tuple[str, ...] = ("express", "overnight")
    credit_min_days_late: int = 1
    replacement_max_item_value: Decimal = Decimal("150")
    duplicate_max_amount: Decimal = Decimal("100")
    duplicate_window_hours: int = 48
    vip_human_over: Decimal = Decimal("30")
    return_window_days: int = 30
    agent_replacement_max_item_value: Decimal = Decimal("500")
    always_human: Tuple[str, ...] = ("chargeback", "legal", "safety")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "ResolutionPolicy":
        """Build from the parsed YAML; missing keys keep their defaults."""
        bot = data.get("bot") or {}
        agents = data.get("agents") or {}
        credit = bot.get("late_delivery_credit") or {}
        d = cls()
        money = lambda v, default: Decimal(str(v)) if v is not None else default  # noqa: E731
        return cls(
            bot_max_per_incident=money(bot.get("max_per_incident"), d.bot_max_per_incident),
            once_per_order=bool(bot.get("once_per_order", d.once_per_order)),
            credit_methods=tuple(credit.get("paid_shipping_methods", d.credit_methods)),
            credit_min_days_late=int(credit.get("min_days_late", d.credit_min_days_late)),
            replacement_max_item_value=money((bot.get("replacement") or {}).get("max_item_value"),
                                             d.replacement_max_item_value),
            duplicate_max_amount=money((bot.get("duplicate_refund") or {}).get("max_amount"),
                                       d.duplicate_max_amount),
            duplicate_window_hours=int((bot.get("duplicate_refund") or {}).get("window_hours",
                                                                              d.duplicate_window_hours)),
            vip_human_over=money(bot.get("vip_human_over"), d.vip_human_over),
            return_window_days=int((bot.get("returns") or {}).get("window_days", d.return_window_days)),
            agent_replacement_max_item_value=money(agents.get("replacement_max_item_value"),
                                                   d.agent_replacement_max_item_value),
            always_human=tuple(data.get("always_human", d.always_human)),
        )


def load_resolution_policy(path: Path) -> ResolutionPolicy:
    """Read the policy file (cached per path and modification time)."""
    path = Path(path)
    return _load_policy_cached(str(path), path.stat().st_mtime)


@lru_cache(maxsize=8)
def _load_policy_cached(path: str, _mtime: float) -> ResolutionPolicy:
    with open(path, encoding="utf-8") as fh:
        return ResolutionPolicy.from_mapping(yaml.safe_load(fh) or {})


def default_policy() -> ResolutionPolicy:
    """The policy at ``settings.policy_path('resolutions.yml')``."""
    from common.settings import load_settings

    return load_resolution_policy(load_settings().policy_path("resolutions.yml"))
