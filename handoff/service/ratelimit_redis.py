"""The limiter's counters in Redis: shared by every node, each key expiring with its window.

One sorted set per key holds the event times of the window (a sliding log, trimmed and
counted atomically by a Lua script). Times come from the Redis server's clock, so nodes
with skewed clocks still agree. When Redis fails, the node falls back to its own in-process
limiter (limits then hold per node) rather than letting everything through.
"""

from __future__ import annotations

import logging
import uuid

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from common.settings import Limit
from handoff.service.ratelimit import MemoryLimiter

log = logging.getLogger(__name__)
PREFIX = "handoff:limit:"

# KEYS[1] the key; ARGV: window (ms), count, a unique member. Returns 1 when allowed.
SLIDING_LOG = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 1
"""


class RedisLimiter:
    """Sliding-window counters in Redis (``handoff:limit:<bucket>:<key>``)."""

    def __init__(self, url: str, fallback: MemoryLimiter) -> None:
        self.redis = aioredis.from_url(url)
        self.script = self.redis.register_script(SLIDING_LOG)
        self.fallback = fallback

    async def hit(self, bucket: str, key: str, limit: Limit) -> bool:
        name = f"{bucket}:{key}"
        try:
            allowed = await self.script(keys=[PREFIX + name],
                                        args=[max(1, int(limit.window * 1000)), limit.count, uuid.uuid4().hex])
            return bool(allowed)
        except (RedisError, OSError) as exc:
            log.error("ratelimit.redis_failed error=%r (limiting in this process)", exc)
            return self.fallback.allow(name, limit)

    async def close(self) -> None:
        await self.redis.close()
