"""The control plane's view of accounts: wallet, open positions and API keys, one or a page.

A page costs a fixed number of statements however many accounts it holds (accounts, positions,
symbol settings, API keys, taker rates and mark prices: one each), with the same rules as the Binance reads
(``positions.views_of``, ``symbol_state``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from isomargin.service.context import ServiceContext
from isomargin.service.positions import PositionView, views_of
from isomargin.service.symbol_state import mark_prices
from isomargin.store import Tx, repo, trading

#: ``GET /_isomargin/v1/accounts`` pages: 100 accounts unless asked, at most 1000 (docs/control-plane.md)
DEFAULT_PAGE = 100
MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class AccountSummary:
    account: repo.Account
    #: Σ isolated wallets of every position row, closed ones included (their wallets are 0)
    isolated_wallets: Decimal
    positions: list[PositionView]  # open positions only, in symbol order
    api_keys: list[repo.ApiKey]  # oldest first

    @property
    def wallet_balance(self) -> Decimal:
        return self.account.cross_wallet + self.isolated_wallets


def account_summary(tx: Tx, ctx: ServiceContext, account_id: int) -> AccountSummary | None:
    account = repo.get_account(tx, account_id)
    return None if account is None else _summaries(tx, ctx, [account])[0]


def account_summaries(tx: Tx, ctx: ServiceContext, offset: int, limit: int) -> list[AccountSummary]:
    """At most ``limit`` accounts by id, after the first ``offset``."""
    return _summaries(tx, ctx, repo.accounts_page(tx, offset, limit))


def _summaries(tx: Tx, ctx: ServiceContext, accounts: Sequence[repo.Account]) -> list[AccountSummary]:
    if not accounts:
        return []
    first, last = accounts[0].id, accounts[-1].id
    positions = repo.positions_of_accounts(tx, first, last)
    configs = repo.symbol_configs_of_accounts(tx, first, last)
    keys = repo.api_keys_of_accounts(tx, first, last)
    takers = trading.taker_rates_of_accounts(tx, first, last)
    specs = [ctx.symbols[name] for name in sorted(ctx.symbols)]
    marks = mark_prices(tx, specs)
    summaries = []
    for account in accounts:
        rows = positions.get(account.id, [])
        stored = {c.symbol: c for c in configs.get(account.id, [])}
        views = views_of(
            ctx,
            account.dual_side_position,
            specs,
            rows,
            stored,
            marks,
            include_empty=False,
            taker_rate=takers.get(account.id, Decimal(0)),
            cross_wallet=account.cross_wallet,
        )
        isolated = sum((r.isolated_wallet for r in rows), Decimal(0))
        summaries.append(AccountSummary(account, isolated, views, keys.get(account.id, [])))
    return summaries
