"""Klines, the premium index and 24-hour statistics, worked by hand (isomargin/domain/candles.py,
premium.py, tickers.py).

Times are written as UTC calendar times; each expected open time is the calendar rule of the
interval, worked out below, not recomputed by the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from isomargin.domain.candles import Candle, Interval, Point, candles, close_time, open_time, shift, window
from isomargin.domain.premium import premium_index
from isomargin.domain.tickers import day_stats, window_open


def ms(text: str) -> int:
    """``"2026-12-02 10:36:17.250"`` (UTC) → epoch milliseconds."""
    moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


@pytest.mark.parametrize(
    ("interval", "at", "opened"),
    [
        # fixed intervals: multiples since the epoch, so whole minutes, hours, 4-hour blocks of the day
        (Interval.M1, "2026-12-02 10:36:17.250", "2026-12-02 10:36:00"),
        (Interval.M15, "2026-12-02 10:36:17", "2026-12-02 10:30:00"),
        (Interval.H4, "2026-12-02 10:36:17", "2026-12-02 08:00:00"),
        # 8h bars open at the funding times 00:00, 08:00, 16:00
        (Interval.H8, "2026-12-02 23:59:59.999", "2026-12-02 16:00:00"),
        (Interval.D1, "2026-12-02 00:00:00", "2026-12-02 00:00:00"),
        # 3d: day 3 after the epoch opens a bar (1970-01-04), day 2 is still in the first one
        (Interval.D3, "1970-01-04 12:00:00", "1970-01-04 00:00:00"),
        (Interval.D3, "1970-01-03 23:59:59", "1970-01-01 00:00:00"),
        # 1w: 2026-12-02 is a Wednesday; its week opened on Monday 2026-11-30
        (Interval.W1, "2026-12-02 10:36:17", "2026-11-30 00:00:00"),
        (Interval.W1, "2026-11-30 00:00:00", "2026-11-30 00:00:00"),
        (Interval.W1, "2026-11-29 23:59:59", "2026-11-23 00:00:00"),
        # 1M: the first of the calendar month
        (Interval.MONTH, "2026-12-31 23:59:59", "2026-12-01 00:00:00"),
        (Interval.MONTH, "2024-02-29 12:00:00", "2024-02-01 00:00:00"),
    ],
)
def test_open_times_are_aligned_as_binance_aligns_them(interval: Interval, at: str, opened: str) -> None:
    assert open_time(interval, ms(at)) == ms(opened)


def test_close_time_is_the_next_open_minus_one_millisecond() -> None:
    # the doc's example bar closes at 1499644799999, one ms before the next bar opens
    assert close_time(Interval.M1, ms("2026-12-02 10:36:00")) == ms("2026-12-02 10:36:59.999")
    # a leap February is 29 days long; January after December changes the year
    assert close_time(Interval.MONTH, ms("2024-02-01 00:00:00")) == ms("2024-02-29 23:59:59.999")
    assert shift(Interval.MONTH, ms("2026-12-01 00:00:00"), 1) == ms("2027-01-01 00:00:00")
    assert shift(Interval.MONTH, ms("2026-12-01 00:00:00"), -12) == ms("2025-12-01 00:00:00")
    assert shift(Interval.W1, ms("2026-11-30 00:00:00"), -1) == ms("2026-11-23 00:00:00")


T0 = ms("2026-01-05 00:00:00")
MIN = 60_000


def test_bars_carry_the_last_price_through_a_quiet_minute() -> None:
    """Minute 0: a taker BUY of 1 at 101, then a move to 99; minutes 1 and 2: nothing; minute 3: a
    fill of 2 at 102 that a seller took. The price known before minute 0 is 100."""
    points = [
        Point(T0 + 10_000, D("101"), D("1"), D("101"), D("1"), D("101")),
        Point(T0 + 20_000, D("99"), counted=False),
        Point(T0 + 3 * MIN + 5_000, D("102"), D("2"), D("204")),
    ]
    bars = candles(Interval.M1, T0, T0 + 3 * MIN, points, D("100"))
    zero = D(0)
    assert bars == [
        # opens at the price known (100), high 101, low 99, closes at the move's 99; one trade
        Candle(T0, D("100"), D("101"), D("99"), D("99"), D("1"), T0 + MIN - 1, D("101"), 1, D("1"), D("101")),
        # flat at 99, no volume, no trades
        Candle(T0 + MIN, D("99"), D("99"), D("99"), D("99"), zero, T0 + 2 * MIN - 1, zero, 0, zero, zero),
        Candle(T0 + 2 * MIN, D("99"), D("99"), D("99"), D("99"), zero, T0 + 3 * MIN - 1, zero, 0, zero, zero),
        # opens at 99, trades at 102: high 102, volume 2, quote 204, no taker buy
        Candle(T0 + 3 * MIN, D("99"), D("102"), D("99"), D("102"), D("2"), T0 + 4 * MIN - 1, D("204"), 1, zero, zero),
    ]


def test_no_bar_before_the_first_price_ever() -> None:
    """Nothing known before minute 1: minute 0 is left out, as Binance shows no bars before a listing."""
    bars = candles(Interval.M1, T0, T0 + MIN, [Point(T0 + MIN + 1, D("50"))], None)
    assert [(b.open_time, b.open, b.close, b.count) for b in bars] == [(T0 + MIN, D("50"), D("50"), 1)]


def test_points_outside_the_bars_are_ignored() -> None:
    points = [Point(T0 - 1, D("1")), Point(T0 + 5, D("2")), Point(T0 + MIN, D("3"))]
    (bar,) = candles(Interval.M1, T0, T0, points, D("9"))
    assert (bar.open, bar.high, bar.low, bar.close, bar.count) == (D("9"), D("9"), D("2"), D("2"), 1)


NOW = T0 + 2 * MIN + 30_000  # inside the bar opened at minute 2


@pytest.mark.parametrize(
    ("start", "end", "limit", "earliest", "expected"),
    [
        # neither: the `limit` bars up to the one open now
        (None, None, 3, T0 - 10 * MIN, (T0, T0 + 2 * MIN)),
        (None, None, 500, T0 - 10 * MIN, (T0 - 10 * MIN, T0 + 2 * MIN)),  # not before the earliest point
        # start: the first bar opening at or after it (30 s in: the next minute), at most `limit`
        (T0 + 30_000, None, 3, T0 - 10 * MIN, (T0 + MIN, T0 + 2 * MIN)),
        (T0, None, 2, T0 - 10 * MIN, (T0, T0 + MIN)),
        # end only: the `limit` bars up to the one holding end
        (None, T0 + MIN + 1, 3, T0 - 10 * MIN, (T0 - MIN, T0 + MIN)),
        # both: bars opening in [start, end]
        (T0, T0 + MIN, 500, T0 - 10 * MIN, (T0, T0 + MIN)),
        # nothing recorded, or a window before anything was: no bars
        (None, None, 3, None, None),
        (T0 - 20 * MIN, T0 - 15 * MIN, 3, T0 - 10 * MIN, None),
    ],
)
def test_window_chooses_bars_by_open_time(
    start: int | None, end: int | None, limit: int, earliest: int | None, expected: tuple[int, int] | None
) -> None:
    assert window(Interval.M1, NOW, start, end, limit, earliest) == expected


@pytest.mark.parametrize(
    ("bid", "ask", "premium"),
    [
        ("99", "101", "0"),  # a book around its index: no premium
        ("101", "102", "0.01"),  # bid 1 above an index of 100: (1 - 0) / 100
        ("98", "99", "-0.01"),  # ask 1 below: (0 - 1) / 100
    ],
)
def test_premium_index(bid: str, ask: str, premium: str) -> None:
    assert premium_index(D("100"), D(bid), D(ask)) == D(premium)


def test_day_stats() -> None:
    """Price known at the window's start 100; a fill of 1 at 110, then a move to 90."""
    stats = day_stats([Point(1, D("110"), D("1"), D("110")), Point(2, D("90"), counted=False)], D("100"), D("1"))
    assert (stats.open, stats.high, stats.low, stats.last) == (D("100"), D("110"), D("90"), D("90"))
    assert (stats.volume, stats.quote_volume, stats.weighted_average) == (D("1"), D("110"), D("110"))
    # change 90 - 100 = -10, -10 / 100 = -10.000 %
    assert (stats.change, stats.change_percent) == (D("-10"), D("-10.000"))
    # nothing known at all: every price is the current one, nothing traded
    quiet = day_stats([], None, D("3000"))
    assert (quiet.open, quiet.last, quiet.change_percent, quiet.weighted_average) == (D("3000"), D("3000"), 0, 0)


def test_day_window_opens_24_hours_back_floored_to_the_minute() -> None:
    # the 2025-01-11 capture: closeTime 1736582843623 → openTime 1736496420000
    assert window_open(1736582843623) == 1736496420000
