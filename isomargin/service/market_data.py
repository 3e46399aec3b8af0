"""Market data a bot reads: klines, tickers, the book — built from the prices isomargin has had.

Each function is a public read, ``(tx, ctx, request)`` (``api/route.py``'s ``read_public``), over
the market's history (``store/market.py``): the price moves every path, control-plane PUT or
scenario made (``price_history``), and every account's fills (``trades``).

The market's price — the "last price" of tickers and the price of trade klines — is assumed to
move with the mark: isomargin has no other traders, so a price move stands for the market trading
at its new mark (with no volume and no trade count), and isomargin's own fills add their prices,
volumes and trade counts. A bot driven by a mark-price path then sees that path in its candles
and tickers as it would on Binance, where the last price follows the mark closely; a market
nobody moved or traded shows the symbol's default mark price. Volumes and counts are only ever
real fills.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain.candles import Candle, Interval, Point, candles, close_time, window
from isomargin.domain.premium import premium_index
from isomargin.domain.tickers import DayStats, day_stats, window_open
from isomargin.service.book import Book, book, book_or_default
from isomargin.service.context import ServiceContext
from isomargin.service.reads import SymbolQuery
from isomargin.store import Tx, market, trading
from isomargin.symbols import SymbolSpec

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class KlineQuery:
    symbol: str
    interval: Interval
    start: int | None
    end: int | None
    limit: int


@dataclass(frozen=True, slots=True)
class Klines:
    spec: SymbolSpec
    candles: list[Candle]


def _buy_taken(trade: market.TradeRow) -> bool:
    """Whether a buyer was the taker: a user's taking BUY, or a resting SELL the market bought."""
    return (trade.side == "BUY") != trade.maker


def _trade_point(trade: market.TradeRow) -> Point:
    taken = _buy_taken(trade)
    return Point(
        trade.time,
        trade.price,
        trade.qty,
        trade.quote_qty,
        trade.qty if taken else ZERO,
        trade.quote_qty if taken else ZERO,
    )


def _move_point(move: market.PriceRow) -> Point:
    """A price move as the market trading at its mark: no volume, not a trade (assumed, above)."""
    return Point(move.time, move.mark, counted=False)


def _market_points(tx: Tx, symbol: str, start: int, end: int) -> list[Point]:
    """Moves and fills in ``[start, end]`` in time order; a move before the fills it caused."""
    keyed = [((m.time, 0, m.id), _move_point(m)) for m in market.prices_between(tx, symbol, start, end)]
    keyed += [((t.time, 1, t.id), _trade_point(t)) for t in market.trades_between(tx, symbol, start, end)]
    keyed.sort(key=lambda pair: pair[0])
    return [point for _, point in keyed]


def _market_price_before(tx: Tx, symbol: str, before_ms: int) -> tuple[Decimal, int] | None:
    """The market's price known just before ``before_ms``, with its time (None: none yet)."""
    move = market.price_before(tx, symbol, before_ms)
    trade = market.trade_before(tx, symbol, before_ms)
    candidates = []
    if move is not None:
        candidates.append(((move.time, 0), (move.mark, move.time)))
    if trade is not None:
        candidates.append(((trade.time, 1), (trade.price, trade.time)))
    return max(candidates)[1] if candidates else None


def _earliest(*times: int | None) -> int | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _bars(req: KlineQuery, now_ms: int, earliest: int | None) -> tuple[int, int] | None:
    """The first and last bar's open times (``domain.candles.window``), times outside
    ``[0, now]`` brought inside it: no bar opens before the epoch or after now."""
    if (req.start is not None and req.start > now_ms) or (req.end is not None and req.end < 0):
        return None
    start = None if req.start is None else max(req.start, 0)
    end = None if req.end is None else min(req.end, now_ms)
    return window(req.interval, now_ms, start, end, req.limit, earliest)


def trade_klines(tx: Tx, ctx: ServiceContext, req: KlineQuery) -> Klines:
    """``GET /fapi/v1/klines``: the market's price (moves and fills), fills' volumes and counts."""
    spec = ctx.symbol(req.symbol)
    earliest = _earliest(market.first_price_time(tx, spec.symbol), market.first_trade_time(tx, spec.symbol))
    bars = _bars(req, ctx.now_ms, earliest)
    if bars is None:
        return Klines(spec, [])
    first, last = bars
    points = _market_points(tx, spec.symbol, first, close_time(req.interval, last))
    prior = _market_price_before(tx, spec.symbol, first)
    return Klines(spec, candles(req.interval, first, last, points, None if prior is None else prior[0]))


def _history_klines(
    tx: Tx, ctx: ServiceContext, req: KlineQuery, price_of: Callable[[market.PriceRow], Decimal]
) -> Klines:
    spec = ctx.symbol(req.symbol)
    bars = _bars(req, ctx.now_ms, market.first_price_time(tx, spec.symbol))
    if bars is None:
        return Klines(spec, [])
    first, last = bars
    moves = market.prices_between(tx, spec.symbol, first, close_time(req.interval, last))
    points = [Point(m.time, price_of(m)) for m in moves]
    before = market.price_before(tx, spec.symbol, first)
    prior = None if before is None else price_of(before)
    return Klines(spec, candles(req.interval, first, last, points, prior))


