"""Scheduled market events, applied in time order through the engine (issue 13).

Five kinds are scheduled: mark-price path points (``PUT /_isomargin/v1/markPrices/{symbol}/path``),
funding times (``PUT /_isomargin/v1/funding/{symbol}``), the end of GTD orders (``goodTillDate``),
the end of listen keys (60 minutes after their last keepalive) and the ADL refresh of a symbol
whose price moved since its last ranking (``service.adl``: at the end of its ``adlRefreshMs``
interval, issue 12). :func:`apply_next_due` applies the earliest one due, in one transaction, at
its own time: a path point is a price move (``service.price_moves``: fills, liquidations, margin
calls), a funding time a settlement (``service.funding``), a GTD end the order's expiry (EXPIRED,
its margin released), a key's end its ``listenKeyExpired``, an ADL refresh a ranking of the symbol
at its standing mark. At the same millisecond: keys' ends, path points, funding (charged at the
new mark), GTD ends, then ADL refreshes, which rank what the others left (assumed).

Two callers: ``POST /_isomargin/v1/clock/advance`` (every event the advance passes, one by one),
and each worker's poller while the clock runs (events whose time wall time has reached). Each
transaction takes the price-move lock first (``store.risk``; the write lock on SQLite), claims the
path point or funding time it applies (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), and reads a GTD
order or listen key again under its account's lock before ending it — so across workers and hosts
each event is applied exactly once, in the lock order of every other write.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from isomargin.domain.events import ListenKeyExpired
from isomargin.domain.orders import OrderStatus
from isomargin.service import adl, fills, funding, price_moves
from isomargin.service.book import Book
from isomargin.service.clock import set_frozen
from isomargin.service.context import ServiceContext
from isomargin.service.errors import AdminError, control_symbol
from isomargin.store import Store, Tx, listen_keys, orders, outbox, repo, risk, schedule, trading
from isomargin.store import adl as adl_store

#: at most this many points per path (one PUT)
MAX_PATH_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class GtdExpiry:
    """A GTD order whose ``goodTillDate`` came: expired, its reserved margin released."""

    account_id: int
    symbol: str
    order_id: int
    client_order_id: str


@dataclass(frozen=True, slots=True)
class ListenKeyEnd:
    """A user-data stream key that ran out by the server clock: ended, ``listenKeyExpired`` sent."""

    account_id: int
    listen_key: str


@dataclass(frozen=True, slots=True)
class Applied:
    """One scheduled event applied, and what it caused."""

    time: int
    report: price_moves.MoveReport | funding.Settlement | GtdExpiry | ListenKeyEnd | adl.Refreshed


def apply_next_due(tx: Tx, ctx: ServiceContext, until_ms: int, *, freeze_at_event: bool = False) -> Applied | None:
    """Apply the earliest event due at or before ``until_ms``; None when nothing is due.

    ``freeze_at_event``: a frozen clock is moved to the event's time in the same transaction, so an
    advance interrupted half way leaves the clock where its last applied event happened.
    """
    # first, before any claim: a price move takes this lock and then writes adl_refreshes, so
    # claiming that row before it could deadlock with a move (the other kinds' rows no move touches)
    risk.lock_price_moves(tx)
    while True:
        key = listen_keys.next_expiry_due(tx, until_ms)
        point = schedule.next_point_due(tx, until_ms)
        due = schedule.next_funding_due(tx, until_ms)
        gtd = orders.next_gtd_due(tx, until_ms)
        ranking = adl_store.next_refresh_due(tx, until_ms, ctx.adl_refresh_ms)
        # (time, rank): at the same millisecond a key's end comes first — it is invalid from its
        # expiry on (``ListenKey.valid_at``), so what that millisecond causes is not sent on it —
        # then path points, funding (charged at the new mark), GTD ends, ADL refreshes (assumed).
        # A refresh is due at the end of its interval, never before now (a shortened interval)
        candidates = [
            (key.expires_at, 0) if key else None,
            (point.at_ms, 1) if point else None,
            (due.next_time, 2) if due else None,
            (gtd[1].good_till_date, 3) if gtd else None,
            (max(ctx.now_ms, ranking.ranked_at + ctx.adl_refresh_ms), 4) if ranking else None,
        ]
        present = [c for c in candidates if c is not None]
        if not present:
            return None
        time, kind = min(present)
        at = replace(ctx, now_ms=time)
        if kind == 0:
            assert key is not None
            ended = _end_listen_key(tx, at, key)
            if ended is None:
                continue  # kept alive or ended by another worker since it was read: look again
            report: price_moves.MoveReport | funding.Settlement | GtdExpiry | ListenKeyEnd | adl.Refreshed = ended
        elif kind == 1:
            assert point is not None
            schedule.remove_point(tx, point.id)
            book = Book(
                point.mark,
                point.mark if point.bid is None else point.bid,
                point.mark if point.ask is None else point.ask,
            )
            report = price_moves.move_price(tx, at, point.symbol, book)
        elif kind == 2:
            assert due is not None
            report = funding.settle(tx, at, due)
        elif kind == 3:
            assert gtd is not None
            expired = _expire_gtd(tx, at, *gtd)
            if expired is None:
                continue  # cancelled or filled since it was read: look again
            report = expired
        else:
            assert ranking is not None
            report = adl.refresh_scheduled(tx, at, ranking)
        if freeze_at_event:
            set_frozen(tx, time)
        return Applied(time, report)


def _end_listen_key(tx: Tx, ctx: ServiceContext, due: listen_keys.ListenKey) -> ListenKeyEnd | None:
    """A listen key runs out 60 minutes after its last keepalive [doc LK]: ended like a DELETE —
    ``listenKeyExpired`` through the outbox, in order with the account's other events, so every
    worker's connections on it get the frame and then nothing more [doc LKE].

    The account is locked first and the key read again, the lock order of ``service.listen_keys``
    (a keepalive racing this must not deadlock with it); None when the key changed meanwhile.
    """
    repo.get_account(tx, due.account_id, lock=True)
    current = listen_keys.of_account(tx, due.account_id)
    if current is None or current != due:
        return None
    listen_keys.close(tx, due.account_id)
    outbox.append(tx, due.account_id, [ListenKeyExpired(due.listen_key)], ctx.now_ms)
    return ListenKeyEnd(due.account_id, due.listen_key)


def _expire_gtd(tx: Tx, ctx: ServiceContext, account_id: int, due: orders.OrderRow) -> GtdExpiry | None:
    """ "GTD: Good Till Date" — the order expires at ``goodTillDate`` [doc NO]: EXPIRED, the margin
    it reserved released, an ORDER_TRADE_UPDATE EXPIRED. The account is locked first and the order
    read again (the lock order of a cancel); None when it was cancelled or filled meanwhile."""
    trading.lock_account_for_order(tx, account_id)
    order = orders.find_order(tx, account_id, due.symbol, due.id, None)
    if order is None or not OrderStatus(order.status).is_open:
        return None
    fills.expire(tx, account_id, order, now_ms=ctx.now_ms)
    return GtdExpiry(account_id, order.symbol, order.id, order.client_order_id)


# --- paths ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedPoint:
    """A path point as given: relative (``after_ms``) or absolute (``at_ms``) server time."""

    after_ms: int | None
    at_ms: int | None
    mark: Decimal
    bid: Decimal | None
    ask: Decimal | None


def set_path(tx: Tx, ctx: ServiceContext, symbol: str, points: list[PlannedPoint]) -> list[schedule.PathPoint]:
    """Replace ``symbol``'s path with ``points`` (times relative to now, or absolute); the path stored."""
    control_symbol(ctx.symbols, symbol)
    if not points or len(points) > MAX_PATH_POINTS:
        raise AdminError(f"points must hold 1 to {MAX_PATH_POINTS} points")
    stored = []
    for n, p in enumerate(points):
        if (p.after_ms is None) == (p.at_ms is None):
            raise AdminError(f"points[{n}]: give afterMs or at, not both")
        at = ctx.now_ms + p.after_ms if p.after_ms is not None else p.at_ms
        assert at is not None
        if (p.after_ms is not None and p.after_ms < 0) or at < ctx.now_ms:
            raise AdminError(f"points[{n}] is in the past")
        bid = p.mark if p.bid is None else p.bid
        ask = p.mark if p.ask is None else p.ask
        for name, value in (("markPrice", p.mark), ("bidPrice", bid), ("askPrice", ask)):
            if value <= 0:
                raise AdminError(f"points[{n}].{name} must be positive")
        if bid > ask:
            raise AdminError(f"points[{n}]: bidPrice {bid} is above askPrice {ask}")
        stored.append(schedule.PathPoint(0, symbol, at, p.mark, p.bid, p.ask))
    schedule.delete_points(tx, symbol)
    schedule.add_points(tx, stored)
    return schedule.points_of(tx, symbol)


# --- the clock --------------------------------------------------------------------------------


async def advance(store: Store, ctx: ServiceContext, ms: int, *, frozen: bool) -> list[Applied]:
    """Apply every event due in ``(now, now + ms]`` in time order, each in its own transaction."""
    until = ctx.now_ms + ms
    applied: list[Applied] = []
    while True:
        event = await store.write(lambda tx: apply_next_due(tx, ctx, until, freeze_at_event=frozen))
        if event is None:
            return applied
        applied.append(event)
