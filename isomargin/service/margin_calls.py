"""The margin-call step of a price move (issue 12; trading reference §3.6).

A position is margin-called when its margin ratio — maintenance margin / margin balance
[FAQ-LIQP] — first reaches the threshold (``ServiceContext.margin_call_ratio``, 0.8 unless set;
assumed, reference open question 7). One MARGIN_CALL event is recorded; the latch
(``positions.margin_called``) holds until the ratio falls back below the threshold — a price move
back, a margin top-up, a reduce — and re-arms the call.

Isolated positions are found like liquidations: through their stored margin-call keys (the
threshold is a price too). A CROSSED position is called on its account's cross margin: the
ratio of all its cross positions' maintenance margin to the cross wallet plus their unrealized
PnL, checked for every account holding the symbol cross.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from isomargin.domain.brackets import maintenance_margin
from isomargin.domain.events import MarginCall, MarginCallPosition
from isomargin.domain.liquidation import margin_ratio
from isomargin.domain.position import DECIMAL_CONTEXT
from isomargin.service.context import ServiceContext
from isomargin.service.symbol_state import DEFAULT_MARGIN_TYPE, config_or_default, mark_prices
from isomargin.store import Tx, outbox, repo, risk, trading
from isomargin.symbols import SymbolSpec


@dataclass(frozen=True, slots=True)
class MarginCalled:
    """One position a price move margin-called (a ``marginCalls`` row of the move's reply)."""

    account_id: int
    symbol: str
    position_side: str
    margin_ratio: Decimal


def call_reached(tx: Tx, ctx: ServiceContext, spec: SymbolSpec, mark: Decimal) -> list[MarginCalled]:
    """Record the margin calls the mark has reached, re-arm the ones it has left; in the lock order."""
    risk.rearm(tx, spec.symbol, mark)
    isolated = set(risk.margin_call_candidates(tx, spec.symbol, mark))
    cross = {(h.account_id, h.position_side): h for h in risk.cross_holders(tx, spec.symbol, DEFAULT_MARGIN_TYPE)}
    called = []
    for account_id, side in sorted(isolated | set(cross)):
        holder = cross.get((account_id, side))
        if holder is None:
            call = _call_isolated(tx, ctx, spec, mark, account_id, side)
        else:
            call = _check_cross(tx, ctx, spec, account_id, side, latched=holder.margin_called)
        if call is not None:
            called.append(call)
    return called


def _row(spec: SymbolSpec, row: repo.PositionRow, margin_type: str, mark: Decimal) -> MarginCallPosition:
    with localcontext(DECIMAL_CONTEXT):
        notional = abs(row.position_amt) * mark
        return MarginCallPosition(
            symbol=row.symbol,
            position_side=row.position_side,
            position_amt=row.position_amt,
            margin_type=margin_type,
            isolated_wallet=row.isolated_wallet,
            mark_price=mark,
            unrealized_pnl=row.position_amt * (mark - row.entry_price),
            maint_margin=maintenance_margin(spec.brackets, notional),
        )


def _call_isolated(
    tx: Tx, ctx: ServiceContext, spec: SymbolSpec, mark: Decimal, account_id: int, side: str
) -> MarginCalled | None:
    if trading.lock_account_for_order(tx, account_id) is None:
        return None
    row, _ = trading.get_position_for_fill(tx, account_id, spec.symbol, side)
    if row is None or row.position_amt == 0:
        return None
    call = _row(spec, row, "ISOLATED", mark)
    ratio = margin_ratio(call.maint_margin, row.isolated_wallet + call.unrealized_pnl)
    if ratio is None or ratio < ctx.margin_call_ratio:
        return None  # the key rounds to the safe side: a mark a hair early is checked exactly here
    risk.set_margin_called(tx, account_id, spec.symbol, side, True)
    outbox.append(tx, account_id, [MarginCall(None, (call,))], ctx.now_ms)
    return MarginCalled(account_id, spec.symbol, side, ratio)


def _check_cross(
    tx: Tx, ctx: ServiceContext, spec: SymbolSpec, account_id: int, side: str, *, latched: bool
) -> MarginCalled | None:
    """The account's cross margin ratio; a call when it first reaches the threshold, a re-arm
    when it is back below. The latch lives on the ticked symbol's cross position."""
    locked = trading.lock_account_for_order(tx, account_id)
    if locked is None:
        return None
    account, _ = locked
    rows = [r for r in repo.list_positions(tx, account_id) if r.position_amt != 0 and r.symbol in ctx.symbols]
    if not any(r.symbol == spec.symbol and r.position_side == side for r in rows):
        return None  # liquidated earlier in this move
    configs = {c.symbol: c for c in repo.list_symbol_configs(tx, account_id)}
    marks = mark_prices(tx, ctx.symbols.values())
    cross = [
        _row(ctx.symbols[r.symbol], r, "CROSSED", marks[r.symbol])
        for r in rows
        if config_or_default(ctx, r.symbol, configs.get(r.symbol)).margin_type == "CROSSED"
    ]
    with localcontext(DECIMAL_CONTEXT):
        maint = sum((c.maint_margin for c in cross), Decimal(0))
        balance = account.cross_wallet + sum((c.unrealized_pnl for c in cross), Decimal(0))
    ratio = margin_ratio(maint, balance)
    reached = ratio is None or ratio >= ctx.margin_call_ratio
    if not reached:
        if latched:
            risk.set_margin_called(tx, account_id, spec.symbol, side, False)
        return None
    if latched or ratio is None:
        return None  # called already; or past liquidation, which the move has just decided against
    risk.set_margin_called(tx, account_id, spec.symbol, side, True)
    outbox.append(tx, account_id, [MarginCall(account.cross_wallet, tuple(cross))], ctx.now_ms)
    return MarginCalled(account_id, spec.symbol, side, ratio)
