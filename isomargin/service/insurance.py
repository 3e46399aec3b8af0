"""The insurance fund's balance and each symbol's ADL risk (public market data).

``GET /fapi/v1/insuranceBalance`` [doc IFB] lists the fund of a group of symbols per margin asset;
``GET /fapi/v1/symbolAdlRisk`` [doc ADLR] rates how likely a liquidation is to end in ADL.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain.adl import adl_risk
from isomargin.service.context import ServiceContext
from isomargin.service.reads import SymbolQuery
from isomargin.service.symbol_state import mark_prices
from isomargin.store import Tx, insurance
from isomargin.store import adl as adl_store
from isomargin.store.insurance import FundBalance
from isomargin.symbols import SymbolSpec


def fund_group(symbol: str) -> tuple[str, ...]:
    """The symbols sharing ``symbol``'s insurance fund. Binance pools symbols in groups of its own
    choosing (the doc's example: BTCUSDT with ETHUSDT, BNBUSDT and their quarterlies); isomargin
    gives every symbol a fund of its own (assumed), so one symbol's liquidations never move
    another's ADL risk."""
    return (symbol,)


@dataclass(frozen=True, slots=True)
class FundGroup:
    """One entry of ``insuranceBalance``: the symbols sharing a fund and its balance per asset."""

    symbols: tuple[str, ...]
    assets: tuple[FundBalance, ...]


def _fund(tx: Tx, ctx: ServiceContext, spec: SymbolSpec) -> FundGroup:
    """The fund of ``spec``'s group; its margin asset first, at 0 as of now when it has no entry yet
    (assumed: Binance's funds are never empty, so no real answer shows one)."""
    group = fund_group(spec.symbol)
    stored = insurance.balance(tx, group)
    margin_asset = stored.pop(spec.margin_asset, None) or FundBalance(spec.margin_asset, Decimal(0), ctx.now_ms)
    return FundGroup(group, (margin_asset, *stored.values()))


def insurance_balance(tx: Tx, ctx: ServiceContext, req: SymbolQuery) -> list[FundGroup]:
    """The group of the symbol asked for, or every group of the configured symbols, in their order."""
    specs = [ctx.symbol(req.symbol)] if req.symbol else list(ctx.symbols.values())
    groups: dict[tuple[str, ...], FundGroup] = {}
    for spec in specs:
        group = fund_group(spec.symbol)
        if group not in groups:
            groups[group] = _fund(tx, ctx, spec)
    return list(groups.values())


@dataclass(frozen=True, slots=True)
class AdlRisk:
    symbol: str
    risk: str  # low | medium | high
    update_time: int


def symbol_adl_risk(tx: Tx, ctx: ServiceContext, req: SymbolQuery) -> list[AdlRisk]:
    """Each symbol's rating from its fund and open interest (domain.adl.adl_risk), computed on
    the read with ``updateTime`` now (assumed: Binance recomputes every 30 minutes [doc ADLR])."""
    specs = [ctx.symbol(req.symbol)] if req.symbol else list(ctx.symbols.values())
    interest = adl_store.open_interest(tx, req.symbol and specs[0].symbol)
    marks = mark_prices(tx, specs)
    risks = []
    for spec in specs:
        longs, shorts = interest.get(spec.symbol, (Decimal(0), Decimal(0)))
        fund = _fund(tx, ctx, spec).assets[0].balance
        risks.append(AdlRisk(spec.symbol, adl_risk(fund, max(longs, shorts) * marks[spec.symbol]), ctx.now_ms))
    return risks
