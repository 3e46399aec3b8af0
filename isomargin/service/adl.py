"""ADL quantiles: ranked when a symbol's price moves, stored, and read by positionRisk and adlQuantile.

The ranking is relative — a position's place in the queue depends on every other position of the
symbol and side — so it is computed once per price move for the whole symbol (:func:`rank_symbol`)
and stored in ``positions.adl_quantile``, never re-ranked across accounts on a read. Binance
refreshes the values every 30 s [doc ADLQ]; here they are as of the symbol's last price move, and a
position opened since shows 0 until the next one (assumed: no free-running timer re-ranks them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain import adl
from isomargin.service.context import ServiceContext
from isomargin.service.reads import SymbolQuery
from isomargin.service.symbol_state import config_or_default, symbol_configs
from isomargin.store import Tx, repo
from isomargin.store import adl as adl_store


def rank_symbol(tx: Tx, ctx: ServiceContext, symbol: str, mark: Decimal) -> None:
    """Rank every position of ``symbol`` at ``mark`` and store the quantiles that changed.

    Cost: one SELECT of the symbol's open positions (all accounts, O(n)) and an UPDATE per
    quantile value and side that changed (rows grouped, 500 a statement).
    """
    spec = ctx.symbol(symbol)
    rows = adl_store.positions_to_rank(tx, symbol)
    if not rows:
        return
    # the margin type of an account that never set one: the one rule's default, looked up once
    unset = config_or_default(ctx, symbol, None).margin_type
    positions = []
    for row in rows:
        crossed = (row.margin_type or unset) == "CROSSED"
        wallet = row.cross_wallet if crossed else row.isolated_wallet
        positions.append(
            adl.AdlPosition(row.account_id, row.position_side, row.position_amt, row.entry_price, wallet, crossed)
        )
    ranked = adl.rank(positions, mark, spec.brackets)
    changed = {
        (row.account_id, row.position_side): ranked[(row.account_id, row.position_side)]
        for row in rows
        if ranked[(row.account_id, row.position_side)] != row.adl_quantile
    }
    if changed:
        adl_store.set_adl_quantiles(tx, symbol, changed)


@dataclass(frozen=True, slots=True)
class AdlQuantiles:
    """One entry of ``GET /fapi/v1/adlQuantile``: the quantile of each side of one symbol."""

    symbol: str
    long: int
    short: int
    both: int
    #: crossed in hedge mode: the doc's ``"HEDGE"`` sign instead of ``"BOTH"`` [doc ADLQ]
    hedge: bool


def adl_quantiles(tx: Tx, ctx: ServiceContext, account_id: int, req: SymbolQuery) -> list[AdlQuantiles]:
    """Every symbol the account holds a position in (or the one asked for, if it holds one), by name.

    Symbols without an open position are left out (assumed: the doc shows only symbols with one).
    """
    symbol = None if req.symbol is None else ctx.symbol(req.symbol).symbol
    by_symbol: dict[str, dict[str, int]] = defaultdict(dict)
    for name, side, quantile in adl_store.adl_quantiles_of_account(tx, account_id, symbol):
        if name in ctx.symbols:
            by_symbol[name][side] = quantile
    if not by_symbol:
        return []
    account = repo.get_account(tx, account_id)
    assert account is not None, "an authenticated key always has an account"
    configs = symbol_configs(tx, ctx, account_id, by_symbol)
    return [
        AdlQuantiles(
            name,
            sides.get("LONG", 0),
            sides.get("SHORT", 0),
            sides.get("BOTH", 0),
            account.dual_side_position and configs[name].margin_type == "CROSSED",
        )
        for name, sides in sorted(by_symbol.items())
    ]
