"""What a state change tells the world: typed events, computed where the change happens.

Each use case appends these to the outbox in its own transaction (``store.outbox``); after commit
they are handed to subscribers (the user-data stream, the dashboard's live view). An event carries
every value Binance's frame needs, so nothing has to be re-read later — by then the state may have
moved on. Field meanings follow binance-usdm-trading-reference.md §4.4–§4.5 and Binance's
user-data-stream pages [doc AU][doc ACU]; the wire rendering (``"wb"``, ``"cw"``, key order,
string formats) belongs to the stream, not here.

Payloads are plain dicts of strings, numbers and lists, so they survive JSON in the outbox table
exactly: decimals travel as their exact decimal strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any


class AccountUpdateReason(StrEnum):
    """``ACCOUNT_UPDATE``'s ``m``: the reasons Binance documents [doc AU] that isomargin emits."""

    DEPOSIT = "DEPOSIT"
    WITHDRAW = "WITHDRAW"
    ORDER = "ORDER"
    FUNDING_FEE = "FUNDING_FEE"
    INSURANCE_CLEAR = "INSURANCE_CLEAR"
    MARGIN_TRANSFER = "MARGIN_TRANSFER"
    MARGIN_TYPE_CHANGE = "MARGIN_TYPE_CHANGE"


@dataclass(frozen=True, slots=True)
class BalanceUpdate:
    """One ``B`` row: the asset's wallet balance (cross + isolated), cross wallet, and change."""

    asset: str
    wallet_balance: Decimal
    cross_wallet: Decimal
    #: ``bc``: "Balance Change except PnL and Commission" [doc AU] — deposits and withdrawals
    balance_change: Decimal


@dataclass(frozen=True, slots=True)
class PositionUpdate:
    """One ``P`` row: a position as it stands after the change."""

    symbol: str
    position_amt: Decimal
    entry_price: Decimal
    #: ``cr``: pre-fee accumulated realized PnL of the symbol and side (reference §2.3)
    accumulated_realized: Decimal
    unrealized_pnl: Decimal
    margin_type: str  # ISOLATED | CROSSED
    isolated_wallet: Decimal
    position_side: str
    break_even_price: Decimal


@dataclass(frozen=True, slots=True)
class AccountUpdate:
    """``ACCOUNT_UPDATE``: balances and only the positions that changed [doc AU]."""

    reason: AccountUpdateReason
    balances: tuple[BalanceUpdate, ...]
    positions: tuple[PositionUpdate, ...] = ()
    #: ``a.S``: the symbol of a FUNDING_FEE event (reference §4.4)
    funding_symbol: str | None = None

    type = "ACCOUNT_UPDATE"


@dataclass(frozen=True, slots=True)
class AccountConfigUpdate:
    """``ACCOUNT_CONFIG_UPDATE`` for a leverage change: ``{"ac": {"s": symbol, "l": leverage}}`` [doc ACU]."""

    symbol: str
    leverage: int

    type = "ACCOUNT_CONFIG_UPDATE"


@dataclass(frozen=True, slots=True)
class ListenKeyExpired:
    """``listenKeyExpired``: the account's listenKey was closed (DELETE); no more events on it [doc LKE]."""

    listen_key: str

    type = "listenKeyExpired"


Event = AccountUpdate | AccountConfigUpdate | ListenKeyExpired


def to_payload(event: Event) -> dict[str, Any]:
    """The event as a JSON-safe dict (decimals as exact strings)."""
    if isinstance(event, AccountConfigUpdate):
        return {"symbol": event.symbol, "leverage": event.leverage}
    if isinstance(event, ListenKeyExpired):
        return {"listenKey": event.listen_key}
    return {
        "reason": event.reason.value,
        "balances": [
            {
                "asset": b.asset,
                "walletBalance": str(b.wallet_balance),
                "crossWallet": str(b.cross_wallet),
                "balanceChange": str(b.balance_change),
            }
            for b in event.balances
        ],
        "positions": [
            {
                "symbol": p.symbol,
                "positionAmt": str(p.position_amt),
                "entryPrice": str(p.entry_price),
                "accumulatedRealized": str(p.accumulated_realized),
                "unrealizedPnl": str(p.unrealized_pnl),
                "marginType": p.margin_type,
                "isolatedWallet": str(p.isolated_wallet),
                "positionSide": p.position_side,
                "breakEvenPrice": str(p.break_even_price),
            }
            for p in event.positions
        ],
        "fundingSymbol": event.funding_symbol,
    }


def from_payload(event_type: str, payload: Mapping[str, Any]) -> Event:
    """The typed event back from :func:`to_payload`'s dict (ValueError for an unknown type)."""
    if event_type == AccountConfigUpdate.type:
        return AccountConfigUpdate(str(payload["symbol"]), int(payload["leverage"]))
    if event_type == ListenKeyExpired.type:
        return ListenKeyExpired(str(payload["listenKey"]))
    if event_type != AccountUpdate.type:
        raise ValueError(f"unknown event type {event_type!r}")
    return AccountUpdate(
        reason=AccountUpdateReason(payload["reason"]),
        balances=tuple(
            BalanceUpdate(
                b["asset"], Decimal(b["walletBalance"]), Decimal(b["crossWallet"]), Decimal(b["balanceChange"])
            )
            for b in payload["balances"]
        ),
        positions=tuple(
            PositionUpdate(
                symbol=p["symbol"],
                position_amt=Decimal(p["positionAmt"]),
                entry_price=Decimal(p["entryPrice"]),
                accumulated_realized=Decimal(p["accumulatedRealized"]),
                unrealized_pnl=Decimal(p["unrealizedPnl"]),
                margin_type=p["marginType"],
                isolated_wallet=Decimal(p["isolatedWallet"]),
                position_side=p["positionSide"],
                break_even_price=Decimal(p["breakEvenPrice"]),
            )
            for p in payload["positions"]
        ),
        funding_symbol=payload.get("fundingSymbol"),
    )
