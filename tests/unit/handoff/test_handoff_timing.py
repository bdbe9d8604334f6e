"""The time rules of a wait (pure) and the honest update's words."""

from __future__ import annotations

import datetime as dt

from handoff.policy import WaitingPolicy
from handoff.service import timing, wording

P = WaitingPolicy(update_every_s=300, options_after_s=600, options_at_position=14, options_at_wait_s=1200,
                  auto_resolve_after_s=1800)
T0 = dt.datetime(2026, 1, 14, 12, 0)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_an_update_is_due_every_interval_from_the_last_one() -> None:
    assert not timing.update_due(P, T0, None, at(299))
    assert timing.update_due(P, T0, None, at(300))
    assert not timing.update_due(P, T0, at(300), at(599))
    assert timing.update_due(P, T0, at(300), at(600))
    assert not timing.update_due(P, None, None, at(10_000))  # not waiting
    assert not timing.update_due(WaitingPolicy(update_every_s=0), T0, None, at(10_000))  # turned off


def test_options_come_back_after_the_timeout_far_back_in_line_or_for_a_long_wait() -> None:
    assert timing.queue_options(P, 2, 240, 599, 1) == []
    assert timing.queue_options(P, 2, 240, 600, 1) == ["follow_up", "continue_with_bot"]
    assert timing.queue_options(P, 14, 240, 10, 1) == ["follow_up", "continue_with_bot"]
    assert timing.queue_options(P, 13, 1200, 10, 2) == ["follow_up", "continue_with_bot"]
    assert timing.queue_options(P, 1, None, 0, 0) == ["follow_up", "continue_with_bot"]  # nobody online


def test_buttons_when_options_newly_apply_then_every_third_update() -> None:
    assert not timing.offer_buttons(1, False, False)
    assert timing.offer_buttons(1, True, False)  # the timeout just passed
    assert not timing.offer_buttons(2, True, True)
    assert timing.offer_buttons(3, True, True)


def test_auto_resolve_after_the_quiet_time_only() -> None:
    assert not timing.auto_resolve_due(P, T0, at(1799))
    assert timing.auto_resolve_due(P, T0, at(1800))
    assert not timing.auto_resolve_due(WaitingPolicy(auto_resolve_after_s=0), T0, at(99_999))


def test_updates_say_the_place_and_a_realistic_wait_and_never_open_the_same_way_twice_in_a_row() -> None:
    texts = [wording.queue_update(n, 3, 420, 1) for n in range(6)]
    openers = [t.split(".")[0] for t in texts]
    assert all(a != b for a, b in zip(openers, openers[1:], strict=False))
    assert all("number 3 in line" in t and "about 7 minutes" in t for t in texts)


def test_updates_say_when_the_customer_moved_up_apologise_for_a_long_wait_and_offer_choices() -> None:
    moved = wording.queue_update(1, 2, 240, 1, moved_from=4)
    assert "moved up to number 2" in moved
    assert "you're next in line" in wording.queue_update(1, 1, 60, 1, moved_from=2)
    late = wording.queue_update(2, 2, 240, 1, long_wait=True, offer_options=True)
    assert any(p in late for p in ("longer than", "dragging on"))
    assert "e-mail" in late
    closed = wording.queue_update(0, 1, None, 0, back_at="at 9:00 tomorrow")
    assert "we're back at 9:00 tomorrow" in closed and "can't promise a time" not in closed
    assert "can't promise a time" in wording.queue_update(0, 1, None, 0)


def test_the_auto_resolve_note_names_the_quiet_time() -> None:
    assert wording.auto_resolved_note(1800) == "Resolved automatically: no reply from the customer for 30 minutes."
    assert "1 minute." in wording.auto_resolved_note(30)
