"""Request weight per IP per minute, 429s and escalating 418 bans, as Binance counts them [GI].

Binance counts request weight per IP in fixed one-minute windows, reports the total so far in
``X-MBX-USED-WEIGHT-1M`` on every response, answers HTTP 429 (-1003) past the limit, and bans an
IP that keeps sending after 429s with HTTP 418, "from 2 minutes to 3 days" for repeat offenders
(reference §3.1–3.2). Two counters share one policy:

- :class:`LocalLimiter` — a dict in this process (one worker): one increment per request;
- :class:`RedisLimiter` — one Lua script call per request, so every worker and host pointed
  at the same Redis shares one budget.

Assumed (Binance documents neither; kept here, in ONE place): how many 429s in one minute earn a
ban (:data:`DEFAULT_BAN_AFTER_429S`), that a ban doubles for each repeat offence
(:func:`ban_duration_ms`), that an offence is forgotten after three days without one, and that
requests during a ban still count weight.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from isomargin.domain.value import value

log = logging.getLogger("isomargin.ratelimit")

MINUTE_MS = 60_000
#: 429 answers allowed in one minute before the next over-limit request is banned (assumed).
DEFAULT_BAN_AFTER_429S = 5
FIRST_BAN_MS = 2 * MINUTE_MS  # "from 2 minutes … [GI]
MAX_BAN_MS = 3 * 24 * 60 * MINUTE_MS  # … to 3 days" [GI]
#: An IP's offence count is forgotten after this long without a new ban (assumed).
OFFENCE_MEMORY_MS = MAX_BAN_MS

OK, LIMITED, BANNED = 200, 429, 418


def ban_duration_ms(offence: int) -> int:
    """2 minutes for the first ban, doubling for each repeat offence, at most 3 days (assumed)."""
    return min(FIRST_BAN_MS << min(max(offence - 1, 0), 20), MAX_BAN_MS)


@value
class Verdict:
    """What the limiter decided for one request."""

    used: int  # this IP's weight in the current minute, this request included
    status: int  # OK, LIMITED (429) or BANNED (418)
    retry_after_ms: int = 0  # until the minute ends (429) or the ban ends (418)
    banned_until_ms: int = 0

    @property
    def retry_after_s(self) -> int:
        return max(1, -(-self.retry_after_ms // 1000))


class Limiter(Protocol):
    limit: int

    async def hit(self, ip: str, weight: int, now_ms: int) -> Verdict: ...

    async def reset(self) -> None: ...

    async def close(self) -> None: ...


class LocalLimiter:
    """Counters in this process: right for one worker, and the hot path is a dict increment."""

    def __init__(self, limit: int, ban_after_429s: int = DEFAULT_BAN_AFTER_429S) -> None:
        self.limit = limit
        self.ban_after = ban_after_429s
        self._minute = -1
        self._used: dict[str, int] = {}
        self._strikes: dict[str, int] = {}
        self._banned_until: dict[str, int] = {}
        self._offences: dict[str, tuple[int, int]] = {}  # ip → (count, last ban ms)

    async def hit(self, ip: str, weight: int, now_ms: int) -> Verdict:
        return self.hit_now(ip, weight, now_ms)

    def hit_now(self, ip: str, weight: int, now_ms: int) -> Verdict:
        minute = now_ms // MINUTE_MS
        if minute != self._minute:
            self._minute = minute
            self._used = {}
            self._strikes = {}
            self._forget(now_ms)
        used = self._used.get(ip, 0) + weight
        self._used[ip] = used
        if self._banned_until:
            until = self._banned_until.get(ip, 0)
            if until > now_ms:
                return Verdict(used, BANNED, until - now_ms, until)
        if used <= self.limit:
            return Verdict(used, OK)
        strikes = self._strikes.get(ip, 0) + 1
        self._strikes[ip] = strikes
        if strikes > self.ban_after:
            count, last = self._offences.get(ip, (0, 0))
            count = count + 1 if now_ms - last < OFFENCE_MEMORY_MS else 1
            self._offences[ip] = (count, now_ms)
            until = now_ms + ban_duration_ms(count)
            self._banned_until[ip] = until
            self._strikes[ip] = 0
            return Verdict(used, BANNED, until - now_ms, until)
        return Verdict(used, LIMITED, MINUTE_MS - now_ms % MINUTE_MS)

    def _forget(self, now_ms: int) -> None:
        """Drop ended bans and expired offences, once a minute, so memory stays bounded."""
        if self._banned_until:
            self._banned_until = {ip: t for ip, t in self._banned_until.items() if t > now_ms}
        if self._offences:
            self._offences = {
                ip: (n, last) for ip, (n, last) in self._offences.items() if now_ms - last < OFFENCE_MEMORY_MS
            }

    def used(self, ip: str, now_ms: int) -> int:
        return self._used.get(ip, 0) if now_ms // MINUTE_MS == self._minute else 0

    async def reset(self) -> None:
        self._minute = -1
        self._used, self._strikes, self._banned_until, self._offences = {}, {}, {}, {}

    async def close(self) -> None:
        return None


# One round trip: count the weight, then decide 200 / 429 / 418 with the same rules as
# LocalLimiter.hit_now. KEYS: weight, strikes, ban-until, offences. ARGV: weight, limit,
# ban_after, now_ms, first_ban_ms, max_ban_ms, offence_memory_ms. Returns
# {used, status, retry_after_ms, banned_until_ms}.
_HIT_SCRIPT = """
local used = redis.call('INCRBY', KEYS[1], ARGV[1])
if used == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], 61000) end
local now = tonumber(ARGV[4])
local ban_end = tonumber(redis.call('GET', KEYS[3]) or '0')
if ban_end > now then return {used, 418, ban_end - now, ban_end} end
if used <= tonumber(ARGV[2]) then return {used, 200, 0, 0} end
local strikes = redis.call('INCR', KEYS[2])
if strikes == 1 then redis.call('PEXPIRE', KEYS[2], 61000) end
if strikes > tonumber(ARGV[3]) then
  local count = redis.call('INCR', KEYS[4])
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
  local shift = math.min(count - 1, 20)
  local duration = math.min(tonumber(ARGV[5]) * (2 ^ shift), tonumber(ARGV[6]))
  ban_end = now + duration
  redis.call('SET', KEYS[3], string.format('%d', ban_end), 'PX', string.format('%d', duration))
  redis.call('DEL', KEYS[2])
  return {used, 418, duration, ban_end}
