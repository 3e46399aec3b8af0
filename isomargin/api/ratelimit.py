"""Request weight per IP per minute, the counter behind ``X-MBX-USED-WEIGHT-1M`` [GI].

Binance counts weight per IP in fixed one-minute windows and reports the total so far on every
response. This in-process counter serves one worker; see docs for the shared (Redis) one.
"""

from __future__ import annotations

MINUTE_MS = 60_000


class WeightCounter:
    def __init__(self) -> None:
        self._minute = -1
        self._used: dict[str, int] = {}

    def add(self, ip: str, weight: int, now_ms: int) -> int:
        """Count ``weight`` for ``ip`` in the current minute; the IP's total this minute."""
        minute = now_ms // MINUTE_MS
        if minute != self._minute:
            self._minute = minute
            self._used = {}
        used = self._used.get(ip, 0) + weight
        self._used[ip] = used
        return used

    def used(self, ip: str, now_ms: int) -> int:
        return self._used.get(ip, 0) if now_ms // MINUTE_MS == self._minute else 0

    def reset(self) -> None:
        self._used = {}
