"""The engine: what a price move causes, in a fixed order, inside the move's transaction (issue 12).

Whatever moves a price calls :func:`move_price` — ``PUT /_isomargin/v1/markPrices/{symbol}``
today; path steps, clock advances and funding settlements (issue 13) will call the same — and
nothing else decides what happened: no thread runs on its own, so the same inputs give the same
fills, liquidations and margin calls, in the same order, on SQLite and PostgreSQL, with any number
of workers.

Order within one move: the book and mark are stored; resting LIMIT orders the new book crosses
fill (``service.matching``); conditional orders the new prices reach trigger
(``service.algo_orders``); then liquidations (``service.liquidation``); then margin calls
(``service.margin_calls``); then the symbol's ADL quantiles are ranked again if their refresh
interval is up (``service.adl``: the ranking is O(n) in the symbol's positions, so it runs at most
once per ``adlRefreshMs`` of server time, as Binance refreshes them every 30 s; a move within the
interval costs one read and at most one small write for it).

Locks: price moves run one at a time, then the symbol exclusively, then accounts in id order
within each step (``store.risk``); transfers and orders take the symbol shared before their one
account, so a transfer checked against the old mark waits for the move and never leaves a
position alive below its liquidation price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.service import adl, algo_orders, liquidation, margin_calls, matching
from isomargin.service.book import Book
from isomargin.service.context import ServiceContext
from isomargin.store import Tx, risk, trading
from isomargin.symbols import SymbolSpec


@dataclass(frozen=True, slots=True)
class MoveReport:
    """What one price move caused (the reply of ``PUT /_isomargin/v1/markPrices/{symbol}``)."""

    symbol: str
    book: Book
    time: int
    fills: tuple[matching.RestingFill, ...]
    liquidations: tuple[liquidation.Liquidated, ...]
    margin_calls: tuple[margin_calls.MarginCalled, ...]
    #: conditional orders the move triggered (after fills, before liquidations)
    triggers: tuple[algo_orders.Triggered, ...] = ()


class DryRun(Exception):
    """Raised at the end of a dry-run move so its transaction rolls back; carries the report."""

    def __init__(self, report: MoveReport) -> None:
        super().__init__("dry run")
        self.report = report


def move_price(tx: Tx, ctx: ServiceContext, symbol: str, book: Book, *, dry_run: bool = False) -> MoveReport:
    """Store ``book`` for ``symbol`` and apply everything it causes; :class:`DryRun` when ``dry_run``."""
    spec = ctx.symbol(symbol)
    risk.lock_price_moves(tx)
    risk.lock_symbol(tx, symbol, exclusive=True)
    trading.set_book(tx, symbol, book.mark, book.bid, book.ask, ctx.now_ms)
    filled = matching.fill_crossed(tx, ctx, symbol, book)
    triggered = algo_orders.trigger_crossed(tx, ctx, spec, book)
    algo_orders.trail_crossed(tx, ctx, spec, book)  # trailing stops the move did not fire follow it
    # a dry run rolls back: its ranking (O(n) when due) would show in nothing it answers
    liquidated, called = consequences(tx, ctx, spec, book.mark, rank_adl=not dry_run)
    report = MoveReport(symbol, book, ctx.now_ms, tuple(filled), liquidated, called, tuple(triggered))
    if dry_run:
        raise DryRun(report)
    return report


def consequences(
    tx: Tx, ctx: ServiceContext, spec: SymbolSpec, mark: Decimal, *, rank_adl: bool = True
) -> tuple[tuple[liquidation.Liquidated, ...], tuple[margin_calls.MarginCalled, ...]]:
    """The steps after fills and triggers, whatever moved the margin: liquidations, then margin
    calls. A price move runs them; so does a funding settlement (a wallet move at a standing mark).
    The caller holds the price-move and symbol locks."""
    liquidated = liquidation.liquidate_reached(tx, ctx, spec, mark)
    called = margin_calls.call_reached(tx, ctx, spec, mark)
    if rank_adl:
        adl.refresh(tx, ctx, spec.symbol, mark)  # last: ranks the positions the move left, when due
    return tuple(liquidated), tuple(called)
