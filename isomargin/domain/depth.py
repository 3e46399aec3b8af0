"""A configured order book: levels of other traders' liquidity behind the book top (issue 13).

isomargin has no other traders. Unless told otherwise a symbol's book is one bid and one ask of
unlimited size (``service/book.py``): every taker order fills at the top. A *ladder* set through
the control plane (``PUT /_isomargin/v1/depth/{symbol}`` ``{"step": "0.10", "quantity": "0.5"}``)
puts ``quantity`` at the bid and at every ``step`` below it, and ``quantity`` at the ask and at
every ``step`` above it. ``GET /fapi/v1/depth`` shows those levels, and a taker order walks them:
a MARKET BUY of 1.2 against an ask of 100 with ``quantity`` 0.5 fills 0.5 at 100, 0.5 at 100.10
and 0.2 at 100.20 — three trades, as Binance fills an order that takes several levels.

Assumed (docs/COVERAGE.md): the ladder goes on without end (a market order always fills), each
level holds the same quantity, and the liquidity an order takes is back at once — the book is
the market's, set by the control plane, and a trade does not move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain.orders import OrderSide


@dataclass(frozen=True, slots=True)
class Ladder:
    """Levels ``step`` apart behind each side of the book top, ``quantity`` at each."""

    step: Decimal
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Slice:
    """What an order takes at one price."""

    price: Decimal
    quantity: Decimal


def level_prices(top: Decimal, ladder: Ladder, *, bids: bool, count: int) -> list[Decimal]:
    """The first ``count`` prices of one side from its top: bids fall, asks rise; no bid at or below 0."""
    sign = -1 if bids else 1
    prices = (top + sign * n * ladder.step for n in range(count))
    return [p for p in prices if p > 0]


def walk(
    side: OrderSide, best: Decimal, ladder: Ladder | None, quantity: Decimal, limit: Decimal | None
) -> list[Slice]:
    """What a taker order of ``quantity`` on ``side`` takes, level by level from ``best`` (the ask
    for a BUY, the bid for a SELL), no further than ``limit`` (a LIMIT order's price; None: MARKET).

    Without a ladder the top has unlimited size: all at ``best``, or nothing when ``limit`` does
    not reach it.
    """
    buy = side is OrderSide.BUY

    def beyond_limit(price: Decimal) -> bool:
        return limit is not None and (price > limit if buy else price < limit)

    if ladder is None:
        return [] if beyond_limit(best) else [Slice(best, quantity)]
    slices = []
    left = quantity
    price = best
    while left > 0 and price > 0 and not beyond_limit(price):
        taken = min(left, ladder.quantity)
        slices.append(Slice(price, taken))
        left -= taken
        price = price + ladder.step if buy else price - ladder.step
    return slices
