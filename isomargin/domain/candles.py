"""Klines: price points bucketed into Binance's intervals, pure and exact.

Binance's kline endpoints (``/fapi/v1/klines``, ``markPriceKlines``, ``premiumIndexKlines``) answer
bars "uniquely identified by their open time" for the intervals ``1m 3m 5m 15m 30m 1h 2h 4h 6h 8h
12h 1d 3d 1w 1M`` [doc KL]. Open times are UTC:

- ``1m`` … ``1d``: multiples of the interval since the Unix epoch (a ``4h`` bar opens at 00:00,
  04:00, … UTC; an ``8h`` bar at 00:00, 08:00, 16:00 — the funding times);
- ``3d``: multiples of three days since the epoch, like the shorter ones (assumed: no capture
  shows where Binance's 3-day bars start; the epoch rule is the one every fixed interval follows);
- ``1w``: Mondays 00:00 UTC (1970-01-05 was the first Monday after the epoch);
- ``1M``: the first day of the calendar month, 00:00 UTC.

A bar's close time is the next bar's open time minus one millisecond (``1499644799999`` in the
doc's example). A bar in which nothing happened is flat at the last known price with zero volume
and zero count — what Binance shows for a quiet market; bars before the first point ever are not
made at all, as Binance shows none before a symbol's listing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

MINUTE_MS = 60_000
DAY_MS = 1440 * MINUTE_MS
#: 1970-01-05, the first Monday after the epoch: weekly bars open on Mondays
FIRST_MONDAY_MS = 4 * DAY_MS
ZERO = Decimal(0)


class Interval(StrEnum):
    M1 = "1m"
    M3 = "3m"
    M5 = "5m"
    M15 = "15m"
    M30 = "30m"
    H1 = "1h"
    H2 = "2h"
    H4 = "4h"
    H6 = "6h"
    H8 = "8h"
    H12 = "12h"
    D1 = "1d"
    D3 = "3d"
    W1 = "1w"
    MONTH = "1M"


#: length of every interval but the calendar month
FIXED_MS: dict[Interval, int] = {
    Interval.M1: MINUTE_MS,
    Interval.M3: 3 * MINUTE_MS,
    Interval.M5: 5 * MINUTE_MS,
    Interval.M15: 15 * MINUTE_MS,
    Interval.M30: 30 * MINUTE_MS,
    Interval.H1: 60 * MINUTE_MS,
    Interval.H2: 120 * MINUTE_MS,
    Interval.H4: 240 * MINUTE_MS,
    Interval.H6: 360 * MINUTE_MS,
    Interval.H8: 480 * MINUTE_MS,
    Interval.H12: 720 * MINUTE_MS,
    Interval.D1: DAY_MS,
    Interval.D3: 3 * DAY_MS,
    Interval.W1: 7 * DAY_MS,
}


def _month_index(ms: int) -> int:
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.year * 12 + moment.month - 1


def _month_start(index: int) -> int:
    return int(datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC).timestamp()) * 1000


def open_time(interval: Interval, ms: int) -> int:
    """The open time of the bar holding ``ms``."""
    if interval is Interval.MONTH:
        return _month_start(_month_index(ms))
    size = FIXED_MS[interval]
    origin = FIRST_MONDAY_MS if interval is Interval.W1 else 0
    return (ms - origin) // size * size + origin


def shift(interval: Interval, opened: int, bars: int) -> int:
    """The open time ``bars`` bars after (negative: before) the bar opened at ``opened``."""
    if interval is Interval.MONTH:
        return _month_start(_month_index(opened) + bars)
    return opened + bars * FIXED_MS[interval]


def close_time(interval: Interval, opened: int) -> int:
    return shift(interval, opened, 1) - 1


def first_open_at_or_after(interval: Interval, ms: int) -> int:
    opened = open_time(interval, ms)
    return opened if opened >= ms else shift(interval, opened, 1)


@dataclass(frozen=True, slots=True)
class Point:
    """One price at one time, with what traded there (nothing, for a price move)."""

    time: int
    price: Decimal
    qty: Decimal = ZERO
    quote: Decimal = ZERO
    #: the part of ``qty``/``quote`` a buyer took as taker
    taker_buy_qty: Decimal = ZERO
    taker_buy_quote: Decimal = ZERO
    #: counted in the bar's ``count`` (a trade in trade klines; every update in mark klines)
    counted: bool = True


@dataclass(frozen=True, slots=True)
class Candle:
    open_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    close_time: int
    quote_volume: Decimal
    count: int
    taker_buy_volume: Decimal
    taker_buy_quote_volume: Decimal


def window(
    interval: Interval, now_ms: int, start: int | None, end: int | None, limit: int, earliest: int | None
) -> tuple[int, int] | None:
    """The open times of the first and last bar to answer, or None for none.

    Bars are chosen by open time [doc KL]: those opening in ``[start, end]``, at most ``limit`` of
    them from ``start`` on; with only ``end`` (or neither) the ``limit`` bars up to ``end`` (or up
    to the bar open now). Never a bar after the one holding ``now_ms``, nor before the bar of the
    ``earliest`` point (None: nothing was ever recorded, no bars).
    """
    if earliest is None:
        return None
    newest = open_time(interval, now_ms)
    oldest = open_time(interval, earliest)
    if start is not None:
        first = max(first_open_at_or_after(interval, start), oldest)
        last = min(newest, shift(interval, first, limit - 1))
        if end is not None:
            last = min(last, open_time(interval, end))
    else:
        last = newest if end is None else min(newest, open_time(interval, end))
        first = max(oldest, shift(interval, last, -(limit - 1)))
    return None if first > last else (first, last)


def candles(interval: Interval, first: int, last: int, points: Sequence[Point], prior: Decimal | None) -> list[Candle]:
    """The bars opening from ``first`` to ``last`` (open times), from ``points`` sorted by time.

    ``points`` hold every point in those bars (earlier or later ones are ignored); ``prior`` is
    the last price known before ``first`` (None: none), which opens the first bar. A bar with no
    point is flat at the last price known; bars before any price is known are left out.
    """
    result: list[Candle] = []
    index = 0
    while index < len(points) and points[index].time < first:
        index += 1
    last_price = prior
    opened = first
    while opened <= last:
        closes = shift(interval, opened, 1)
        bucket: list[Point] = []
        while index < len(points) and points[index].time < closes:
            bucket.append(points[index])
            index += 1
        if bucket:
            open_price = bucket[0].price if last_price is None else last_price
            prices = [p.price for p in bucket]
            result.append(
                Candle(
                    opened,
                    open_price,
                    max(open_price, *prices),
                    min(open_price, *prices),
                    prices[-1],
                    sum((p.qty for p in bucket), ZERO),
                    closes - 1,
                    sum((p.quote for p in bucket), ZERO),
                    sum(1 for p in bucket if p.counted),
                    sum((p.taker_buy_qty for p in bucket), ZERO),
                    sum((p.taker_buy_quote for p in bucket), ZERO),
                )
            )
            last_price = prices[-1]
        elif last_price is not None:
            result.append(
                Candle(opened, last_price, last_price, last_price, last_price, ZERO, closes - 1, ZERO, 0, ZERO, ZERO)
            )
        opened = closes
    return result
