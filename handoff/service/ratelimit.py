"""A sliding-window rate limit per connection."""

from __future__ import annotations

import time
from collections import deque
from typing import Callable, Deque, Dict


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key.

    Args:
        limit: events allowed in one window.
        window: window length in seconds.
        clock: monotonic clock (injected in tests).
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: Dict[str, Deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Record an event for ``key``; False (and not recorded) when over the limit."""
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    def forget(self, key: str) -> None:
        """Drop a closed connection's history."""
        self._events.pop(key, None)
