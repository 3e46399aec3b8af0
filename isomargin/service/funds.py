"""Deposits and withdrawals through the control plane, so a test can fund an account mid-run.

Each is a change of the cross wallet through the one change path (``domain.changes.WalletTransfer``),
a ``TRANSFER`` income row and an ``ACCOUNT_UPDATE`` with reason DEPOSIT or WITHDRAW whose ``bc`` is
the amount and whose ``P`` is empty (reference §4.4, [obs PB-825]). A withdrawal is refused beyond
the account's ``maxWithdrawAmount``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain import changes
from isomargin.domain.events import AccountUpdateReason
from isomargin.domain.position import PositionSide
from isomargin.service.account import wallet_view
from isomargin.service.context import WALLET_ASSET, ServiceContext
from isomargin.service.errors import AdminError
from isomargin.service.events import account_update
from isomargin.store import Tx, orders, trading
from isomargin.store.changes import write_change


@dataclass(frozen=True, slots=True)
class FundsMoved:
    tran_id: int
    amount: Decimal  # signed: negative for a withdrawal
    cross_wallet: Decimal


def move_funds(tx: Tx, ctx: ServiceContext, account_id: int, amount: Decimal) -> FundsMoved:
    """Deposit ``amount`` (> 0) or withdraw ``-amount`` (< 0)."""
    locked = trading.lock_account_for_order(tx, account_id)
    if locked is None:
        raise AdminError(f"account {account_id} does not exist", 404)
    account, _ = locked
    wallet = wallet_view(tx, ctx, account_id)
    if amount < 0 and -amount > wallet.max_withdraw_amount:
        raise AdminError(f"the account can withdraw at most {wallet.max_withdraw_amount}", 409)
    outcome = changes.apply(changes.Holding.flat("", PositionSide.BOTH), changes.WalletTransfer(amount))
    cross = account.cross_wallet + outcome.cross_wallet_delta
    reason = AccountUpdateReason.DEPOSIT if amount > 0 else AccountUpdateReason.WITHDRAW
    event = account_update(reason, cross_wallet=cross, isolated_wallets=wallet.isolated_wallets, balance_change=amount)
    write_change(tx, account, outcome, events=[event], now_ms=ctx.now_ms, risk=None)
    tran_id = orders.insert_income(
        tx, account_id, orders.IncomeRow(0, "", "TRANSFER", amount, WALLET_ASSET, "TRANSFER", ctx.now_ms, "")
    )
    return FundsMoved(tran_id, amount, cross)
