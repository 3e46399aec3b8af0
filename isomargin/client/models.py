"""Typed results: snake_case attributes with ``Decimal`` money, Binance's own names in ``raw``.

Every result keeps the JSON object Binance sent in ``.raw`` (numbers parsed as ``Decimal``, never
float) and answers ``result["liquidationPrice"]`` with Binance's field name, so code written
against Binance's docs keeps working. Shapes from reference §1 and §4 ([PM], [PMH], [PR2], [PR3],
[BAL2], [BAL3], [ACC2], [ACC3], [MT], [PSD], [LEV], [LB], [MP], [TIME]).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any

from isomargin.domain.brackets import Bracket
from isomargin.domain.position import PositionSide

Raw = Mapping[str, Any]


class MarginChangeType(IntEnum):
    """``type`` of ``POST /fapi/v1/positionMargin``: "1: Add position margin，2: Reduce" [PM]."""

    ADD = 1
    REDUCE = 2


class MarginType(StrEnum):
    """``marginType`` of ``POST /fapi/v1/marginType`` [MT]."""

    ISOLATED = "ISOLATED"
    CROSSED = "CROSSED"


def dec(raw: Raw, name: str) -> Decimal:
    """A field Binance sends as a decimal string (or a JSON number, parsed as Decimal)."""
    value = raw[name]
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"{name}: expected a decimal, got {value!r}")
    return Decimal(value) if not isinstance(value, Decimal) else value


def opt_dec(raw: Raw, name: str) -> Decimal | None:
    return dec(raw, name) if raw.get(name) is not None else None


def integer(raw: Raw, name: str) -> int:
    value = raw[name]
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    return int(value)


def boolean(raw: Raw, name: str) -> bool:
    """Binance sends some booleans as JSON booleans and some as strings (``"false"``) [PR2]."""
    value = raw[name]
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


@dataclass(frozen=True, slots=True)
class BinanceObject:
    raw: Raw = field(repr=False, compare=False)

    def __getitem__(self, name: str) -> Any:
        return self.raw[name]


@dataclass(frozen=True, slots=True)
class Ack(BinanceObject):
    """``{"code": 200, "msg": "success"}`` of marginType and positionSide/dual [MT][PSD]."""

    code: int
    msg: str

    @classmethod
    def parse(cls, raw: Raw) -> Ack:
        return cls(raw, integer(raw, "code"), str(raw["msg"]))


@dataclass(frozen=True, slots=True)
class MarginChange(BinanceObject):
    """Reply of ``POST /fapi/v1/positionMargin`` [PM]: ``amount`` echoes the request."""

    amount: Decimal
    code: int
    msg: str
    type: MarginChangeType

    @classmethod
    def parse(cls, raw: Raw) -> MarginChange:
        return cls(raw, dec(raw, "amount"), integer(raw, "code"), str(raw["msg"]), MarginChangeType(raw["type"]))


@dataclass(frozen=True, slots=True)
class MarginHistoryEntry(BinanceObject):
    """One row of ``GET /fapi/v1/positionMargin/history`` [PMH]."""

    symbol: str
    type: MarginChangeType
    delta_type: str
    amount: Decimal
    asset: str
    time: int
    position_side: PositionSide

    @classmethod
    def parse(cls, raw: Raw) -> MarginHistoryEntry:
        return cls(
            raw,
            str(raw["symbol"]),
            MarginChangeType(raw["type"]),
            str(raw.get("deltaType", "")),
            dec(raw, "amount"),
            str(raw["asset"]),
            integer(raw, "time"),
            PositionSide(raw["positionSide"]),
        )


@dataclass(frozen=True, slots=True)
class PositionRisk(BinanceObject):
    """One row of ``GET /fapi/v2/positionRisk`` or ``/fapi/v3/positionRisk`` [PR2][PR3].

    v2 alone carries ``leverage``, ``marginType`` and ``isAutoAddMargin``; v3 alone the margin
    figures (``initialMargin``, ``maintMargin``, ...). Fields a version lacks are ``None``.
    ``margin_type`` is normalised to ``ISOLATED``/``CROSSED`` (v2 spells ``isolated``/``cross``).
    """

    symbol: str
    position_side: PositionSide
    position_amt: Decimal
    entry_price: Decimal
    break_even_price: Decimal | None
    mark_price: Decimal
    unrealized_profit: Decimal
    liquidation_price: Decimal
    isolated_margin: Decimal
    isolated_wallet: Decimal
    notional: Decimal
    update_time: int
    leverage: int | None = None
    margin_type: MarginType | None = None
    max_notional_value: Decimal | None = None
    is_auto_add_margin: bool | None = None
    initial_margin: Decimal | None = None
    maint_margin: Decimal | None = None

    @classmethod
    def parse(cls, raw: Raw) -> PositionRisk:
        margin_type = raw.get("marginType")
        return cls(
            raw,
            symbol=str(raw["symbol"]),
            position_side=PositionSide(raw["positionSide"]),
            position_amt=dec(raw, "positionAmt"),
            entry_price=dec(raw, "entryPrice"),
            break_even_price=opt_dec(raw, "breakEvenPrice"),
            mark_price=dec(raw, "markPrice"),
            unrealized_profit=dec(raw, "unRealizedProfit"),
            liquidation_price=dec(raw, "liquidationPrice"),
            isolated_margin=dec(raw, "isolatedMargin"),
            isolated_wallet=dec(raw, "isolatedWallet"),
            notional=dec(raw, "notional"),
            update_time=integer(raw, "updateTime"),
            leverage=integer(raw, "leverage") if "leverage" in raw else None,
            margin_type=None
            if margin_type is None
            else MarginType.ISOLATED
            if str(margin_type).upper() == "ISOLATED"
            else MarginType.CROSSED,
            max_notional_value=opt_dec(raw, "maxNotionalValue"),
            is_auto_add_margin=boolean(raw, "isAutoAddMargin") if "isAutoAddMargin" in raw else None,
            initial_margin=opt_dec(raw, "initialMargin"),
            maint_margin=opt_dec(raw, "maintMargin"),
        )


@dataclass(frozen=True, slots=True)
class Balance(BinanceObject):
    """One row of ``GET /fapi/v2/balance`` / ``/fapi/v3/balance`` [BAL2][BAL3].

    ``balance`` is the wallet balance including isolated wallets; ``cross_wallet_balance``
    excludes them.
    """

    account_alias: str
    asset: str
    balance: Decimal
    cross_wallet_balance: Decimal
    cross_un_pnl: Decimal
    available_balance: Decimal
    max_withdraw_amount: Decimal
    margin_available: bool
    update_time: int

    @classmethod
    def parse(cls, raw: Raw) -> Balance:
        return cls(
            raw,
            str(raw.get("accountAlias", "")),
            str(raw["asset"]),
            dec(raw, "balance"),
            dec(raw, "crossWalletBalance"),
            dec(raw, "crossUnPnl"),
            dec(raw, "availableBalance"),
            dec(raw, "maxWithdrawAmount"),
            boolean(raw, "marginAvailable"),
            integer(raw, "updateTime"),
        )


@dataclass(frozen=True, slots=True)
class AccountAsset(BinanceObject):
    """``assets[]`` of ``GET /fapi/v2|v3/account`` [ACC2][ACC3]."""

    asset: str
    wallet_balance: Decimal
    unrealized_profit: Decimal
    margin_balance: Decimal
    cross_wallet_balance: Decimal
    available_balance: Decimal
    max_withdraw_amount: Decimal

    @classmethod
    def parse(cls, raw: Raw) -> AccountAsset:
        return cls(
            raw,
            str(raw["asset"]),
            dec(raw, "walletBalance"),
            dec(raw, "unrealizedProfit"),
            dec(raw, "marginBalance"),
            dec(raw, "crossWalletBalance"),
            dec(raw, "availableBalance"),
            dec(raw, "maxWithdrawAmount"),
        )


@dataclass(frozen=True, slots=True)
class AccountPosition(BinanceObject):
    """``positions[]`` of ``GET /fapi/v2|v3/account`` [ACC2][ACC3] (v2 lacks ``isolatedWallet``)."""

    symbol: str
    position_side: PositionSide
    position_amt: Decimal
    unrealized_profit: Decimal
    initial_margin: Decimal
    maint_margin: Decimal
    isolated_wallet: Decimal | None

    @classmethod
    def parse(cls, raw: Raw) -> AccountPosition:
        return cls(
            raw,
            str(raw["symbol"]),
            PositionSide(raw["positionSide"]),
            dec(raw, "positionAmt"),
            dec(raw, "unrealizedProfit"),
            dec(raw, "initialMargin"),
            dec(raw, "maintMargin"),
            opt_dec(raw, "isolatedWallet"),
        )


@dataclass(frozen=True, slots=True)
class Account(BinanceObject):
    """``GET /fapi/v3/account`` (or v2) [ACC3][ACC2]: totals in USDT, assets, positions."""

    total_wallet_balance: Decimal
    total_unrealized_profit: Decimal
    total_margin_balance: Decimal
    total_initial_margin: Decimal
    total_maint_margin: Decimal
    total_cross_wallet_balance: Decimal
    available_balance: Decimal
    max_withdraw_amount: Decimal
    assets: tuple[AccountAsset, ...]
    positions: tuple[AccountPosition, ...]
    #: unrealized PnL of the CROSSED positions alone (v2 and v3 both send it)
    total_cross_un_pnl: Decimal | None = None

    @classmethod
    def parse(cls, raw: Raw) -> Account:
        return cls(
            raw,
            dec(raw, "totalWalletBalance"),
            dec(raw, "totalUnrealizedProfit"),
            dec(raw, "totalMarginBalance"),
            dec(raw, "totalInitialMargin"),
            dec(raw, "totalMaintMargin"),
            dec(raw, "totalCrossWalletBalance"),
            dec(raw, "availableBalance"),
            dec(raw, "maxWithdrawAmount"),
            tuple(AccountAsset.parse(a) for a in raw.get("assets", ())),
            tuple(AccountPosition.parse(p) for p in raw.get("positions", ())),
            opt_dec(raw, "totalCrossUnPnl"),
        )


@dataclass(frozen=True, slots=True)
class LeverageChange(BinanceObject):
    """Reply of ``POST /fapi/v1/leverage`` [LEV]."""

    symbol: str
    leverage: int
    max_notional_value: Decimal

    @classmethod
    def parse(cls, raw: Raw) -> LeverageChange:
        return cls(raw, str(raw["symbol"]), integer(raw, "leverage"), dec(raw, "maxNotionalValue"))


@dataclass(frozen=True, slots=True)
class SymbolBrackets(BinanceObject):
    """One symbol of ``GET /fapi/v1/leverageBracket`` [LB], tiers as the server's domain type."""

    symbol: str
    brackets: tuple[Bracket, ...]
    notional_coef: Decimal | None

    @classmethod
    def parse(cls, raw: Raw) -> SymbolBrackets:
        tiers = tuple(
            Bracket(
                bracket=integer(b, "bracket"),
                initial_leverage=integer(b, "initialLeverage"),
                notional_floor=dec(b, "notionalFloor"),
                notional_cap=dec(b, "notionalCap"),
                maint_margin_ratio=dec(b, "maintMarginRatio"),
                cum=dec(b, "cum"),
            )
            for b in raw["brackets"]
        )
        return cls(raw, str(raw["symbol"]), tiers, opt_dec(raw, "notionalCoef"))


@dataclass(frozen=True, slots=True)
class MarkPrice(BinanceObject):
    """``GET /fapi/v1/premiumIndex`` [MP]."""

    symbol: str
    mark_price: Decimal
    index_price: Decimal
    last_funding_rate: Decimal
    next_funding_time: int
    time: int

    @classmethod
    def parse(cls, raw: Raw) -> MarkPrice:
        return cls(
            raw,
            str(raw["symbol"]),
            dec(raw, "markPrice"),
            dec(raw, "indexPrice"),
            dec(raw, "lastFundingRate"),
            integer(raw, "nextFundingTime"),
            integer(raw, "time"),
        )
