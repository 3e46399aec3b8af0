"""Control-plane use cases: set up accounts, keys, positions and prices deterministically.

Not Binance's API. Errors here are :class:`AdminError` (rendered as ``{"error": ...}`` with a
4xx status by the control plane), never Binance error codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from isomargin.auth.signing import KeyType
from isomargin.domain import changes
from isomargin.domain.brackets import max_leverage, max_notional_for_leverage
from isomargin.domain.events import AccountUpdateReason
from isomargin.domain.position import PositionSide
from isomargin.money import ASSET_PLACES, ASSET_QUANTUM, significant_places
from isomargin.service import price_moves
from isomargin.service.book import Book
from isomargin.service.context import ServiceContext
from isomargin.service.errors import AdminError, control_symbol
from isomargin.service.events import account_update, position_update
from isomargin.service.keys import Credentials, add_api_key
from isomargin.service.symbol_state import mark_price, symbol_config
from isomargin.store import Tx, outbox, repo, risk, trading
from isomargin.store.changes import RiskTerms, write_change

#: Every balance, wallet and price the control plane takes stays below 10^10 with at most 8
#: decimals (positionAmt: the symbol's quantityPrecision). The store keeps money as a 64-bit
#: integer of value × 10^8 (store/money_sql.py), which holds ±9.2 × 10^10: below 10^10 every
#: value fits, and so does any wallet later (opening positions and margin transfers only move an
#: account's money between its wallets). Sums also stay far inside the 28 significant digits
#: Decimal arithmetic keeps by default, so money never silently rounds.
MAX_INTEGER_DIGITS = 10
_LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS


def check_decimal(name: str, value: Decimal, *, max_places: int = ASSET_PLACES) -> None:
    """AdminError unless ``abs(value) < 10^10`` with at most ``max_places`` significant decimals."""
    if abs(value) >= _LIMIT:
        raise AdminError(f"{name} must be below 10^{MAX_INTEGER_DIGITS}")
    if significant_places(value) > max_places:
        raise AdminError(f"{name} has more than {max_places} decimals")


def create_account(
    tx: Tx,
    ctx: ServiceContext,
    *,
    balance: Decimal,
    dual_side_position: bool,
    api_key: str | None = None,
    secret_key: str | None = None,
) -> tuple[int, Credentials]:
    if balance < 0:
        raise AdminError("balance must not be negative")
    check_decimal("balance", balance)
    account_id = repo.insert_account(tx, cross_wallet=balance, dual_side_position=dual_side_position, now_ms=ctx.now_ms)
    creds = add_api_key(tx, ctx, account_id, KeyType.HMAC_SHA256, api_key=api_key, secret=secret_key)
    if balance:
        # The opening balance arrives as Binance shows a deposit: ACCOUNT_UPDATE "DEPOSIT" whose
        # bc is the amount and whose P is empty (reference §4.4).
        deposit = account_update(
            AccountUpdateReason.DEPOSIT, cross_wallet=balance, isolated_wallets=Decimal(0), balance_change=balance
        )
        outbox.append(tx, account_id, [deposit], ctx.now_ms)
    return account_id, creds


def initial_margin_for(amount: Decimal, entry_price: Decimal, leverage: int) -> Decimal:
    """|positionAmt| × entryPrice / leverage, rounded up to the wallet's 8 decimals."""
    return (abs(amount) * entry_price / leverage).quantize(ASSET_QUANTUM, rounding=ROUND_UP)


@dataclass(frozen=True, slots=True)
class OpenPosition:
    account_id: int
    symbol: str
    position_side: PositionSide
    position_amt: Decimal
    entry_price: Decimal
    leverage: int | None  # None: the symbol's leverage as the account set it (POST /fapi/v1/leverage)
    isolated_wallet: Decimal | None = None  # default: the initial margin


