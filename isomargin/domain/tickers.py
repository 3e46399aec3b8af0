"""The 24-hour rolling statistics of ``GET /fapi/v1/ticker/24hr``, from a window's price points.

The window is the last 24 hours up to now, its start floored to the minute: real answers show
``closeTime`` = the moment asked and ``openTime`` = 24 hours earlier floored to a minute
(``1736582843623`` → ``1736496420000``, fapi BTCUSDT capture 2025-01-11, index id 19392738148).
The open price is the price known at the window's start (the last one before it), else its first
point; ``priceChangePercent`` is the change over the open price in percent, to 3 decimals as
every capture shows (``"-0.472"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from isomargin.domain.candles import MINUTE_MS, Point

DAY_MS = 24 * 3_600_000
ZERO = Decimal(0)
PERCENT_PLACES = Decimal("0.001")


def window_open(now_ms: int) -> int:
    return (now_ms - DAY_MS) // MINUTE_MS * MINUTE_MS


@dataclass(frozen=True, slots=True)
class DayStats:
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    volume: Decimal
    quote_volume: Decimal
    #: quote volume over volume; zero when nothing traded
    weighted_average: Decimal
    change: Decimal
    change_percent: Decimal


def day_stats(points: Sequence[Point], prior: Decimal | None, current: Decimal) -> DayStats:
    """Statistics of ``points`` (sorted, all in the window); ``prior`` is the price known at the
    window's start, ``current`` the price to show when nothing is known at all."""
    opening = prior if prior is not None else points[0].price if points else current
    prices = [opening, *(p.price for p in points)]
    volume = sum((p.qty for p in points), ZERO)
    quote = sum((p.quote for p in points), ZERO)
    last = prices[-1]
    change = last - opening
    percent = (change * 100 / opening).quantize(PERCENT_PLACES, ROUND_HALF_UP) if opening else ZERO
    return DayStats(
        opening,
        max(prices),
        min(prices),
        last,
        volume,
        quote,
        quote / volume if volume else ZERO,
        change,
        percent,
    )
