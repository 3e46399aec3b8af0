"""Read models: every number positionRisk, account and balance show, computed once per read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from isomargin.domain import position as pos_math
from isomargin.domain.brackets import maintenance_margin, max_notional_for_leverage
from isomargin.domain.liquidation import cross_margin_use, liquidation_price
from isomargin.domain.orders import break_even_price
from isomargin.domain.position import IsolatedPosition, PositionSide
from isomargin.domain.value import value
from isomargin.service.context import ServiceContext
from isomargin.service.symbol_state import config_or_default, mark_price, mark_prices, symbol_config
from isomargin.store import Tx, repo, trading
from isomargin.symbols import SymbolSpec


@value
class PositionView:
    spec: SymbolSpec
    position_side: PositionSide
    margin_type: str  # ISOLATED | CROSSED
    leverage: int
    position_amt: Decimal
    entry_price: Decimal
    mark_price: Decimal
    isolated_wallet: Decimal
    unrealized_pnl: Decimal
    isolated_margin: Decimal
    notional: Decimal
    initial_margin: Decimal
    maint_margin: Decimal
    liquidation_price: Decimal
    max_notional: Decimal
    update_time: int
    #: ``breakEvenPrice`` (reference §2.5): the entry price grossed up by the taker rate
    break_even_price: Decimal = Decimal(0)
    #: ``adl``/``adlQuantile``: the ADL quantile 0–4 as last ranked (service/adl.py); 0 when flat
    adl_quantile: int = 0

    @property
    def symbol(self) -> str:
        return self.spec.symbol

    @property
    def isolated(self) -> bool:
        return self.margin_type == "ISOLATED"

    @property
    def is_open(self) -> bool:
        return self.position_amt != 0


def view_position(
    spec: SymbolSpec,
    row: repo.PositionRow | None,
    side: PositionSide,
    config: repo.SymbolConfig,
    mark: Decimal,
    taker_rate: Decimal = Decimal(0),
    cross_wallet: Decimal = Decimal(0),
) -> PositionView:
    """The view of one position row, or of an empty side (``row`` None).

    ``cross_wallet`` is what a CROSSED position is liquidated against: the account's cross wallet
    less the other cross positions' use (:func:`cross_wallet_for`).
    """
    if row is None:
        row = repo.PositionRow(spec.symbol, side.value, Decimal(0), Decimal(0), Decimal(0), 0)
    position = IsolatedPosition(side, row.position_amt, row.entry_price, row.isolated_wallet, config.leverage)
    notional = pos_math.notional(position, mark)
    upnl = pos_math.unrealized_pnl(position, mark)
    flat = row.position_amt == 0
    return PositionView(
        spec=spec,
        position_side=side,
        margin_type=config.margin_type,
        leverage=config.leverage,
        position_amt=row.position_amt,
        entry_price=row.entry_price,
        mark_price=mark,
        isolated_wallet=row.isolated_wallet,
        unrealized_pnl=upnl,
        isolated_margin=row.isolated_wallet + upnl if config.margin_type == "ISOLATED" else Decimal(0),
        notional=notional,
        initial_margin=pos_math.initial_margin(position, mark),
        maint_margin=Decimal(0) if flat else maintenance_margin(spec.brackets, notional),
        liquidation_price=Decimal(0)
        if flat
        else liquidation_price(_margin_for_liquidation(position, config, cross_wallet), spec.brackets),
        max_notional=max_notional_for_leverage(spec.brackets, config.leverage),
        update_time=row.update_time,
        break_even_price=break_even_price(row.position_amt, row.entry_price, taker_rate),
        adl_quantile=0 if flat else row.adl_quantile,
    )


def _margin_for_liquidation(
    position: IsolatedPosition, config: repo.SymbolConfig, cross_wallet: Decimal
) -> IsolatedPosition:
    """A CROSSED position is liquidated against the cross margin: the same formula with WB = the
    cross wallet less the other cross positions' maintenance margin plus their unrealized PnL
    (reference §6.4, ``WB − TMM1 + UPNL1``; the caller nets them out, :func:`cross_wallet_for`).
    Hedge legs of one cross symbol are priced one at a time, the other leg netted like any other
    cross position (assumed: Binance shows one shared price for a cross hedge pair)."""
    if config.margin_type == "ISOLATED":
        return position
    return replace(position, isolated_wallet=cross_wallet)


def cross_uses(
    ctx: ServiceContext,
    rows: Iterable[repo.PositionRow],
    stored_configs: Mapping[str, repo.SymbolConfig],
    marks: Mapping[str, Decimal],
) -> dict[tuple[str, str], Decimal]:
    """Each open CROSSED position's use of the cross margin (``domain.liquidation.cross_margin_use``)."""
    uses = {}
    for row in rows:
        if row.position_amt == 0 or row.symbol not in ctx.symbols:
            continue
        config = config_or_default(ctx, row.symbol, stored_configs.get(row.symbol))
        if config.margin_type != "CROSSED":
            continue
        position = IsolatedPosition(PositionSide(row.position_side), row.position_amt, row.entry_price, Decimal(0), 1)
        uses[(row.symbol, row.position_side)] = cross_margin_use(
            position, marks[row.symbol], ctx.symbol(row.symbol).brackets
        )
    return uses