def open_position(tx: Tx, ctx: ServiceContext, req: OpenPosition) -> repo.PositionRow:
    """Open an isolated position, paying its margin from the cross wallet.

    Sets the symbol ISOLATED at ``leverage`` for the account (margin type and leverage are per
    symbol on Binance, shared by hedge-mode legs). Without ``leverage`` the symbol keeps the
    leverage the account gave it (``POST /fapi/v1/leverage``; 20x, or the symbol's maximum if lower,
    when never set), so a client's own settings survive the control plane opening its position.
    """
    spec = control_symbol(ctx.symbols, req.symbol, 400)
    risk.lock_symbol(tx, spec.symbol, exclusive=False)  # before the account: the lock order (store/risk.py)
    account = repo.get_account(tx, req.account_id, lock=True)
    if account is None:
        raise AdminError(f"account {req.account_id} does not exist", 404)
    side = req.position_side
    if account.dual_side_position and side is PositionSide.BOTH:
        raise AdminError("the account is in hedge mode: positionSide must be LONG or SHORT")
    if not account.dual_side_position and side is not PositionSide.BOTH:
        raise AdminError("the account is in one-way mode: positionSide must be BOTH")
    check_decimal("positionAmt", req.position_amt, max_places=spec.quantity_precision)
    check_decimal("entryPrice", req.entry_price)
    if req.isolated_wallet is not None:
        check_decimal("isolatedWallet", req.isolated_wallet)
    if req.position_amt == 0:
        raise AdminError("positionAmt must not be zero")
    if side is PositionSide.LONG and req.position_amt < 0:
        raise AdminError("a LONG position has a positive positionAmt")
    amount = -abs(req.position_amt) if side is PositionSide.SHORT else req.position_amt
    if req.entry_price <= 0:
        raise AdminError("entryPrice must be positive")
    top = max_leverage(spec.brackets)
    leverage = symbol_config(tx, ctx, account.id, spec.symbol).leverage if req.leverage is None else req.leverage
    if not 1 <= leverage <= top:
        raise AdminError(f"leverage must be between 1 and {top} for {spec.symbol}")
    notional = abs(amount) * req.entry_price
    cap = max_notional_for_leverage(spec.brackets, leverage)
    if notional > cap:
        raise AdminError(f"notional {notional} is above {cap}, the maximum at leverage {leverage}")
    existing = repo.get_position(tx, account.id, spec.symbol, side.value, lock=True)
    if existing is not None and existing.position_amt != 0:
        raise AdminError(f"account {account.id} already holds {spec.symbol} {side.value}", 409)
    _check_shared_leverage(tx, ctx, account.id, spec.symbol, side, leverage)

    wallet = (
        req.isolated_wallet
        if req.isolated_wallet is not None
        else initial_margin_for(amount, req.entry_price, leverage)
    )
    if wallet <= 0:
        raise AdminError("isolatedWallet must be positive")
    if wallet > account.cross_wallet:
        raise AdminError(f"the cross wallet ({account.cross_wallet}) cannot pay the position's margin ({wallet})", 409)
    repo.upsert_symbol_config(tx, account.id, repo.SymbolConfig(spec.symbol, "ISOLATED", leverage))
    # A decree: the accounting of a fill at the entry price with no fee (domain.changes), so it
    # writes the TRADE history row an order's open writes, but no order, trade or income row.
    decree = changes.Fill(amount, req.entry_price, leverage, margin=wallet)
    outcome = changes.apply(changes.Holding.flat(spec.symbol, side), decree)
    cross = account.cross_wallet + outcome.cross_wallet_delta
    mark = mark_price(tx, spec)
    event = account_update(
        AccountUpdateReason.ORDER,
        cross_wallet=cross,
        isolated_wallets=repo.sum_isolated_wallets(tx, account.id) + outcome.isolated_wallet_delta,
        positions=(position_update(outcome.after, "ISOLATED", mark),),
    )
    write_change(
        tx,
        account,
        outcome,
        events=[event],
        now_ms=ctx.now_ms,
        risk=RiskTerms(spec.brackets, True, mark, ctx.margin_call_ratio),
    )
    after = outcome.after
    return repo.PositionRow(
        spec.symbol, side.value, after.position_amt, after.entry_price, after.isolated_wallet, ctx.now_ms
    )


