"""Klines, tickers and the book [KL][MPK][PIK][TP][TP2][BT][24H][OB]: parse, weigh, render.

Shapes as the doc pages and the official SDK's models (binance-sdk-derivatives-trading-usds-futures
18.1.0) list them, JSON types and number formats as real answers show them:

- klines: 12-element arrays ``[openTime, open, high, low, close, volume, closeTime, quoteVolume,
  count, takerBuyVolume, takerBuyQuoteVolume, "0"]`` [doc KL]; prices at the symbol's price
  precision, volumes at its quantity precision, quote volumes at both together (``"57212.69"``,
  ``"496.263"``, ``"28425514.78940"``: fapi BTCUSDT 5m bars, 2021, hexdocs binance_futures);
- mark and premium-index klines: four prices with 8 decimals, the volume fields ``"0"`` and the
  count (the updates in the bar) as an integer — ``[…,"85573.82868116","85594.40000000",…,"0",
  …,"0",60,"0","0","0"]`` (a client's fixture of the fapi answer, index id 68514238008);
- ``ticker/price``: ``symbol, price, time``; ``ticker/bookTicker``: ``symbol, bidPrice, bidQty,
  askPrice, askQty, time`` [doc TP][doc BT]; with ``symbol`` one object, without it an array;
- ``ticker/24hr``: as a fapi BTCUSDT answer of 2025-01-11 (index id 19392738148): prices at the
  price precision (``"95771.60"``), ``priceChangePercent`` 3 decimals, ``lastQty``/``volume`` at
  the quantity precision, ``quoteVolume`` 2 decimals;
- depth: ``lastUpdateId, E, T, bids, asks`` with ``[price, qty]`` string pairs (same capture).

Weights from each page: klines by ``limit`` (1 below 100, 2 below 500, 5 to 1000, 10 above);
depth by ``limit`` (5/10/20/50: 2, 100: 5, 500: 10, 1000: 20); ticker/price 1 (2 without
symbol); bookTicker 2 (5 without symbol); 24hr 1 (40 without symbol).
"""

from __future__ import annotations

from decimal import Decimal

from isomargin import errors
from isomargin.api.params import Params
from isomargin.domain.candles import Candle, Interval
from isomargin.domain.depth import level_prices
from isomargin.money import fixed, places
from isomargin.service.book import Book, level_quantity
from isomargin.service.market_data import (
    BookTop,
    DayTicker,
    Depth,
    DepthQuery,
    KlineQuery,
    Klines,
    LastPrice,
)
from isomargin.service.reads import SymbolQuery
from isomargin.symbols import SymbolSpec

#: klines' ``limit``: "Default 500; max 1500." [doc KL]
KLINES_DEFAULT_LIMIT, KLINES_MAX_LIMIT = 500, 1500
#: depth's ``limit``: "Default 500; Valid limits:[5, 10, 20, 50, 100, 500, 1000]" [doc OB], with weights
DEPTH_WEIGHTS = ((50, 2), (100, 5), (500, 10), (1000, 20))
DEPTH_DEFAULT_LIMIT, DEPTH_MAX_LIMIT = 500, 1000
#: mark and premium-index prices are shown with 8 decimals, as premiumIndex's markPrice
INDEX_PLACES = 8


def _limit(params: Params, default: int, top: int) -> int:
    value = params.integer("limit", mandatory=False)
    if value is not None and not 1 <= value <= top:  # outside [1, max]: -1130 (assumed, as allOrders')
        raise errors.INVALID_PARAMETER.error("limit")
    return default if value is None else value


def parse_klines(params: Params) -> KlineQuery:
    """``symbol``, ``interval`` (-1120 when not one of Binance's), ``startTime``, ``endTime``, ``limit``.

    ``startTime`` after ``endTime`` is -1023 "Start time is greater than end time." (assumed: the
    error page's code for it; the kline pages do not say)."""
    symbol = params.symbol()
    raw = params.string("interval")
    assert symbol is not None and raw is not None
    try:
        interval = Interval(raw)
    except ValueError:
        raise errors.BAD_INTERVAL.error() from None
    start = params.integer("startTime", mandatory=False)
    end = params.integer("endTime", mandatory=False)
    limit = _limit(params, KLINES_DEFAULT_LIMIT, KLINES_MAX_LIMIT)
    if start is not None and end is not None and start > end:
        raise errors.START_TIME_GREATER_THAN_END_TIME.error()
    return KlineQuery(symbol, interval, start, end, limit)


def klines_weight(params: Params) -> int:
    """By ``limit``: [1,100) 1, [100,500) 2, [500,1000] 5, above 1000 10 [doc KL]; default 500."""
    raw = params.raw("limit")
    limit = KLINES_DEFAULT_LIMIT if raw is None or not raw.isdigit() else int(raw)
    return 1 if limit < 100 else 2 if limit < 500 else 5 if limit <= 1000 else 10


def _price(value: Decimal, spec: SymbolSpec) -> str:
    """At the symbol's price precision, with more places only when the price has them."""
    return fixed(value, max(spec.price_precision, places(value)))


def _qty(value: Decimal, spec: SymbolSpec) -> str:
    return fixed(value, max(spec.quantity_precision, places(value)))


def _quote(value: Decimal, spec: SymbolSpec) -> str:
    return fixed(value, max(spec.price_precision + spec.quantity_precision, places(value)))


