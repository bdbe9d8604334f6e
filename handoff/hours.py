"""Business hours (``policy/handoff.yml``, ``business_hours``): open now, and when we are back.

Pure: every function takes the moment as naive UTC (``store.models.base.utcnow``) and converts
it to the policy's timezone. What the customer is told lives in ``handoff.service.wording``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class BusinessHours:
    """Opening hours: the same ``opens``-``closes`` window (local time) on each of ``days``
    (0 = Monday); ``closes`` is exclusive (at 17:00 sharp we are closed)."""

    timezone: str = "UTC"
    days: Tuple[int, ...] = (0, 1, 2, 3, 4)
    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(17, 0)
    label: str = ""  # how the customer is told the timezone, e.g. "UK time" ("" = not said)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, now_utc: dt.datetime) -> dt.datetime:
        """``now_utc`` (naive UTC) in the business's timezone."""
        return now_utc.replace(tzinfo=dt.timezone.utc).astimezone(self.zone)

    def is_open(self, now_utc: dt.datetime) -> bool:
        here = self.local(now_utc)
        return here.weekday() in self.days and self.opens <= here.time().replace(tzinfo=None) < self.closes

    def next_opening(self, now_utc: dt.datetime) -> Optional[dt.datetime]:
        """When we open next (local, aware); None while open."""
        if self.is_open(now_utc):
            return None
        here = self.local(now_utc)
        for ahead in range(0, 8):
            day = (here + dt.timedelta(days=ahead)).date()
            if day.weekday() not in self.days:
                continue
            opening = dt.datetime.combine(day, self.opens, tzinfo=self.zone)
            if opening > here:
                return opening
        return None  # no opening day at all (an empty ``days`` list)


def back_at(hours: Optional[BusinessHours], now_utc: dt.datetime) -> Optional[str]:
    """"at 9:00 tomorrow", "at 9:00 today", "at 9:00 on Monday"; None while open (or no hours set)."""
    if hours is None:
        return None
    opening = hours.next_opening(now_utc)
    if opening is None:
        return None
    today = hours.local(now_utc).date()
    when = f"{opening.hour}:{opening.minute:02d}"
    days = (opening.date() - today).days
    day = "today" if days == 0 else "tomorrow" if days == 1 else f"on {DAY_NAMES[opening.weekday()]}"
    return f"at {when} {day}" + (f" ({hours.label})" if hours.label else "")


def _time(value: Any, name: str) -> dt.time:
    text = str(value).strip()
    try:
        hour, minute = text.split(":")
        return dt.time(int(hour), int(minute))
    except ValueError as exc:
        raise ValueError(f"handoff.yml: business_hours.{name} must look like 09:00, not {value!r}") from exc


def hours_from_dict(raw: Optional[Mapping[str, Any]]) -> Optional[BusinessHours]:
    """The ``business_hours`` mapping; None (always open) when absent. Bad values raise ValueError."""
    if not raw:
        return None
    days = []
    for day in raw.get("days") or DAYS[:5]:
        key = str(day).strip().lower()[:3]
        if key not in DAYS:
            raise ValueError(f"handoff.yml: business_hours.days: {day!r} is not a day ({', '.join(DAYS)})")
        days.append(DAYS.index(key))
    hours = BusinessHours(timezone=str(raw.get("timezone") or "UTC"), days=tuple(sorted(set(days))),
                          opens=_time(raw.get("open", "09:00"), "open"),
                          closes=_time(raw.get("close", "17:00"), "close"), label=str(raw.get("label") or ""))
    if hours.closes <= hours.opens:
        raise ValueError("handoff.yml: business_hours.close must be later than open (same day)")
    try:
        ZoneInfo(hours.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"handoff.yml: business_hours.timezone {hours.timezone!r} is not a known timezone") from exc
    return hours
