"""JSON-ready values and the normal form of what customers type (order numbers, e-mails)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, Optional

JSON = Dict[str, Any]


def json_money(value: Any) -> float:
    """Money as a float with two decimals (``None`` is 0)."""
    return round(float(value or 0), 2)


def json_date(value: Optional[dt.date]) -> Optional[str]:
    """A date or datetime as an ISO string, or None."""
    return value.isoformat() if value is not None else None


def json_enum(member: Any) -> Any:
    """An enum member's value (anything else unchanged)."""
    return getattr(member, "value", member)


def normalize_order_number(number: Any) -> str:
    """ "#1042 " -> "1042"."""
    return str(number or "").strip().lstrip("#").strip()


def normalize_email(email: Any) -> str:
    """Case- and space-insensitive form of an e-mail address."""
    return re.sub(r"\s+", "", str(email or "")).lower()
