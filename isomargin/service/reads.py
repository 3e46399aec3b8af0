"""Read use cases behind Binance's GET endpoints: each one function of one read transaction.

Shaped like every account use case, ``(tx, ctx, account_id, request)``, so the route table can
name them directly (``api/routes.py``); the API renders what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain.brackets import max_notional_for_leverage
from isomargin.domain.value import value
from isomargin.service.account import WalletView, wallet_view
from isomargin.service.context import ServiceContext
from isomargin.service.positions import PositionView, position_views
from isomargin.service.symbol_state import mark_prices, symbol_configs
from isomargin.store import Tx, orders, repo, schedule
from isomargin.symbols import SymbolSpec

#: Rows services hand to the API as they are read: the API names them through the service
#: layer and never imports the store (tests/unit/test_layering.py).
HistoryRow = repo.HistoryRow
SymbolConfig = repo.SymbolConfig


@dataclass(frozen=True, slots=True)
class NoParams:
    """The request of an endpoint that reads no parameters of its own."""


@value
class SymbolQuery:
    """The request of an endpoint with an optional ``symbol``: None means every symbol."""

    symbol: str | None


def position_mode(tx: Tx, ctx: ServiceContext, account_id: int, req: NoParams) -> bool:
    """True in hedge mode (LONG and SHORT legs), false in one-way mode (BOTH)."""
    account = repo.get_account(tx, account_id)
    assert account is not None, "an authenticated key always has an account"
    return account.dual_side_position


def wallet(tx: Tx, ctx: ServiceContext, account_id: int, req: NoParams) -> WalletView:
    return wallet_view(tx, ctx, account_id)


@dataclass(frozen=True, slots=True)
class AccountWithPositions:
    wallet: WalletView
    #: every side of every symbol, empty ones included (v2 account lists them all)
    positions: list[PositionView]


def account_with_positions(tx: Tx, ctx: ServiceContext, account_id: int, req: NoParams) -> AccountWithPositions:
    rows = position_views(tx, ctx, account_id, None, include_empty=True)
    return AccountWithPositions(wallet_view(tx, ctx, account_id, rows), rows)


def every_position_side(tx: Tx, ctx: ServiceContext, account_id: int, req: SymbolQuery) -> list[PositionView]:
    """Every symbol (or the one asked for), one row per side the account's mode has, empty ones included."""
    return position_views(tx, ctx, account_id, req.symbol, include_empty=True)


def open_positions(tx: Tx, ctx: ServiceContext, account_id: int, req: SymbolQuery) -> list[PositionView]:
    """The sides holding a position, and a zero row for a symbol with only a resting order: v3
    positionRisk shows one until the order is cancelled (observed 2026-07 [obs MAXT], reference §1.3)."""
    views = position_views(tx, ctx, account_id, req.symbol, include_empty=False)
    pending = orders.symbols_with_open_orders(tx, account_id) - {v.symbol for v in views}
    if req.symbol is not None:
        pending &= {ctx.symbol(req.symbol).symbol}
    if not pending:
        return views
    phantoms = [
        v
        for v in position_views(tx, ctx, account_id, None, include_empty=True)
        if v.symbol in pending and not v.is_open
    ]
    return sorted([*views, *phantoms], key=lambda v: (v.symbol, v.position_side.value))


@dataclass(frozen=True, slots=True)
class SymbolSetting:
    config: repo.SymbolConfig
    #: the largest notional the configured leverage allows (its bracket's cap)
    max_notional: Decimal


def symbol_settings(tx: Tx, ctx: ServiceContext, account_id: int, req: SymbolQuery) -> list[SymbolSetting]:
    """Every listed symbol in name order, or the one asked for."""
    names = [ctx.symbol(req.symbol).symbol] if req.symbol else sorted(ctx.symbols)
    configs = symbol_configs(tx, ctx, account_id, names)
    return [
        SymbolSetting(configs[name], max_notional_for_leverage(ctx.symbols[name].brackets, configs[name].leverage))
        for name in names
    ]


@dataclass(frozen=True, slots=True)
class MarkPrice:
    spec: SymbolSpec
    price: Decimal
    time: int
    #: the symbol's funding schedule (issue 13): its rate and next time; None while funding is off
    funding_rate: Decimal | None = None
    next_funding_time: int | None = None


def market_prices(tx: Tx, ctx: ServiceContext, req: SymbolQuery) -> list[MarkPrice]:
    """The one symbol asked for, or every configured symbol in configuration order."""
    specs = [ctx.symbol(req.symbol)] if req.symbol else list(ctx.symbols.values())
    prices = mark_prices(tx, specs)
    funding = schedule.funding_schedules(tx)
    return [
        MarkPrice(
            s,
            prices[s.symbol],
            ctx.now_ms,
            funding[s.symbol].rate if s.symbol in funding else None,
            funding[s.symbol].next_time if s.symbol in funding else None,
        )
        for s in specs
    ]
