"""``<symbol>@bookTicker``: each symbol's book top (``service/book.py``) as Binance's book-ticker frame.

Frame, in the order Binance's servers send it (captured frames, 2025-06 and 2025-12; the doc page
lists ``e, u, E, T, s, b, B, a, A``): ``{"e":"bookTicker","u","s","b","B","a","A","T","E"}`` — ``u``,
``T`` and ``E`` integers, prices and quantities strings, prices at the symbol's price precision
(``"126.1800"``). On ``/stream`` paths it is wrapped ``{"stream": <name>, "data": …}``.

The book changes only through the control plane's ``PUT /markPrices/{symbol}``, on any worker. Each
worker reads every book top once a second while a bookTicker is subscribed (the same periodic read
as the mark-price streams, ``api/stream/market.py``) and sends a frame to a subscription whose last
frame showed another bid or ask: a PUT through any worker reaches every worker's clients within a
second, and an unchanged book sends nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from isomargin.api.stream.connection import Connection
from isomargin.money import fixed, places
from isomargin.service.book import Book, book_or_default, level_quantity
from isomargin.service.context import ServiceContext
from isomargin.store import Tx, trading
from isomargin.symbols import SymbolSpec

_NAME = re.compile(r"^([a-z0-9]+)@bookTicker$")


def served(name: str) -> bool:
    return _NAME.match(name) is not None


def symbol_of(name: str) -> str | None:
    """The lowercase symbol a ``<symbol>@bookTicker`` name asks for, else None."""
    match = _NAME.match(name)
    return None if match is None else match.group(1)


@dataclass(frozen=True, slots=True)
class Top:
    spec: SymbolSpec
    book: Book
    #: ``mark_prices.update_time`` of the last PUT; None for a symbol never priced
    update_time: int | None


def tops(tx: Tx, ctx: ServiceContext) -> list[Top]:
    """Every configured symbol's book top, in one statement (an unpriced symbol at its default)."""
    stored = trading.all_books(tx)
    result = []
    for spec in ctx.symbols.values():
        row = stored.get(spec.symbol)
        result.append(
            Top(spec, book_or_default(spec, None if row is None else row[0]), None if row is None else row[1])
        )
    return result


def quantity(spec: SymbolSpec, top: Book) -> str:
    """``B``/``A``: the size at the top (``service.book.level_quantity``)."""
    return fixed(level_quantity(top, spec), spec.quantity_precision)


def _price(value: Decimal, spec: SymbolSpec) -> str:
    return fixed(value, max(spec.price_precision, places(value)))


def frame(top: Top, update_id: int, now_ms: int) -> dict[str, Any]:
    """``T`` is when the book top was set (now for a symbol never priced), ``E`` when the frame is sent."""
    spec, book = top.spec, top.book
    return {
        "e": "bookTicker",
        "u": update_id,
        "s": spec.symbol,
        "b": _price(book.bid, spec),
        "B": quantity(spec, book),
        "a": _price(book.ask, spec),
        "A": quantity(spec, book),
        "T": now_ms if top.update_time is None else top.update_time,
        "E": now_ms,
    }


class BookTickers:
    """One worker's bookTicker state: each symbol's update id and what each subscription was last sent."""

    def __init__(self) -> None:
        #: lowercase symbol → (bid, ask, u) as last read
        self._seen: dict[str, tuple[Decimal, Decimal, int]] = {}
        #: connection → name → the ``u`` it was last sent
        self._sent: dict[Connection, dict[str, int]] = {}

    def _update_id(self, top: Top) -> int:
        """``u``: the ms of the PUT that set the book top (0 never priced), raised past the last id
        this worker gave the symbol when the server clock was set back: so ``u`` only grows per
        symbol, and workers that saw the same PUT give it the same id (assumed; Binance's is its
        order book's update id)."""
        key = top.spec.symbol.lower()
        base = 0 if top.update_time is None else top.update_time
        seen = self._seen.get(key)
        if seen is None:
            update_id = base
        elif (seen[0], seen[1]) == (top.book.bid, top.book.ask):
            return seen[2]
        else:
            update_id = max(base, seen[2] + 1)
        self._seen[key] = (top.book.bid, top.book.ask, update_id)
        return update_id

    def due(
        self, read: list[Top], now_ms: int, subscribers: dict[Connection, list[str]]
    ) -> list[tuple[Connection, str, dict[str, Any]]]:
        """The frames to send now: every bookTicker subscription whose book top moved since its last frame.
        A new subscription gets the current top in the next round, within a second (assumed: Binance's
        book moves every few ms, so a subscriber there sees a frame at once too)."""
        current = {t.spec.symbol.lower(): (t, self._update_id(t)) for t in read}
        out = []
        for connection, names in subscribers.items():
            for name in names:
                symbol = symbol_of(name)
                if symbol is None or symbol not in current:
                    continue
                top, update_id = current[symbol]
                sent = self._sent.setdefault(connection, {})
                if sent.get(name) == update_id:
                    continue
                sent[name] = update_id
                out.append((connection, name, frame(top, update_id, now_ms)))
        return out

    def forget(self, connection: Connection, names: list[str] | None = None) -> None:
        """A dropped connection (``names`` None) or unsubscribed names: a later SUBSCRIBE starts afresh."""
        if names is None:
            self._sent.pop(connection, None)
            return
        sent = self._sent.get(connection)
        if sent is not None:
            for name in names:
                sent.pop(name, None)