def _trade_bar(spec: SymbolSpec, bar: Candle) -> list[object]:
    return [
        bar.open_time,
        _price(bar.open, spec),
        _price(bar.high, spec),
        _price(bar.low, spec),
        _price(bar.close, spec),
        _qty(bar.volume, spec),
        bar.close_time,
        _quote(bar.quote_volume, spec),
        bar.count,
        _qty(bar.taker_buy_volume, spec),
        _quote(bar.taker_buy_quote_volume, spec),
        "0",
    ]


def _index_bar(bar: Candle) -> list[object]:
    prices = (fixed(p, INDEX_PLACES) for p in (bar.open, bar.high, bar.low, bar.close))
    return [bar.open_time, *prices, "0", bar.close_time, "0", bar.count, "0", "0", "0"]


def klines(req: KlineQuery, result: Klines) -> object:
    return [_trade_bar(result.spec, bar) for bar in result.candles]


def index_klines(req: KlineQuery, result: Klines) -> object:
    """Mark-price and premium-index bars: prices only."""
    return [_index_bar(bar) for bar in result.candles]


# --- tickers ------------------------------------------------------------------------------------


def price_ticker_weight(params: Params) -> int:
    """1 with a symbol, 2 without [doc TP]."""
    return 1 if params.raw("symbol") else 2


def book_ticker_weight(params: Params) -> int:
    """2 with a symbol, 5 without [doc BT]."""
    return 2 if params.raw("symbol") else 5


def day_ticker_weight(params: Params) -> int:
    """1 with a symbol, 40 without [doc 24H]."""
    return 1 if params.raw("symbol") else 40


def _one_or_all(req: SymbolQuery, rows: list[dict[str, object]]) -> object:
    return rows[0] if req.symbol else rows


def price_tickers(req: SymbolQuery, prices: list[LastPrice]) -> object:
    rows: list[dict[str, object]] = [
        {"symbol": p.spec.symbol, "price": _price(p.price, p.spec), "time": p.time} for p in prices
    ]
    return _one_or_all(req, rows)


def book_quantity(spec: SymbolSpec, top: Book) -> str:
    """The size at a level of the book (``service.book.level_quantity``)."""
    return fixed(level_quantity(top, spec), spec.quantity_precision)


def book_tickers(req: SymbolQuery, tops: list[BookTop]) -> object:
    rows: list[dict[str, object]] = [
        {
            "symbol": t.spec.symbol,
            "bidPrice": _price(t.book.bid, t.spec),
            "bidQty": book_quantity(t.spec, t.book),
            "askPrice": _price(t.book.ask, t.spec),
            "askQty": book_quantity(t.spec, t.book),
            "time": t.time,
        }
        for t in tops
    ]
    return _one_or_all(req, rows)


def _day_row(t: DayTicker) -> dict[str, object]:
    spec, stats = t.spec, t.stats
    return {
        "symbol": spec.symbol,
        "priceChange": _price(stats.change, spec),
        "priceChangePercent": fixed(stats.change_percent, 3),
        "weightedAvgPrice": fixed(stats.weighted_average, spec.price_precision),
        "lastPrice": _price(stats.last, spec),
        "lastQty": _qty(t.last_qty, spec),
        "openPrice": _price(stats.open, spec),
        "highPrice": _price(stats.high, spec),
        "lowPrice": _price(stats.low, spec),
        "volume": _qty(stats.volume, spec),
        "quoteVolume": fixed(stats.quote_volume, 2),
        "openTime": t.open_time,
        "closeTime": t.close_time,
        "firstId": t.first_id,
        "lastId": t.last_id,
        "count": t.count,
    }


def day_tickers(req: SymbolQuery, tickers: list[DayTicker]) -> object:
    return _one_or_all(req, [_day_row(t) for t in tickers])


# --- order book ---------------------------------------------------------------------------------


def parse_depth(params: Params) -> DepthQuery:
    """Any ``limit`` from 1 to 1000 is read (a limit between the valid ones weighs as the next
    valid one; assumed — the page lists only the valid ones); outside that, -1130 (assumed)."""
    symbol = params.symbol()
    assert symbol is not None
    return DepthQuery(symbol, _limit(params, DEPTH_DEFAULT_LIMIT, DEPTH_MAX_LIMIT))


def depth_weight(params: Params) -> int:
    """By ``limit``: 5/10/20/50 2, 100 5, 500 10, 1000 20 [doc OB]; default 500."""
    raw = params.raw("limit")
    limit = DEPTH_DEFAULT_LIMIT if raw is None or not raw.isdigit() else int(raw)
    return next((weight for top, weight in DEPTH_WEIGHTS if limit <= top), DEPTH_WEIGHTS[-1][1])


def order_book(req: DepthQuery, result: Depth) -> object:
    spec, book = result.spec, result.book
    return {
        "lastUpdateId": result.update_id,
        "E": result.output_time,
        "T": result.time,
        "bids": _levels(book, spec, req.limit, bids=True),
        "asks": _levels(book, spec, req.limit, bids=False),
    }


def _levels(book: Book, spec: SymbolSpec, limit: int, *, bids: bool) -> list[list[str]]:
    """One side of the book: its top alone, or ``limit`` levels of a configured ladder (domain/depth.py)."""
    top = book.bid if bids else book.ask
    prices = [top] if book.ladder is None else level_prices(top, book.ladder, bids=bids, count=limit)
    size = book_quantity(spec, book)
    return [[_price(p, spec), size] for p in prices]