def _mark_of(move: market.PriceRow) -> Decimal:
    return move.mark


def _premium_of(move: market.PriceRow) -> Decimal:
    return premium_index(move.mark, move.bid, move.ask)


def mark_klines(tx: Tx, ctx: ServiceContext, req: KlineQuery) -> Klines:
    """``GET /fapi/v1/markPriceKlines``: the mark of every recorded move; count = moves in the bar."""
    return _history_klines(tx, ctx, req, _mark_of)


def premium_klines(tx: Tx, ctx: ServiceContext, req: KlineQuery) -> Klines:
    """``GET /fapi/v1/premiumIndexKlines``: each move's premium index (``domain/premium.py``)."""
    return _history_klines(tx, ctx, req, _premium_of)


# --- tickers ------------------------------------------------------------------------------------


def _specs(ctx: ServiceContext, req: SymbolQuery) -> list[SymbolSpec]:
    return [ctx.symbol(req.symbol)] if req.symbol else list(ctx.symbols.values())


@dataclass(frozen=True, slots=True)
class LastPrice:
    spec: SymbolSpec
    price: Decimal
    #: when the market last moved or traded (now for a market never moved)
    time: int


def last_price(tx: Tx, ctx: ServiceContext, spec: SymbolSpec) -> LastPrice:
    known = _market_price_before(tx, spec.symbol, ctx.now_ms + 1)
    if known is None:
        return LastPrice(spec, spec.default_mark_price, ctx.now_ms)
    return LastPrice(spec, known[0], known[1])


def last_prices(tx: Tx, ctx: ServiceContext, req: SymbolQuery) -> list[LastPrice]:
    """``GET /fapi/v1/ticker/price`` (and v2): one symbol, or every one in configuration order."""
    return [last_price(tx, ctx, spec) for spec in _specs(ctx, req)]


@dataclass(frozen=True, slots=True)
class BookTop:
    spec: SymbolSpec
    book: Book
    #: when the book top was last set (now for a symbol never priced)
    time: int


def book_tops(tx: Tx, ctx: ServiceContext, req: SymbolQuery) -> list[BookTop]:
    """``GET /fapi/v1/ticker/bookTicker``: each book top (``service/book.py``), in one statement."""
    stored = trading.all_books(tx)
    tops = []
    for spec in _specs(ctx, req):
        row = stored.get(spec.symbol)
        top = book_or_default(spec, None if row is None else row[0])
        tops.append(BookTop(spec, top, ctx.now_ms if row is None else row[1]))
    return tops


@dataclass(frozen=True, slots=True)
class DayTicker:
    spec: SymbolSpec
    stats: DayStats
    #: the last fill's quantity in the window (zero: none)
    last_qty: Decimal
    open_time: int
    close_time: int
    #: first and last trade id in the window, -1 when none (assumed, as spot answers a quiet window)
    first_id: int
    last_id: int
    count: int


def _day_ticker(tx: Tx, ctx: ServiceContext, spec: SymbolSpec) -> DayTicker:
    opened = window_open(ctx.now_ms)
    points = _market_points(tx, spec.symbol, opened, ctx.now_ms)
    prior = _market_price_before(tx, spec.symbol, opened)
    trades = market.trades_between(tx, spec.symbol, opened, ctx.now_ms)
    stats = day_stats(points, None if prior is None else prior[0], last_price(tx, ctx, spec).price)
    return DayTicker(
        spec,
        stats,
        trades[-1].qty if trades else ZERO,
        opened,
        ctx.now_ms,
        trades[0].id if trades else -1,
        trades[-1].id if trades else -1,
        len(trades),
    )


def day_tickers(tx: Tx, ctx: ServiceContext, req: SymbolQuery) -> list[DayTicker]:
    """``GET /fapi/v1/ticker/24hr``: the rolling 24 hours up to now (``domain/tickers.py``)."""
    return [_day_ticker(tx, ctx, spec) for spec in _specs(ctx, req)]


# --- order book ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DepthQuery:
    symbol: str
    limit: int


@dataclass(frozen=True, slots=True)
class Depth:
    spec: SymbolSpec
    book: Book
    #: the id of the symbol's latest price move (0: never moved): grows with every book change
    update_id: int
    #: when the book was last set (now for a symbol never priced): ``T``
    time: int
    #: when the answer is made: ``E``
    output_time: int


def depth(tx: Tx, ctx: ServiceContext, req: DepthQuery) -> Depth:
    """``GET /fapi/v1/depth``: isomargin's book is one bid and one ask (``service/book.py``), so
    every limit answers that one level a side — unless a ladder is configured (domain/depth.py):
    then ``limit`` levels a side."""
    spec = ctx.symbol(req.symbol)
    stored = trading.all_books(tx).get(spec.symbol)
    return Depth(
        spec,
        book(tx, spec),
        market.last_price_id(tx, spec.symbol),
        ctx.now_ms if stored is None else stored[1],
        ctx.now_ms,
    )
