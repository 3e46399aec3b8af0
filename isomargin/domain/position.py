"""An isolated USDⓈ-M position and the per-position quantities Binance reports for it.

Field meanings follow ``GET /fapi/v3/positionRisk`` and ``GET /fapi/v3/account`` [PR3][ACC3]:
https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V3

All money is :class:`~decimal.Decimal`; arithmetic runs in :data:`DECIMAL_CONTEXT` so results never
depend on (or change) the caller's thread-local decimal context. The formulas every request runs
(these, and their callers on positionMargin's and positionRisk's paths) call the context's own
methods (``C.multiply(a, b)``) instead of entering ``localcontext(DECIMAL_CONTEXT)``: the same
arithmetic in the same context, without copying and installing a context each time (~0.7 µs a
call; docs/BENCHMARKS.md, 2026-12-02).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum

from isomargin.domain.value import value

# 34 significant digits (IEEE decimal128): products of two 17-digit operands are exact, and a
# quotient's relative error is ~1e-34, far below the 8 decimals Binance shows.
DECIMAL_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)


class PositionSide(StrEnum):
    """``positionSide``: ``BOTH`` in one-way mode, ``LONG``/``SHORT`` legs in hedge mode [PSD]."""

    BOTH = "BOTH"
    LONG = "LONG"
    SHORT = "SHORT"


@value
class IsolatedPosition:
    """One isolated position (one-way ``BOTH`` row or one hedge leg).

    ``position_amt`` is signed the way Binance shows ``positionAmt``: negative for a short, so a
    ``LONG`` leg is never negative and a ``SHORT`` leg never positive. ``isolated_wallet`` is
    ``isolatedWallet`` (``iw`` in streams), the margin allocated to the position, without PnL [AU].
    """

    position_side: PositionSide
    position_amt: Decimal
    entry_price: Decimal
    isolated_wallet: Decimal
    leverage: int

    def __post_init__(self) -> None:
        if self.leverage < 1:
            raise ValueError(f"leverage must be >= 1, got {self.leverage}")
        if self.entry_price < 0:
            raise ValueError(f"entry_price must be >= 0, got {self.entry_price}")
        if self.position_side is PositionSide.LONG and self.position_amt < 0:
            raise ValueError(f"a LONG leg cannot have a negative position_amt ({self.position_amt})")
        if self.position_side is PositionSide.SHORT and self.position_amt > 0:
            raise ValueError(f"a SHORT leg must have a non-positive position_amt ({self.position_amt})")


def direction(pos: IsolatedPosition) -> int:
    """``+1`` for a long, ``-1`` for a short, ``0`` when flat (the sign of ``positionAmt``)."""
    if pos.position_amt > 0:
        return 1
    if pos.position_amt < 0:
        return -1
    return 0


def notional(pos: IsolatedPosition, mark_price: Decimal) -> Decimal:
    """Signed ``notional`` = ``positionAmt × markPrice`` [PR3] (negative for a short)."""
    return DECIMAL_CONTEXT.multiply(pos.position_amt, mark_price)


def unrealized_pnl(pos: IsolatedPosition, mark_price: Decimal) -> Decimal:
    """``unRealizedProfit`` = ``positionAmt × (markPrice − entryPrice)`` [PR3].

    The signed amount makes one formula serve both directions: a short gains when mark < entry.
    """
    c = DECIMAL_CONTEXT
    return c.multiply(pos.position_amt, c.subtract(mark_price, pos.entry_price))


def isolated_margin(pos: IsolatedPosition, mark_price: Decimal) -> Decimal:
    """``isolatedMargin`` = ``isolatedWallet + unRealizedProfit`` [obs I239], reference §6.1.

    Verified on a real ``/fapi/v3/account`` row: 195.16329420 + (−20.248) = 174.91529420
    (https://github.com/binance/binance-futures-connector-python/issues/239).
    """
    return DECIMAL_CONTEXT.add(pos.isolated_wallet, unrealized_pnl(pos, mark_price))


def initial_margin(pos: IsolatedPosition, mark_price: Decimal) -> Decimal:
    """``initialMargin`` = ``abs(notional) / leverage`` [ACC3], reference §6.1.

    Real row [obs I239]: notional 955.02 at leverage 5 → 191.004.
    """
    c = DECIMAL_CONTEXT
    return c.divide(c.abs(notional(pos, mark_price)), pos.leverage)
