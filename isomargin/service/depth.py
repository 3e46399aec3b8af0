"""Configuring a symbol's ladder of levels behind the book top (issue 13, domain/depth.py).

``PUT /_isomargin/v1/depth/{symbol}`` sets it, ``GET`` shows it, ``DELETE`` puts the book back to
its top alone. The ladder is stored with the book top (``mark_prices``), so every order reads it
in the statement that reads the top, on every worker.
"""

from __future__ import annotations

from decimal import Decimal

from isomargin.domain.depth import Ladder
from isomargin.service.context import ServiceContext
from isomargin.service.errors import AdminError, control_symbol
from isomargin.store import Tx, trading


def set_ladder(tx: Tx, ctx: ServiceContext, symbol: str, step: Decimal, quantity: Decimal) -> Ladder:
    """Levels ``step`` apart (a positive multiple of the tick size), ``quantity`` at each (a
    positive multiple of the lot step)."""
    spec = control_symbol(ctx.symbols, symbol)
    if step <= 0 or step % spec.tick_size != 0:
        raise AdminError(f"step must be a positive multiple of {symbol}'s tickSize {spec.tick_size}")
    if quantity <= 0 or quantity % spec.step_size != 0:
        raise AdminError(f"quantity must be a positive multiple of {symbol}'s stepSize {spec.step_size}")
    ladder = Ladder(step, quantity)
    trading.set_ladder(tx, symbol, ladder, spec.default_mark_price, ctx.now_ms)
    return ladder


def ladder_of(tx: Tx, ctx: ServiceContext, symbol: str) -> Ladder | None:
    control_symbol(ctx.symbols, symbol)
    stored = trading.get_book(tx, symbol)
    return None if stored is None else stored.ladder


def drop_ladder(tx: Tx, ctx: ServiceContext, symbol: str) -> bool:
    """The book back to its top alone; whether there was a ladder."""
    had = ladder_of(tx, ctx, symbol) is not None
    if had:
        trading.set_ladder(tx, symbol, None, control_symbol(ctx.symbols, symbol).default_mark_price, ctx.now_ms)
    return had
