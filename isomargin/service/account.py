"""Read model of an account's USDT wallet: every number balance and account endpoints show.

Sources: Futures Account Balance V2/V3 [BAL2][BAL3], Account Information V2/V3 [ACC2][ACC3]
(https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V3),
reference §4.7 and §6.1.

- ``balance`` / ``walletBalance`` = cross wallet + Σ isolated wallets: a margin transfer moves money
  between the two parts and never changes the sum (reference §6.1, the doc example shows wb
  122624.12 against cw 100.12 [AU]).
- ``crossWalletBalance`` excludes isolated wallets ("除去逐仓仓位保证金的钱包余额" [AU zh]).
- ``crossUnPnl`` is the unrealized PnL of CROSSED positions only. isomargin opens isolated positions
  only, so it is 0 in practice, but it is computed, not assumed.
- ``availableBalance`` = max(0, crossWalletBalance + crossUnPnl − cross positions' initial margin −
  open orders' initial margin); isolated positions are paid for out of their own wallets, so with
  isolated positions only it equals the cross wallet — as in the doc example, where
  ``availableBalance`` == ``crossWalletBalance`` == "23.72469206" [BAL2] (assumed formula; Binance
  documents only the example).
- ``maxWithdrawAmount`` = min(availableBalance, crossWalletBalance): unrealized profit can't be
  withdrawn (assumed; equal to availableBalance in every doc example).
- Account totals (``totalInitialMargin``, ``totalMaintMargin``, ``totalUnrealizedProfit``) sum every
  position, isolated ones included: the doc calls ``totalInitialMargin`` "useless with isolated
  positions", i.e. it counts them (assumed). ``totalMarginBalance`` = wallet + unrealized PnL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from isomargin.service.context import WALLET_ASSET, ServiceContext
from isomargin.service.positions import PositionView, position_views
from isomargin.store import Tx, orders, repo

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class WalletView:
    account_id: int
    dual_side_position: bool
    asset: str
    cross_wallet: Decimal
    isolated_wallets: Decimal
    cross_unrealized: Decimal
    unrealized: Decimal
    initial_margin: Decimal  # Σ positions' initial margin at the mark price (no orders: = position IM)
    maint_margin: Decimal
    cross_initial_margin: Decimal
    update_time: int
    positions: tuple[PositionView, ...]  # open positions only
    #: Σ initial margin resting orders reserve (``openOrderInitialMargin``, issue 11)
    open_order_margin: Decimal = _ZERO

    @property
    def wallet_balance(self) -> Decimal:
        return self.cross_wallet + self.isolated_wallets

    @property
    def margin_balance(self) -> Decimal:
        return self.wallet_balance + self.unrealized

    @property
    def available_balance(self) -> Decimal:
        return max(
            _ZERO, self.cross_wallet + self.cross_unrealized - self.cross_initial_margin - self.open_order_margin
        )

    @property
    def max_withdraw_amount(self) -> Decimal:
        return max(_ZERO, min(self.available_balance, self.cross_wallet))


def wallet_view(
    tx: Tx, ctx: ServiceContext, account_id: int, views: Sequence[PositionView] | None = None
) -> WalletView:
    """The wallet, from ``views`` when the caller already read the account's positions."""
    account = repo.get_account(tx, account_id)
    assert account is not None, "an authenticated key always has an account"
    if views is None:
        views = position_views(tx, ctx, account_id, None, include_empty=False)
    positions = tuple(v for v in views if v.is_open)
    cross = [p for p in positions if not p.isolated]
    return WalletView(
        account_id=account.id,
        dual_side_position=account.dual_side_position,
        asset=WALLET_ASSET,
        cross_wallet=account.cross_wallet,
        isolated_wallets=repo.sum_isolated_wallets(tx, account_id),
        cross_unrealized=sum((p.unrealized_pnl for p in cross), _ZERO),
        unrealized=sum((p.unrealized_pnl for p in positions), _ZERO),
        initial_margin=sum((p.initial_margin for p in positions), _ZERO),
        maint_margin=sum((p.maint_margin for p in positions), _ZERO),
        cross_initial_margin=sum((p.initial_margin for p in cross), _ZERO),
        update_time=account.update_time,
        positions=positions,
        open_order_margin=orders.reserved_margin(tx, account_id),
    )
