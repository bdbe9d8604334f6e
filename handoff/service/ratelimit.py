"""Sliding-window limits keyed by identity or client address (never by socket).

A key outlives its sockets, so reconnecting does not reset a limit. In one process the
counters live in :class:`MemoryLimiter` (bounded: idle keys expire, the least recently used
go first when full); with ``REDIS_URL`` they live in Redis (:mod:`handoff.service.ratelimit_redis`),
shared by every node and expired there.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Callable, Deque, Optional, Protocol

from common.settings import Limit, Settings
from handoff import errors

MESSAGES, SESSIONS, TYPING, LOGIN_ADDRESS, LOGIN_USER = "msg", "session", "typing", "login_addr", "login_user"
UPLOADS = "upload"
EMAILS, EMAILS_CONVERSATION = "email", "email_conv"
STRUGGLE, OFFERS = "struggle", "offer"
WORDING = {
    MESSAGES: "You're sending messages very fast; please wait a moment.",
    SESSIONS: "That's a lot of new chats in a short time; please wait a moment.",
    TYPING: "Too many typing signals; please wait a moment.",
    LOGIN_ADDRESS: "Too many sign-in attempts; please wait a moment and try again.",
    LOGIN_USER: "Too many sign-in attempts; please wait a moment and try again.",
    UPLOADS: "That's a lot of files in a short time; please wait a moment before sending another.",
    EMAILS: "We've sent quite a few e-mails from this chat already; please try again a little later.",
    EMAILS_CONVERSATION: "We've sent quite a few e-mails from this chat already; please try again a little later.",
    STRUGGLE: "Too many page signals; please wait a moment.",
}


class Limiter(Protocol):
    """Records an event under ``bucket:key``; False (and not recorded) when over ``limit``."""

    async def hit(self, bucket: str, key: str, limit: Limit) -> bool: ...


class MemoryLimiter:
    """In-process sliding-window counters with bounded memory.

    Args:
        max_keys: keys kept at most; the least recently used is dropped first.
        clock: monotonic clock (injected in tests).
    """

    def __init__(self, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_keys = max_keys
        self.clock = clock
        self._events: "OrderedDict[str, Deque[float]]" = OrderedDict()
        self._longest = 0.0  # the longest window seen: a key idle that long holds nothing

    def __len__(self) -> int:
        return len(self._events)

    def allow(self, name: str, limit: Limit) -> bool:
        """The synchronous core of :meth:`hit` (``name`` = ``bucket:key``)."""
        now = self.clock()
        self._longest = max(self._longest, limit.window)
        events = self._events.get(name)
        if events is None:
            events = self._events[name] = deque()
        self._events.move_to_end(name)
        while events and now - events[0] >= limit.window:
            events.popleft()
        allowed = len(events) < limit.count
        if allowed:
            events.append(now)
        self._evict(now)
        return allowed

    async def hit(self, bucket: str, key: str, limit: Limit) -> bool:
        return self.allow(f"{bucket}:{key}", limit)

    def _evict(self, now: float) -> None:
        # Least recently touched first: drop keys while over capacity, or while they are idle
        # (their newest event older than the longest window, so they limit nothing).
        while self._events:
            name, events = next(iter(self._events.items()))
            idle = not events or now - events[-1] >= self._longest
            if len(self._events) <= self.max_keys and not idle:
                return
            del self._events[name]


def make_limiter(settings: Settings) -> Limiter:
    """Redis-backed when ``REDIS_URL`` is set (counters shared by nodes), else in-process."""
    local = MemoryLimiter(settings.limit_max_keys)
    if settings.redis_url:
        from handoff.service.ratelimit_redis import RedisLimiter

        return RedisLimiter(settings.redis_url, fallback=local)
    return local


def subject(customer_id: Optional[int], address: str) -> str:
    """The key a customer's limits count under: the verified customer, else the client address."""
    return f"customer:{customer_id}" if customer_id is not None else f"addr:{address}"


async def enforce(limiter: Limiter, bucket: str, key: str, limit: Limit) -> None:
    """Count one event; :class:`errors.RateLimited` (``rate_limited``) when over the limit."""
    if not await limiter.hit(bucket, key, limit):
        raise errors.RateLimited(WORDING.get(bucket))
