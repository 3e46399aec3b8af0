"""Funding (issue 13; trading reference §5): off until set, then charged at each funding time.

``PUT /_isomargin/v1/funding/{symbol}`` ``{"fundingRate": "0.0001", "intervalHours": 8}`` schedules
it on the interval's UTC grid (8 h: 00:00, 08:00, 16:00). At each funding time every open
position of the symbol pays (long, positive rate) or receives ``|amount| × mark × rate`` —
isolated positions from and to their isolated wallet (a FUNDING_FEE positionMargin/history row),
cross positions from and to the cross wallet — with a FUNDING_FEE income row and an
ACCOUNT_UPDATE ``FUNDING_FEE`` (``a.S`` the symbol; a cross payment carries no position row
[doc AU]). The payment moves liquidation prices (the one change path re-keys the position) and can
liquidate: the engine's liquidation and margin-call steps run after it, at the standing mark.
The amount is rounded half up to the wallet's 8 decimals (assumed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

from isomargin import errors
from isomargin.domain import changes
from isomargin.domain.events import AccountUpdateReason, PositionUpdate
from isomargin.domain.position import DECIMAL_CONTEXT, PositionSide
from isomargin.money import ASSET_PLACES, ASSET_QUANTUM, significant_places
from isomargin.service import liquidation, margin_calls, price_moves
from isomargin.service.context import WALLET_ASSET, ServiceContext
from isomargin.service.errors import AdminError, control_symbol
from isomargin.service.events import account_update, position_update
from isomargin.service.margin import holding as holding_of
from isomargin.service.symbol_state import mark_price, symbol_config
from isomargin.store import Tx, orders, repo, risk, schedule, trading
from isomargin.store.changes import RiskTerms, write_change

HOUR_MS = 3_600_000
#: what the read endpoints render (handlers import these from here, never from the store)
FundingRecord = schedule.FundingRecord
FundingSchedule = schedule.FundingSchedule
#: Binance's funding intervals (fundingInfo ``fundingIntervalHours``): 1, 4 or 8 hours [doc FI]
INTERVAL_HOURS = (1, 2, 4, 8)
#: a rate beyond ±100% per interval is no funding rate (Binance caps far lower: ±0.3%–±2%)
MAX_RATE = Decimal(1)


def next_grid_time(now_ms: int, interval_ms: int) -> int:
    """The first funding time after ``now_ms`` on the interval's UTC grid (8 h: 00:00, 08:00, 16:00)."""
    return (now_ms // interval_ms + 1) * interval_ms


def set_schedule(
    tx: Tx, ctx: ServiceContext, symbol: str, rate: Decimal, interval_hours: int
) -> schedule.FundingSchedule:
    control_symbol(ctx.symbols, symbol)
    if interval_hours not in INTERVAL_HOURS:
        raise AdminError(f"intervalHours must be one of {', '.join(map(str, INTERVAL_HOURS))}")
    if abs(rate) >= MAX_RATE or significant_places(rate) > ASSET_PLACES:
        raise AdminError(f"fundingRate must be above -1 and below 1, with at most {ASSET_PLACES} decimals")
    interval_ms = interval_hours * HOUR_MS
    planned = schedule.FundingSchedule(symbol, rate, interval_ms, next_grid_time(ctx.now_ms, interval_ms))
    schedule.set_funding(tx, planned)
    return planned


def drop_schedule(tx: Tx, ctx: ServiceContext, symbol: str) -> None:
    if not schedule.delete_funding(tx, symbol):
        raise AdminError(f"no funding is scheduled for {symbol}", 404)


@dataclass(frozen=True, slots=True)
class Settlement:
    """One funding time applied: the rate, the mark it used, what it caused."""

    symbol: str
    time: int
    rate: Decimal
    mark: Decimal
    payments: int
    liquidations: tuple[liquidation.Liquidated, ...]
    margin_calls: tuple[margin_calls.MarginCalled, ...]


def settle(tx: Tx, ctx: ServiceContext, due: schedule.FundingSchedule) -> Settlement:
    """Apply ``due``'s funding time (claimed by the caller; ``ctx.now_ms`` is that time) and
    move its schedule on by one interval."""
    schedule.move_funding_on(tx, due.symbol, due.next_time + due.interval_ms)
    spec = ctx.symbol(due.symbol)
    risk.lock_price_moves(tx)
    risk.lock_symbol(tx, spec.symbol, exclusive=True)
    mark = mark_price(tx, spec)
    schedule.record_funding(tx, schedule.FundingRecord(spec.symbol, due.next_time, due.rate, mark))
    paid = 0
    for account_id, side in risk.open_slots(tx, spec.symbol):
        if _pay(tx, ctx, spec.symbol, mark, due.rate, account_id, PositionSide(side)):
            paid += 1
    liquidated, called = price_moves.consequences(tx, ctx, spec, mark)
    return Settlement(spec.symbol, due.next_time, due.rate, mark, paid, liquidated, called)


def _pay(
    tx: Tx, ctx: ServiceContext, symbol: str, mark: Decimal, rate: Decimal, account_id: int, side: PositionSide
) -> bool:
    locked = trading.lock_account_for_order(tx, account_id)
    assert locked is not None, "a position's account exists"
    account, _ = locked
    row, accumulated = trading.get_position_for_fill(tx, account_id, symbol, side.value)
    if row is None or row.position_amt == 0:
        return False
    with localcontext(DECIMAL_CONTEXT):
        # a long pays a positive rate, a short receives it (reference §5)
        amount = (-row.position_amt * mark * rate).quantize(ASSET_QUANTUM, rounding=ROUND_HALF_UP)
    if amount == 0:
        return False
    margin_type = symbol_config(tx, ctx, account_id, symbol).margin_type
    isolated = margin_type == "ISOLATED"
    outcome = changes.apply(holding_of(row), changes.FundingPayment(amount, isolated))
    cross = account.cross_wallet + outcome.cross_wallet_delta
    positions: tuple[PositionUpdate, ...] = ()
    if isolated:  # crossed funding carries only the balance row [doc AU]
        positions = (position_update(outcome.after, margin_type, mark, accumulated_realized=accumulated),)
    event = account_update(
        AccountUpdateReason.FUNDING_FEE,
        cross_wallet=cross,
        isolated_wallets=repo.sum_isolated_wallets(tx, account_id) + outcome.isolated_wallet_delta,
        positions=positions,
    )
    event = replace(event, funding_symbol=symbol)
    terms = RiskTerms(ctx.symbol(symbol).brackets, isolated, mark, ctx.margin_call_ratio)
    write_change(tx, account, outcome, events=[event], now_ms=ctx.now_ms, risk=terms)
    orders.insert_income(
        tx,
        account_id,
        orders.IncomeRow(0, symbol, "FUNDING_FEE", amount, WALLET_ASSET, "FUNDING_FEE", ctx.now_ms, ""),
    )
    return True


# --- GET /fapi/v1/fundingRate and /fapi/v1/fundingInfo ------------------------------------------


@dataclass(frozen=True, slots=True)
class FundingRateQuery:
    symbol: str | None
    start_time: int | None
    end_time: int | None
    limit: int


def funding_rates(tx: Tx, ctx: ServiceContext, req: FundingRateQuery) -> list[schedule.FundingRecord]:
    """Settled funding times, oldest first; without ``startTime`` the latest ``limit`` [doc FR]."""
    symbol = None if req.symbol is None else ctx.symbol(req.symbol).symbol
    if req.start_time is not None and req.end_time is not None and req.start_time > req.end_time:
        raise errors.START_TIME_GREATER_THAN_END_TIME.error()
    return schedule.funding_history(tx, symbol, req.start_time, req.end_time, req.limit)


def funding_info(tx: Tx, ctx: ServiceContext, req: object) -> list[schedule.FundingSchedule]:
    """The symbols whose funding has been set, as fundingInfo lists adjusted symbols [doc FI]."""
    schedules = schedule.funding_schedules(tx)
    return [schedules[name] for name in sorted(schedules) if name in ctx.symbols]
