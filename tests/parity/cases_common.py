"""What the case modules share: reasons citing the audit, request builders, common masks."""

from __future__ import annotations

from tests.parity.case import Request
from tests.parity.transform import MaskKeys, SubText

IP = SubText("msg", r"\d{1,3}(?:\.\d{1,3}){3}", "<ip>")
TIMES = MaskKeys(("time", "updateTime", "serverTime", "nextFundingTime"))


def audit(row: int, what: str) -> str:
    return f"audit #{row}: {what}, to be fixed under issue 10"


def found(what: str) -> str:
    """A difference the parity suite found that the audit does not list."""
    return f"found by the parity suite (not in the audit): {what}, to be fixed under issue 10"


def signed(method: str, path: str, *params: tuple[str, str], tamper: str | None = None) -> Request:
    return Request(method, path, tuple(params), signed=True, tamper=tamper)


def margin(amount: str, type_: str, symbol: str = "BTCUSDT") -> Request:
    return signed("POST", "/fapi/v1/positionMargin", ("symbol", symbol), ("amount", amount), ("type", type_))


#: amounts that depend on the account: kept as "decimal string with N places"
MONEY = MaskKeys(
    (
        "balance",
        "crossWalletBalance",
        "crossUnPnl",
        "availableBalance",
        "maxWithdrawAmount",
        "markPrice",
        "unRealizedProfit",
        "liquidationPrice",
        "isolatedMargin",
        "notional",
        "isolatedWallet",
        "maxNotionalValue",
        "leverage",
    ),
    keep_format=True,
    keep_sign=False,
)

#: account totals and asset rows: decimal strings whose value is the account's
ACCOUNT_TOTALS = MaskKeys(
    (
        "totalInitialMargin",
        "totalMaintMargin",
        "totalWalletBalance",
        "totalUnrealizedProfit",
        "totalMarginBalance",
        "totalPositionInitialMargin",
        "totalOpenOrderInitialMargin",
        "totalCrossWalletBalance",
        "totalCrossUnPnl",
        "walletBalance",
        "unrealizedProfit",
        "marginBalance",
        "maintMargin",
        "initialMargin",
        "positionInitialMargin",
        "openOrderInitialMargin",
    ),
    keep_format=True,
    keep_sign=False,
)
V3_MARGINS = MaskKeys(("initialMargin", "maintMargin", "positionInitialMargin"), keep_format=True)
