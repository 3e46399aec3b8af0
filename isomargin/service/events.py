"""Building the events a use case records, from values it already holds.

An event is computed where its change happens (issue 9): the use case passes the wallet and the
positions as they stand after the change, and the mark price it used, so the event never needs
a second read — by the time a subscriber sees it, the state may have moved on.
"""

from __future__ import annotations

from decimal import Decimal

from isomargin.domain.changes import Holding
from isomargin.domain.events import AccountUpdate, AccountUpdateReason, BalanceUpdate, PositionUpdate
from isomargin.domain.position import DECIMAL_CONTEXT
from isomargin.service.context import WALLET_ASSET

_ZERO = Decimal(0)
# DECIMAL_CONTEXT's methods (not localcontext(): see domain/position.py), bound once: reading one off
# the Context costs ~700 instructions, twice for every position an event carries
_multiply, _subtract = DECIMAL_CONTEXT.multiply, DECIMAL_CONTEXT.subtract


def position_update(
    holding: Holding,
    margin_type: str,
    mark_price: Decimal,
    *,
    accumulated_realized: Decimal = _ZERO,
    break_even_price: Decimal | None = None,
) -> PositionUpdate:
    """A ``P`` row for ``holding`` as it stands, its unrealized PnL at ``mark_price``.

    ``cr`` is the position's accumulated realized PnL (fills pass it; 0 for a position no fill
    touched); the break-even price defaults to the entry price (a decree, which
    does not know the account's taker rate; assumed, docs/COVERAGE.md).
    """
    unrealized = _multiply(holding.position_amt, _subtract(mark_price, holding.entry_price))
    # positional, in the fields' order: on Python 3.11 a class called with keywords packs them
    # into a dict first (~3,000 instructions for these nine; docs/BENCHMARKS.md, perf2)
    return PositionUpdate(
        holding.symbol,  # symbol
        holding.position_amt,  # position_amt
        holding.entry_price,  # entry_price
        accumulated_realized,  # accumulated_realized
        unrealized,  # unrealized_pnl
        margin_type,  # margin_type
        holding.isolated_wallet,  # isolated_wallet
        holding.position_side._value_,  # position_side: .value's str without enum's property call
        holding.entry_price if break_even_price is None else break_even_price,  # break_even_price
    )


def account_update(
    reason: AccountUpdateReason,
    *,
    cross_wallet: Decimal,
    isolated_wallets: Decimal,
    balance_change: Decimal = _ZERO,
    positions: tuple[PositionUpdate, ...] = (),
) -> AccountUpdate:
    """An ``ACCOUNT_UPDATE`` with the one USDT balance row: wallet = cross + Σ isolated wallets."""
    balance = BalanceUpdate(WALLET_ASSET, cross_wallet + isolated_wallets, cross_wallet, balance_change)
    return AccountUpdate(reason, (balance,), positions)
