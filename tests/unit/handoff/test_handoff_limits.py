"""Limits keyed by identity or client address: windows, bounded memory, Redis, and the service's use of them."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest

from common.identity import sign_identity
from common.settings import Limit, Settings
from handoff import errors
from handoff.service import agents, customers, ratelimit, sessions, turns
from handoff.service.clients import client_address
from handoff.service.ratelimit import MemoryLimiter


def test_sliding_window() -> None:
    now = [0.0]
    limiter = MemoryLimiter(clock=lambda: now[0])
    three = Limit(3, 10.0)
    assert [limiter.allow("a", three) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", three)
    now[0] = 9.9
    assert not limiter.allow("a", three)
    now[0] = 10.0
    assert limiter.allow("a", three)


def test_memory_is_bounded_and_idle_keys_go() -> None:
    now = [0.0]
    limiter = MemoryLimiter(max_keys=100, clock=lambda: now[0])
    for i in range(1000):
        limiter.allow(f"addr:{i}", Limit(5, 10.0))
    assert len(limiter) == 100, "the least recently used keys were dropped"
    assert "addr:999" in limiter._events and "addr:0" not in limiter._events
    now[0] = 11.0
    limiter.allow("fresh", Limit(5, 10.0))
    assert len(limiter) == 1, "keys idle longer than the window hold nothing and are dropped"


def test_the_key_is_the_identity_else_the_address() -> None:
    assert ratelimit.subject(7, "203.0.113.9") == "customer:7"
    assert ratelimit.subject(None, "203.0.113.9") == "addr:203.0.113.9"


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    none = Settings()
    assert client_address(none, "203.0.113.9", "1.2.3.4") == "203.0.113.9", "no proxy trusted by default"
    assert client_address(none, "127.0.0.1", "1.2.3.4") == "127.0.0.1", "not even loopback"
    behind = Settings(trusted_proxies=("127.0.0.1", "10.0.0.0/8"))
    assert client_address(behind, "127.0.0.1", "198.51.100.7") == "198.51.100.7"
    # a client may prepend what it likes; the hop the proxies appended is the one believed
    assert client_address(behind, "127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3") == "198.51.100.7"
    assert client_address(behind, "203.0.113.9", "198.51.100.7") == "203.0.113.9", "peer is not a proxy"
    assert client_address(behind, None, None) == "unknown"


@pytest.mark.asyncio
async def test_redis_limiter_is_shared_and_expires() -> None:
    from tests.services import require_redis

    url = require_redis()
    from handoff.service.ratelimit_redis import RedisLimiter

    one, two = RedisLimiter(url, MemoryLimiter()), RedisLimiter(url, MemoryLimiter())
    key, limit = uuid.uuid4().hex, Limit(3, 0.5)
    try:
        assert [await one.hit("t", key, limit), await two.hit("t", key, limit), await one.hit("t", key, limit)] \
            == [True, True, True]
        assert not await two.hit("t", key, limit), "the second node sees the first node's count"
        ttl = await one.redis.pttl(f"handoff:limit:t:{key}")
        assert 0 < ttl <= 500, "the key expires with its window"
        await asyncio.sleep(0.6)
        assert await two.hit("t", key, limit)
    finally:
        await one.close()
        await two.close()


@pytest.mark.asyncio
async def test_redis_down_falls_back_to_the_process_limiter() -> None:
    from handoff.service.ratelimit_redis import RedisLimiter

    limiter = RedisLimiter("redis://127.0.0.1:1/0", MemoryLimiter())
    try:
        assert [await limiter.hit("t", "k", Limit(1, 60.0)) for _ in range(2)] == [True, False]
    finally:
        await limiter.close()


# --- the service keys its limits by identity or address, not by socket ------------------------

@pytest.mark.asyncio
async def test_reconnecting_does_not_reset_the_message_limit(svc) -> None:
    svc.settings = dataclasses.replace(svc.settings, limit_messages=Limit(5, 60.0))
    await sessions.open_session(svc, "s1", None, None, None, "198.51.100.7")
    session_id = svc.customers["s1"].session_id
    for i in range(5):
        await turns.customer_message(svc, "s1", f"m{i}", None, None)
    await sessions.disconnect(svc, "s1")
    await sessions.open_session(svc, "s2", session_id, None, None, "198.51.100.7")
    with pytest.raises(errors.RateLimited):
        await turns.customer_message(svc, "s2", "after reconnecting", None, None)
    # a new session from the same address is the same key too; another address is not
    await sessions.open_session(svc, "s3", None, None, None, "198.51.100.7")
    with pytest.raises(errors.RateLimited):
        await turns.customer_message(svc, "s3", "a new chat", None, None)
    await sessions.open_session(svc, "s4", None, None, None, "198.51.100.8")
    assert (await turns.customer_message(svc, "s4", "hello", None, None))["ok"]
    await svc.drain()


@pytest.mark.asyncio
async def test_a_verified_customer_is_limited_by_identity_from_any_address(svc) -> None:
    svc.settings = dataclasses.replace(svc.settings, limit_messages=Limit(5, 60.0))
    token = sign_identity(1, "maya@example.com", svc.settings.identity_secret)
    for i in range(5):
        sid = f"i{i}"
        await sessions.open_session(svc, sid, None, None, token, f"203.0.113.{i}")
        await turns.customer_message(svc, sid, f"m{i}", None, None)
    await sessions.open_session(svc, "i9", None, None, token, "203.0.113.99")
    with pytest.raises(errors.RateLimited):
        await turns.customer_message(svc, "i9", "one more", None, None)
    await svc.drain()


@pytest.mark.asyncio
async def test_session_requests_and_typing_are_limited(svc) -> None:
    svc.settings = dataclasses.replace(svc.settings, limit_sessions=Limit(3, 60.0), limit_typing=Limit(2, 10.0))
    for i in range(3):
        await sessions.open_session(svc, f"t{i}", None, None, None, "192.0.2.1")
    with pytest.raises(errors.RateLimited):
        await sessions.open_session(svc, "t9", None, None, None, "192.0.2.1")
    await customers.typing(svc, "t0", True)
    await customers.typing(svc, "t1", False)
    with pytest.raises(errors.RateLimited):
        await customers.typing(svc, "t2", True)


@pytest.mark.asyncio
async def test_sign_in_is_limited_per_address_and_per_username(svc) -> None:
    svc.settings = dataclasses.replace(svc.settings, limit_logins=Limit(5, 20.0))
    for _ in range(5):
        with pytest.raises(errors.Unauthorized):
            await agents.login(svc, "dana", "wrong", "192.0.2.50")
    with pytest.raises(errors.RateLimited):  # even the right password: the address is spent
        await agents.login(svc, "sam", "support-demo", "192.0.2.50")
    # spreading over addresses does not help guess one username: 5 tries on "dana" are spent
    with pytest.raises(errors.RateLimited):
        await agents.login(svc, "Dana", "support-demo", "192.0.2.51")
    assert (await agents.login(svc, "sam", "support-demo", "192.0.2.52"))["token"]


def test_the_counters_live_in_redis_when_redis_url_is_set() -> None:
    from handoff.service.ratelimit import make_limiter
    from handoff.service.ratelimit_redis import RedisLimiter

    assert isinstance(make_limiter(Settings()), MemoryLimiter)
    shared = make_limiter(Settings(redis_url="redis://127.0.0.1:6379/0", limit_max_keys=50))
    assert isinstance(shared, RedisLimiter) and shared.fallback.max_keys == 50
