"""``<symbol>@forceOrder`` and ``!forceOrder@arr``: the liquidation orders the engine fills, as
Binance's Liquidation Order Streams push them [doc LOS] (reference §3.3).

"The Liquidation Order Snapshot Streams push force liquidation order information for specific
symbol. For each symbol, only the latest one liquidation order within 1000ms will be pushed as the
snapshot. If no liquidation happens in the interval of 1000ms, no stream will be pushed."
``!forceOrder@arr`` is the same for every symbol, one frame per symbol (not an array).

Frame, in the doc's order, as observed [obs BBGO-1232]::

    {"e":"forceOrder","E":1695714031883,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC",
     "q":"0.115","p":"26142.12","ap":"26245.10","X":"FILLED","l":"0.115","z":"0.115","T":1695714031881}}

``p`` is the liquidation order's (bankruptcy-side) price, ``ap`` its average fill (cumQuote /
executedQty, as forceOrders' ``avgPrice``), ``T`` the fill's time; prices at the symbol's price
precision and quantities at its quantity precision, as observed. The engine fills at the mark,
which need not be on the tick: ``ap`` is then rounded half up to the price precision (assumed:
Binance's fills are on the tick, and its frames show no more places). The engine fills each
liquidation order in one go, so ``l`` = ``z`` = ``q``. ``E`` is when the frame is sent, by the
server clock. On ``/stream`` paths each frame is wrapped ``{"stream", "data"}``.

Each worker reads, once a second while a forceOrder stream is subscribed (the market streams'
round, ``api/stream/market.py``), each symbol's latest liquidation order committed since its last
read: a range of the orders' primary key past a cursor. Liquidation orders are written only by
price moves and funding settlements, which run one at a time (``store.risk.lock_price_moves``),
so their ids become visible in increasing order and the cursor misses none; a liquidation on any
worker reaches every worker's subscribers within a second. A subscriber gets the liquidations
that come after its worker started reading (assumed: Binance's stream has no history either).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from isomargin.api.stream.connection import Connection
from isomargin.money import fixed
from isomargin.service.fills import average_price
from isomargin.service.order_queries import OrderView
from isomargin.symbols import SymbolSpec

_NAME = re.compile(r"^(?:([a-z0-9]+)@forceOrder|!forceOrder@arr)$")


def served(name: str) -> bool:
    return _NAME.match(name) is not None


def _price(value: Decimal, spec: SymbolSpec) -> str:
    return fixed(value, spec.price_precision)


def _quantity(value: Decimal, spec: SymbolSpec) -> str:
    return fixed(value, spec.quantity_precision)


def frame(view: OrderView, now_ms: int) -> dict[str, Any]:
    """A filled liquidation order as a ``forceOrder`` frame."""
    spec, order = view.spec, view.order
    average = average_price(order)
    return {
        "e": "forceOrder",
        "E": now_ms,
        "o": {
            "s": spec.symbol,
            "S": order.side,
            "o": order.type,
            "f": order.time_in_force,
            "q": _quantity(order.orig_qty, spec),
            "p": _price(order.price, spec),
            "ap": _price(average, spec),
            "X": order.status,
            "l": _quantity(order.executed_qty, spec),
            "z": _quantity(order.executed_qty, spec),
            "T": order.update_time,
        },
    }


def due(
    latest: list[OrderView], now_ms: int, subscribers: dict[Connection, list[str]]
) -> list[tuple[Connection, str, dict[str, Any]]]:
    """The frames to send for one round's liquidations (each symbol's latest), per subscription."""
    frames = {view.spec.symbol.lower(): frame(view, now_ms) for view in latest}
    out = []
    for connection, names in subscribers.items():
        for name in names:
            match = _NAME.match(name)
            if match is None:
                continue
            symbol = match.group(1)
            if symbol is None:
                out += [(connection, name, data) for _, data in sorted(frames.items())]
            elif symbol in frames:
                out.append((connection, name, frames[symbol]))
    return out