end
return {used, 429, 60000 - now % 60000, 0}
"""


class RedisLimiter:
    """Counters in Redis, shared by every worker and host using the same URL and key prefix.

    If Redis cannot be reached the request is counted by a local fallback limiter and a warning
    is logged (assumed: availability over a strictly shared budget); Redis is retried next time.
    """

    def __init__(
        self, url: str, limit: int, *, prefix: str = "isomargin:", ban_after_429s: int = DEFAULT_BAN_AFTER_429S
    ):
        import redis.asyncio as aioredis

        self.limit = limit
        self.ban_after = ban_after_429s
        self.prefix = prefix
        self._redis: Any = aioredis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._script: Any = self._redis.register_script(_HIT_SCRIPT)
        self._fallback = LocalLimiter(limit, ban_after_429s)
        self._warned = False

    def _keys(self, ip: str, minute: int) -> list[str]:
        p = self.prefix
        return [f"{p}w:{minute}:{ip}", f"{p}s:{minute}:{ip}", f"{p}ban:{ip}", f"{p}off:{ip}"]

    async def hit(self, ip: str, weight: int, now_ms: int) -> Verdict:
        args = [weight, self.limit, self.ban_after, now_ms, FIRST_BAN_MS, MAX_BAN_MS, OFFENCE_MEMORY_MS]
        try:
            used, status, retry_ms, until = await self._script(keys=self._keys(ip, now_ms // MINUTE_MS), args=args)
        except Exception as exc:  # any Redis failure: count locally rather than fail the request
            if not self._warned:
                log.warning("rate limits: Redis unavailable (%s); counting in this worker only", type(exc).__name__)
                self._warned = True
            return self._fallback.hit_now(ip, weight, now_ms)
        self._warned = False
        return Verdict(int(used), int(status), int(retry_ms), int(until))

    async def reset(self) -> None:
        await self._fallback.reset()
        keys = [k async for k in self._redis.scan_iter(match=f"{self.prefix}*", count=500)]
        if keys:
            await self._redis.delete(*keys)

    async def close(self) -> None:
        await self._redis.aclose()


def make_limiter(redis_url: str | None, limit: int, *, prefix: str, ban_after_429s: int) -> Limiter:
    if redis_url:
        return RedisLimiter(redis_url, limit, prefix=prefix, ban_after_429s=ban_after_429s)
    return LocalLimiter(limit, ban_after_429s)
