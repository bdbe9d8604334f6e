"""Business hours and the one sentence that says why no one is online."""

from __future__ import annotations

import datetime as dt

import pytest

from handoff.hours import BusinessHours, back_at, hours_from_dict
from handoff.policy import policy_from_dict
from handoff.service import wording

LONDON = hours_from_dict({"timezone": "Europe/London", "days": ["mon", "tue", "wed", "thu", "fri"],
                          "open": "09:00", "close": "17:30"})


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args)  # naive UTC, as store.models.base.utcnow


def test_open_from_the_opening_minute_and_closed_from_the_closing_minute() -> None:
    # 2026-01-14 is a Wednesday; London is on UTC in January.
    assert not LONDON.is_open(utc(2026, 1, 14, 8, 59))
    assert LONDON.is_open(utc(2026, 1, 14, 9, 0))
    assert LONDON.is_open(utc(2026, 1, 14, 17, 29))
    assert not LONDON.is_open(utc(2026, 1, 14, 17, 30))


def test_back_at_names_today_tomorrow_or_the_weekday() -> None:
    assert back_at(LONDON, utc(2026, 1, 14, 7, 0)) == "at 9:00 today"
    assert back_at(LONDON, utc(2026, 1, 14, 18, 0)) == "at 9:00 tomorrow"
    assert back_at(LONDON, utc(2026, 1, 16, 18, 0)) == "at 9:00 on Monday"  # Friday evening
    assert back_at(LONDON, utc(2026, 1, 17, 12, 0)) == "at 9:00 on Monday"  # Saturday
    assert back_at(LONDON, utc(2026, 1, 18, 23, 59)) == "at 9:00 tomorrow"  # Sunday night
    assert back_at(LONDON, utc(2026, 1, 14, 12, 0)) is None  # open
    assert back_at(None, utc(2026, 1, 14, 3, 0)) is None  # no hours: always open


def test_the_timezone_and_summer_time_decide_not_utc() -> None:
    # In July London is UTC+1: 08:30 UTC is 09:30 there (open), 16:45 UTC is 17:45 (closed).
    assert LONDON.is_open(utc(2026, 7, 15, 8, 30))
    assert not LONDON.is_open(utc(2026, 7, 15, 16, 45))
    # 23:30 UTC on a Thursday is already Friday 00:30 in London: back at 9:00 "today" there.
    assert back_at(LONDON, utc(2026, 7, 16, 23, 30)) == "at 9:00 today"
    tokyo = BusinessHours(timezone="Asia/Tokyo", days=(0, 1, 2, 3, 4), opens=dt.time(9), closes=dt.time(18),
                          label="Tokyo time")
    assert back_at(tokyo, utc(2026, 1, 14, 10, 0)) == "at 9:00 tomorrow (Tokyo time)"  # 19:00 in Tokyo


@pytest.mark.parametrize("raw, problem", [
    ({"open": "17:00", "close": "09:00"}, "later than open"),
    ({"open": "nine"}, "must look like 09:00"),
    ({"days": ["funday"]}, "is not a day"),
    ({"timezone": "Mars/Olympus"}, "not a known timezone"),
])
def test_bad_hours_are_refused_with_a_clear_error(raw, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        policy_from_dict({"business_hours": raw})


def test_no_one_online_says_when_we_are_back_or_that_no_one_is_free() -> None:
    closed = wording.no_agent("customer", back_at="at 9:00 tomorrow")
    assert "we're back at 9:00 tomorrow" in closed and "no one from our support team is online" in closed
    assert "when we open" in closed
    open_now = wording.no_agent("customer")
    assert "online and free right now" in open_now and "back at" not in open_now
    assert "we're back at 9:00 on Monday" in wording.still_queued(1, None, 0, back_at="at 9:00 on Monday")
    assert "we're back" in wording.no_agent("bot", announced=True, back_at="at 9:00 today")


def test_the_queued_status_says_when_we_are_back_only_when_no_one_is_online(monkeypatch) -> None:
    from handoff.service import queue
    from handoff.service.routing import AgentLoad

    policy = policy_from_dict({"business_hours": {"timezone": "Europe/London", "days": ["mon", "tue", "wed", "thu", "fri"],
                                                  "open": "09:00", "close": "17:30"}})
    monkeypatch.setattr(queue, "utcnow", lambda: utc(2026, 1, 14, 18, 0))  # Wednesday evening
    nobody = queue._queued(policy, 1, None, [AgentLoad(1, False, 0, 3)])
    assert nobody["back_at"] == "at 9:00 tomorrow" and nobody["agents_online"] == 0
    assert "back_at" not in queue._queued(policy, 1, None, [AgentLoad(1, True, 0, 3)]), "someone is here"
    monkeypatch.setattr(queue, "utcnow", lambda: utc(2026, 1, 14, 12, 0))  # open, just nobody online
    assert queue._queued(policy, 1, None, [AgentLoad(1, False, 0, 3)])["back_at"] is None