def cross_wallet_for(cross_wallet: Decimal, uses: Mapping[tuple[str, str], Decimal], symbol: str, side: str) -> Decimal:
    """The wallet one cross position is liquidated against: the cross wallet less the others' use."""
    own = uses.get((symbol, side), Decimal(0))
    return cross_wallet - (sum(uses.values(), Decimal(0)) - own)


def position_views(
    tx: Tx, ctx: ServiceContext, account_id: int, symbol: str | None, *, include_empty: bool
) -> list[PositionView]:
    """Positions of an account, in symbol order; with ``include_empty`` every side of every symbol.

    One-way accounts show BOTH rows; hedge accounts LONG and SHORT rows [PR2].
    """
    read = trading.account_with_fee_rates(tx, account_id)
    assert read is not None
    account, rates = read
    # every symbol's rows and marks, even for one symbol's view: a cross position's liquidation
    # price nets the account's other cross positions
    rows = repo.list_positions(tx, account_id)
    specs = [ctx.symbol(symbol)] if symbol else [ctx.symbols[name] for name in sorted(ctx.symbols)]
    configs = {c.symbol: c for c in repo.list_symbol_configs(tx, account_id)}
    return views_of(
        ctx,
        account.dual_side_position,
        specs,
        rows,
        configs,
        mark_prices(tx, list(ctx.symbols.values())),
        include_empty=include_empty,
        taker_rate=rates.taker,
        cross_wallet=account.cross_wallet,
    )


def views_of(
    ctx: ServiceContext,
    dual_side_position: bool,
    specs: Sequence[SymbolSpec],
    rows: Iterable[repo.PositionRow],
    stored_configs: Mapping[str, repo.SymbolConfig],
    marks: Mapping[str, Decimal],
    *,
    include_empty: bool,
    taker_rate: Decimal = Decimal(0),
    cross_wallet: Decimal = Decimal(0),
) -> list[PositionView]:
    """:func:`position_views` from rows already read (a page of accounts reads them in bulk)."""
    sides = (PositionSide.LONG, PositionSide.SHORT) if dual_side_position else (PositionSide.BOTH,)
    rows = list(rows)
    by_side = {(r.symbol, r.position_side): r for r in rows}
    uses = cross_uses(ctx, rows, stored_configs, marks)
    views = []
    for spec in specs:
        config: repo.SymbolConfig | None = None
        for side in sides:
            row = by_side.get((spec.symbol, side.value))
            if not include_empty and (row is None or row.position_amt == 0):
                continue
            if config is None:
                config = config_or_default(ctx, spec.symbol, stored_configs.get(spec.symbol))
            wallet = cross_wallet_for(cross_wallet, uses, spec.symbol, side.value)
            views.append(view_position(spec, row, side, config, marks[spec.symbol], taker_rate, wallet))
    return views


def get_position_view(tx: Tx, ctx: ServiceContext, account_id: int, symbol: str, side: PositionSide) -> PositionView:
    spec = ctx.symbol(symbol)
    row = repo.get_position(tx, account_id, symbol, side.value)
    rates = trading.fee_rates(tx, account_id)
    config = symbol_config(tx, ctx, account_id, symbol)
    return view_position(spec, row, side, config, mark_price(tx, spec), Decimal(0) if rates is None else rates.taker)
