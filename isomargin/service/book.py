"""Each symbol's book top — the best bid and ask orders fill against — stored, else the mark.

isomargin has no order book of other traders: a symbol's book is one bid and one ask of
unlimited size — unless a ladder of levels behind them is configured (domain/depth.py) — set with
the mark price through the control plane
(``PUT /_isomargin/v1/markPrices/{symbol}`` with optional ``bidPrice``/``askPrice``). A PUT
without them puts both at the mark, so the book never lags the mark (issue 11). A symbol never
priced has its default mark price as mark, bid and ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain.depth import Ladder
from isomargin.domain.orders import OrderSide
from isomargin.store import Tx, trading
from isomargin.symbols import SymbolSpec


@dataclass(frozen=True, slots=True)
class Book:
    mark: Decimal
    bid: Decimal
    ask: Decimal
    #: levels behind the top (``PUT /_isomargin/v1/depth/{symbol}``); None: the top alone, unlimited
    ladder: Ladder | None = None

    def best_for(self, side: OrderSide) -> Decimal:
        """The price a taker on ``side`` fills at: a BUY takes the ask, a SELL the bid."""
        return self.ask if side is OrderSide.BUY else self.bid


def book_or_default(spec: SymbolSpec, stored: trading.StoredBook | None) -> Book:
    """The rule: stored prices win; a missing bid or ask is at the mark; an unpriced symbol at its default."""
    if stored is None:
        mark = spec.default_mark_price
        return Book(mark, mark, mark)
    return Book(
        stored.mark,
        stored.mark if stored.bid is None else stored.bid,
        stored.mark if stored.ask is None else stored.ask,
        stored.ladder,
    )


def book(tx: Tx, spec: SymbolSpec) -> Book:
    return book_or_default(spec, trading.get_book(tx, spec.symbol))


def level_quantity(top: Book, spec: SymbolSpec) -> Decimal:
    """The size the book shows at each of its levels: the ladder's quantity (domain/depth.py).
    Without a ladder the top has no size (unlimited): shown as the symbol's LOT_SIZE ``maxQty``, the
    most one order can take at that price, so no order a client sizes from it is refused for lack
    of depth (assumed; bookTicker, its stream and depth all show it)."""
    return spec.max_qty if top.ladder is None else top.ladder.quantity
