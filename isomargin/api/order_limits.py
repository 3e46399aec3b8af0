"""Binance's ORDERS limits: new orders per account per 10 seconds and per minute [doc NO][EI].

Placing an order weighs 0 on the IP's request weight and 1 on these counters; every answer of an
order endpoint carries ``X-MBX-ORDER-COUNT-10S`` and ``X-MBX-ORDER-COUNT-1M``, and a new order past
either limit is refused with HTTP 429 -1015 (reference §1.1). Fixed windows, counted where the
request-weight limiter counts (``api.ratelimit``, the same settings choose):

- :class:`LocalOrderCounter` — dicts in this process (one worker);
- :class:`RedisOrderCounter` — one Lua script call per order request with ``--redis-url``, so every
  worker and host on the same Redis and key prefix shares an account's counts, as Binance's do.

Counted: every order request whose API key resolved, refused ones too (assumed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("isomargin.order_limits")

TEN_SECONDS_MS = 10_000
MINUTE_MS = 60_000
#: ORDERS limits as exchangeInfo shows them (Binance's published values)
PER_10S = 300
PER_MINUTE = 1200
#: the routes that place orders → what one request adds to the (10 s, 1 min) counters: a batch
#: weighs 5 on the 10-second count and 1 on the minute's [doc Place-Multiple-Orders]
COUNTED_PATHS = {"/fapi/v1/order": (1, 1), "/fapi/v1/batchOrders": (5, 1)}


@dataclass(frozen=True, slots=True)
class OrderCount:
    ten_seconds: int
    minute: int

    @property
    def over(self) -> bool:
        return self.ten_seconds > PER_10S or self.minute > PER_MINUTE

    @property
    def headers(self) -> dict[str, str]:
        return {"X-MBX-ORDER-COUNT-10S": str(self.ten_seconds), "X-MBX-ORDER-COUNT-1M": str(self.minute)}


class OrderCounter(Protocol):
    async def hit(self, account_id: int, now_ms: int, ten_seconds: int = 1, minute: int = 1) -> OrderCount: ...

    async def reset(self) -> None: ...

    async def close(self) -> None: ...


class LocalOrderCounter:
    """Counters in this process: right for one worker."""

    def __init__(self) -> None:
        self._windows = (-1, -1)
        self._ten: dict[int, int] = {}
        self._minute: dict[int, int] = {}

    async def hit(self, account_id: int, now_ms: int, ten_seconds: int = 1, minute: int = 1) -> OrderCount:
        return self.hit_now(account_id, now_ms, ten_seconds, minute)

    def hit_now(self, account_id: int, now_ms: int, ten_seconds: int = 1, minute: int = 1) -> OrderCount:
        ten_window, minute_window = now_ms // TEN_SECONDS_MS, now_ms // MINUTE_MS
        if ten_window != self._windows[0]:
            self._ten = {}
        if minute_window != self._windows[1]:
            self._minute = {}
        self._windows = (ten_window, minute_window)
        self._ten[account_id] = self._ten.get(account_id, 0) + ten_seconds
        self._minute[account_id] = self._minute.get(account_id, 0) + minute
        return OrderCount(self._ten[account_id], self._minute[account_id])

    async def reset(self) -> None:
        self._windows, self._ten, self._minute = (-1, -1), {}, {}

    async def close(self) -> None:
        return None


# One round trip: both counts of the account's current windows, each key expiring shortly after
# its window ends. KEYS: 10-second count, minute count. ARGV: the two increments, their TTLs (ms).
_HIT_SCRIPT = """
local ten = redis.call('INCRBY', KEYS[1], ARGV[1])
if ten == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
local minute = redis.call('INCRBY', KEYS[2], ARGV[2])
if minute == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return {ten, minute}
"""


class RedisOrderCounter:
    """Counters in Redis, shared by every worker and host using the same URL and key prefix.

    If Redis cannot be reached the order is counted by a local fallback and a warning is logged,
    as the request-weight limiter does (assumed there: availability over a strictly shared count).
    """

    def __init__(self, url: str, *, prefix: str = "isomargin:") -> None:
        import redis.asyncio as aioredis

        self.prefix = prefix
        self._redis: Any = aioredis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._script: Any = self._redis.register_script(_HIT_SCRIPT)
        self._fallback = LocalOrderCounter()
        self._warned = False

    def _keys(self, account_id: int, now_ms: int) -> list[str]:
        p = self.prefix
        return [f"{p}o10:{now_ms // TEN_SECONDS_MS}:{account_id}", f"{p}o60:{now_ms // MINUTE_MS}:{account_id}"]

    async def hit(self, account_id: int, now_ms: int, ten_seconds: int = 1, minute: int = 1) -> OrderCount:
        args = [ten_seconds, minute, TEN_SECONDS_MS + 1000, MINUTE_MS + 1000]
        try:
            ten, per_minute = await self._script(keys=self._keys(account_id, now_ms), args=args)
        except Exception as exc:  # any Redis failure: count locally rather than fail the order
            if not self._warned:
                log.warning("order limits: Redis unavailable (%s); counting in this worker only", type(exc).__name__)
                self._warned = True
            return self._fallback.hit_now(account_id, now_ms, ten_seconds, minute)
        self._warned = False
        return OrderCount(int(ten), int(per_minute))

    async def reset(self) -> None:
        await self._fallback.reset()
        keys = [k async for k in self._redis.scan_iter(match=f"{self.prefix}o[16]0:*", count=500)]
        if keys:
            await self._redis.delete(*keys)

    async def close(self) -> None:
        await self._redis.aclose()


def make_order_counter(redis_url: str | None, *, prefix: str) -> OrderCounter:
    """Shared through Redis when ``--redis-url`` is set (the weight limiter's setting), else local."""
    if redis_url:
        return RedisOrderCounter(redis_url, prefix=prefix)
    return LocalOrderCounter()
