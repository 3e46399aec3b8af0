"""Per-account settings: margin type and leverage per symbol, position mode per account.

``POST /fapi/v1/marginType`` [MT], ``POST /fapi/v1/positionSide/dual`` [PSD],
``POST /fapi/v1/leverage`` [LEV]; reference §4.3–§4.5. Each use case locks the account row first
(account before position, always) so a concurrent positionMargin or open can't slip in between the
check and the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from isomargin import errors
from isomargin.domain.brackets import max_leverage, max_notional_for_leverage
from isomargin.domain.events import AccountConfigUpdate, AccountUpdateReason
from isomargin.service.context import ServiceContext
from isomargin.service.events import account_update
from isomargin.service.symbol_state import mark_price, symbol_config
from isomargin.store import Tx, orders, outbox, repo


class MarginType(StrEnum):
    """``marginType`` as /fapi/v1/marginType spells it [MT]."""

    ISOLATED = "ISOLATED"
    CROSSED = "CROSSED"


def _lock_account(tx: Tx, account_id: int) -> repo.Account:
    account = repo.get_account(tx, account_id, lock=True)
    if account is None:
        raise errors.REJECTED_MBX_KEY.error()
    return account


def _open_positions(tx: Tx, account_id: int, symbol: str | None = None) -> list[repo.PositionRow]:
    return [p for p in repo.list_positions(tx, account_id, symbol) if p.position_amt != 0]


@dataclass(frozen=True, slots=True)
class SetMarginType:
    symbol: str
    margin_type: MarginType


def change_margin_type(tx: Tx, ctx: ServiceContext, account_id: int, req: SetMarginType) -> None:
    """Switch one symbol between ISOLATED and CROSSED [MT].

    Order of checks (assumed; Binance documents none):
    1. -1121 unknown symbol;
    2. the symbol already has that margin type: -4046 when it holds a position (observed: ccxt
       quotes the reply), and -4067 "Position side cannot be changed if there exists open orders."
       when it holds none — what the real server answered in 2026-05, with no orders either
       (observed twice: https://github.com/binance/binance-connector-python/issues/538,
       https://github.com/ccxt/ccxt/issues/28703; ccxt swallows -4046 but raises on -4067, so a
       bot meets it);
    3. -4048 any side of the symbol holds a position [EC].
    Then -4047 when the symbol has open orders (issue 11: resting LIMIT orders exist now).
    -4168 (Multi-Assets mode) is never raised: accounts are always single-asset.
    The symbol's leverage is kept. Works on a symbol with no position, so a client sets a symbol
    ISOLATED before its position is opened through the control plane.
    """
    symbol, margin_type = req.symbol, req.margin_type
    ctx.symbol(symbol)
    account = _lock_account(tx, account_id)
    config = symbol_config(tx, ctx, account_id, symbol)
    has_position = bool(_open_positions(tx, account_id, symbol))
    if config.margin_type == margin_type.value:
        if has_position:
            raise errors.NO_NEED_TO_CHANGE_MARGIN_TYPE.error()
        raise errors.POSITION_SIDE_CHANGE_EXISTS_OPEN_ORDERS.error()
    if orders.list_orders(tx, account_id, symbol, open_only=True, limit=1):
        raise errors.THERE_EXISTS_OPEN_ORDERS.error()
    if has_position:
        raise errors.THERE_EXISTS_QUANTITY.error()
    repo.upsert_symbol_config(tx, account_id, repo.SymbolConfig(symbol, margin_type.value, config.leverage))
    # ACCOUNT_UPDATE "MARGIN_TYPE_CHANGE" [doc AU]: the symbol holds no position (checked above), so
    # only the balance row, unchanged (assumed: no capture of this event exists).
    event = account_update(
        AccountUpdateReason.MARGIN_TYPE_CHANGE,
        cross_wallet=account.cross_wallet,
        isolated_wallets=repo.sum_isolated_wallets(tx, account_id),
    )
    outbox.append(tx, account_id, [event], ctx.now_ms)


@dataclass(frozen=True, slots=True)
class SetPositionMode:
    dual_side_position: bool


def change_position_mode(tx: Tx, ctx: ServiceContext, account_id: int, req: SetPositionMode) -> None:
    """Switch the account between one-way (false) and hedge (true) mode, for every symbol [PSD].

    -4059 when the account is already in that mode; -4068 when any symbol holds a position [EC]
    (that order is assumed); -4067 when any order is open (checked before positions, assumed).
    """
    dual_side_position = req.dual_side_position
    account = _lock_account(tx, account_id)
    if account.dual_side_position == dual_side_position:
        raise errors.NO_NEED_TO_CHANGE_POSITION_SIDE.error()
    if orders.list_orders(tx, account_id, None, open_only=True, limit=1):
        raise errors.POSITION_SIDE_CHANGE_EXISTS_OPEN_ORDERS.error()
    if _open_positions(tx, account_id):
        raise errors.POSITION_SIDE_CHANGE_EXISTS_QUANTITY.error()
    repo.set_dual_side_position(tx, account_id, dual_side_position, ctx.now_ms)


@dataclass(frozen=True, slots=True)
class LeverageChange:
    symbol: str
    leverage: int
    max_notional: Decimal


@dataclass(frozen=True, slots=True)
class SetLeverage:
    symbol: str
    leverage: int


def change_leverage(tx: Tx, ctx: ServiceContext, account_id: int, req: SetLeverage) -> LeverageChange:
    """Set a symbol's initial leverage; returns it with the bracket's ``maxNotionalValue`` [LEV].

    Order of checks:
    1. -1121 unknown symbol;
    2. -4028 "Leverage N is not valid" unless 1 ≤ N ≤ the symbol's maximum, tier 1's
       ``initialLeverage`` (the SDK: "The maximum is symbol-specific: use initialLeverage of
       bracket 1") [LEV][SDK];
    3. -4161 lowering the leverage of an ISOLATED symbol with an open position (either hedge leg)
       [EC] "Leverage reduction is not supported in Isolated Margin Mode with open positions";
    4. -2027 an open position's notional at the mark price exceeds the new leverage's max notional
       (assumed: the order-placement error for the same limit).
    Raising the leverage of an open isolated position keeps its isolated wallet as it is: only the
    initial margin rate 1/leverage falls, so the position's initial margin falls and max removable
    (reference §6.3) grows. The liquidation price, which does not depend on leverage, is unchanged.
    """
    symbol, leverage = req.symbol, req.leverage
    spec = ctx.symbol(symbol)
    if not 1 <= leverage <= max_leverage(spec.brackets):
        raise errors.INVALID_LEVERAGE.error(leverage)
    _lock_account(tx, account_id)
    config = symbol_config(tx, ctx, account_id, symbol)
    positions = _open_positions(tx, account_id, symbol)
    if positions and config.margin_type == MarginType.ISOLATED.value and leverage < config.leverage:
        raise errors.ISOLATED_LEVERAGE_REJECT_WITH_POSITION.error()
    cap = max_notional_for_leverage(spec.brackets, leverage)
    mark = mark_price(tx, spec)
    if any(abs(p.position_amt) * mark > cap for p in positions):
        raise errors.MAX_LEVERAGE_RATIO.error()
    repo.upsert_symbol_config(tx, account_id, repo.SymbolConfig(symbol, config.margin_type, leverage))
    # ACCOUNT_CONFIG_UPDATE {"ac": {"s", "l"}} on every leverage change [doc ACU], unchanged ones too
    # (assumed: Binance documents no exception).
    outbox.append(tx, account_id, [AccountConfigUpdate(symbol, leverage)], ctx.now_ms)
    return LeverageChange(symbol, leverage, cap)
