"""ADL quantiles: ranked at most once per refresh interval, stored, and read by positionRisk and
adlQuantile.

The ranking is relative — a position's place in the queue depends on every other position of the
symbol and side — so it is computed for the whole symbol at once (:func:`rank_symbol`, O(n) in
the symbol's positions) and stored in ``positions.adl_quantile``, never re-ranked across accounts
on a read. Binance refreshes the values "every 30s" [doc ADLQ] (reference §3.5), not at every
tick; so does isomargin (:func:`refresh`), which keeps a tick that liquidates k positions among n
at O(log n + k) (issue 12):

- A price move (and a funding settlement: it moves wallets) ranks the symbol when its last
  ranking is at least ``adlRefreshMs`` of server time old (default 30000; 0: every move), or it
  was never ranked. Otherwise it only notes that something changed (``pending``).
- A pending symbol is ranked by the scheduler (``service.scheduler``) when its interval is up:
  at the end of the interval, in time order with path points and funding, by a clock advance or
  each worker's poller while the clock runs — so a quantile is fresh without another move.
- When within Binance's 30 s a change shows, and on what grid, is not documented (assumed: the
  interval counts from the last ranking; a position opened or changed with no price move since
  shows its previous quantile, 0 for a new one, until the next ranking).

The last ranking's time is a per-symbol row (``adl_refreshes``), written in the transaction that
ranks, so every worker and host agrees on it, and the same moves at the same server times give
the same quantiles on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain import adl
from isomargin.service import symbol_state
from isomargin.service.context import ServiceContext
from isomargin.service.errors import AdminError
from isomargin.service.reads import SymbolQuery
from isomargin.service.shared_settings import ADL_REFRESH_KEY
from isomargin.service.symbol_state import config_or_default, symbol_configs
from isomargin.store import Tx, repo, risk
from isomargin.store import adl as adl_store


def refresh(tx: Tx, ctx: ServiceContext, symbol: str, mark: Decimal) -> bool:
    """After a price move or settlement of ``symbol`` at ``mark``: rank it if its refresh is due
    (module docstring), else mark it pending; whether it was ranked. The caller holds the
    price-move and symbol locks."""
    last = adl_store.last_refresh(tx, symbol)
    if not adl.refresh_due(None if last is None else last.ranked_at, ctx.now_ms, ctx.adl_refresh_ms):
        assert last is not None, "a symbol never ranked is always due"
        if not last.pending:
            adl_store.set_pending(tx, symbol)
        return False
    rank_symbol(tx, ctx, symbol, mark)
    adl_store.set_ranked(tx, symbol, ctx.now_ms)
    return True


#: the longest refresh interval ``PUT /_isomargin/v1/settings`` takes: a year, as a clock advance
MAX_REFRESH_MS = 365 * 86_400_000


def set_refresh_interval(tx: Tx, interval_ms: int) -> None:
    """``PUT /_isomargin/v1/settings`` ``{"adlRefreshMs": N}``: store it for every worker. Takes
    effect at the next move or scheduler turn; what is already ranked stays as it is."""
    if not 0 <= interval_ms <= MAX_REFRESH_MS:
        raise AdminError(f"adlRefreshMs must be from 0 to {MAX_REFRESH_MS}")
    repo.set_state(tx, ADL_REFRESH_KEY, str(interval_ms))


@dataclass(frozen=True, slots=True)
class Refreshed:
    """A scheduled ranking: ``symbol`` ranked at the end of its interval, at its standing mark."""

    symbol: str
    time: int


def refresh_scheduled(tx: Tx, ctx: ServiceContext, due: adl_store.Refresh) -> Refreshed:
    """Rank ``due`` (claimed by the scheduler: pending, its interval up) at ``ctx.now_ms``, the end
    of its interval, at the symbol's standing mark. The scheduler holds the price-move lock."""
    risk.lock_symbol(tx, due.symbol, exclusive=True)
    spec = ctx.symbols.get(due.symbol)
    if spec is not None:  # a symbol since dropped from the symbols file is only marked done
        rank_symbol(tx, ctx, spec.symbol, symbol_state.mark_price(tx, spec))
    adl_store.set_ranked(tx, due.symbol, ctx.now_ms)
    return Refreshed(due.symbol, ctx.now_ms)


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