def _check_shared_leverage(
    tx: Tx, ctx: ServiceContext, account_id: int, symbol: str, side: PositionSide, leverage: int
) -> None:
    """Hedge legs share the symbol's leverage: opening one leg must not re-lever the other.

    Binance itself refuses to lower leverage under an open isolated position (-4161) and raising it
    would silently change the other leg's initial margin, so the control plane asks for the same
    leverage (or none) instead.
    """
    for other in repo.list_positions(tx, account_id, symbol):
        if other.position_side != side.value and other.position_amt != 0:
            current = symbol_config(tx, ctx, account_id, symbol).leverage
            if leverage != current:
                raise AdminError(
                    f"leverage is per symbol: the open {other.position_side} leg of {symbol} uses {current}x; "
                    f"omit leverage or pass {current}",
                    409,
                )


def set_mark_price(
    tx: Tx,
    ctx: ServiceContext,
    symbol: str,
    price: Decimal,
    bid: Decimal | None = None,
    ask: Decimal | None = None,
    *,
    dry_run: bool = False,
) -> price_moves.MoveReport:
    """Set the mark price and the book top (issue 11); a bid or ask not given is put at the mark.

    Everything the move causes happens in the same transaction, through the engine
    (``service.price_moves``): resting orders fill, positions are liquidated and margin-called.
    ``dry_run`` raises :class:`~isomargin.service.price_moves.DryRun` with the report instead of
    returning it, so the caller's transaction rolls back.
    """
    control_symbol(ctx.symbols, symbol)
    bid = price if bid is None else bid
    ask = price if ask is None else ask
    for name, value in (("markPrice", price), ("bidPrice", bid), ("askPrice", ask)):
        if value <= 0:
            raise AdminError(f"{name} must be positive")
        check_decimal(name, value)
    if bid > ask:
        raise AdminError(f"bidPrice {bid} is above askPrice {ask}: the book would be crossed")
    return price_moves.move_price(tx, ctx, symbol, Book(price, bid, ask), dry_run=dry_run)


def set_commission_rates(
    tx: Tx, ctx: ServiceContext, account_id: int, maker: Decimal | None, taker: Decimal | None
) -> trading.FeeRates:
    """Set either or both rates (0 ≤ rate < 1, 8 decimals at most); the rates after the change."""
    current = trading.fee_rates(tx, account_id)
    if current is None:
        raise AdminError(f"account {account_id} does not exist", 404)
    for name, value in (("makerCommissionRate", maker), ("takerCommissionRate", taker)):
        if value is not None and not 0 <= value < 1:
            raise AdminError(f"{name} must be at least 0 and below 1")
        if value is not None:
            check_decimal(name, value)
    rates = trading.FeeRates(current.maker if maker is None else maker, current.taker if taker is None else taker)
    trading.set_fee_rates(tx, account_id, rates)
    return rates


#: orderIds are 64-bit signed integers, as Binance's (which exceed 2^53: 8389766058155948588 [obs FR-ETH])
MAX_ORDER_ID = 2**63 - 1


def seed_next_order_id(tx: Tx, ctx: ServiceContext, next_id: int) -> None:
    """The next order gets ``next_id`` (ids keep counting from there), so a client that parses ids as
    floats can be tested with ids past 2^53 (issue 11)."""
    if not 1 <= next_id <= MAX_ORDER_ID:
        raise AdminError(f"nextOrderId must be from 1 to {MAX_ORDER_ID}")
    if not trading.seed_next_order_id(tx, next_id):
        raise AdminError("nextOrderId must be above every orderId already given", 409)


def reset(tx: Tx, ctx: ServiceContext) -> None:
    repo.delete_everything(tx)
