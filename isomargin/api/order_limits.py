"""Binance's ORDERS limits: new orders per account per 10 seconds and per minute [doc NO][EI].

Placing an order weighs 0 on the IP's request weight and 1 on these counters; every answer of an
order endpoint carries ``X-MBX-ORDER-COUNT-10S`` and ``X-MBX-ORDER-COUNT-1M``, and a new order past
either limit is refused with HTTP 429 -1015 (reference §1.1). The counters live in this process
(fixed windows, like ``api.ratelimit.LocalLimiter``): with several workers each counts its own
share (assumed good enough for an emulator; the request-weight limiter can share Redis instead).
Counted: every order request whose API key resolved, refused ones too (assumed).
"""

from __future__ import annotations

from dataclasses import dataclass

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


class OrderCounter:
    def __init__(self) -> None:
        self._windows = (-1, -1)
        self._ten: dict[int, int] = {}
        self._minute: dict[int, int] = {}

    def hit(self, account_id: int, now_ms: int, ten_seconds: int = 1, minute: int = 1) -> OrderCount:
        ten_window, minute_window = now_ms // TEN_SECONDS_MS, now_ms // MINUTE_MS
        if ten_window != self._windows[0]:
            self._ten = {}
        if minute_window != self._windows[1]:
            self._minute = {}
        self._windows = (ten_window, minute_window)
        self._ten[account_id] = self._ten.get(account_id, 0) + ten_seconds
        self._minute[account_id] = self._minute.get(account_id, 0) + minute
        return OrderCount(self._ten[account_id], self._minute[account_id])
