"""Every parity case. Each names its snapshot (``snapshots/<name>.json``) by its ``name``.

A known difference's reason cites the fidelity audit (../shared/spec/fidelity-audit.md) row it
comes from; the engineer who fixes one removes its declaration in the same commit (a declared
difference that no longer occurs fails the case, so declarations cannot go stale).
"""

from __future__ import annotations

from isomargin import errors
from tests.parity.case import Case, Request
from tests.parity.compare import KnownDifference
from tests.parity.scenarios import (
    FRESH,
    FRESH_ISOLATED,
    HEDGE_LONG,
    ISOLATED_LONG,
    NO_ACCOUNT,
    RATE_LIMITED,
    WITH_HISTORY,
)
from tests.parity.transform import FirstRow, MaskKeys, RowOf, SortKeys, SubText, Unwrap

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


TRADE: tuple[Case, ...] = (
    Case(
        "positionMargin-add-0.5",
        "add 0.5 USDT to an isolated position: body keys, order, JSON types, amount literal",
        margin("0.5", "1"),
        ISOLATED_LONG,
        known=(KnownDifference("$", "key order", audit(16, "Binance orders code,msg,amount,type")),),
    ),
    Case(
        "positionMargin-add-1",
        "add 1 USDT: the amount literal of a whole amount (1.0 on mainnet, 2023)",
        margin("1", "1"),
        ISOLATED_LONG,
    ),
    Case(
        "positionMargin-add-10",
        "add 10 USDT: the amount literal of a whole amount (10 on the testnet, 2024)",
        margin("10", "1"),
        ISOLATED_LONG,
        known=(KnownDifference("$.amount", "format", audit(16, "testnet echoes amount=10 as 10, not 10.0")),),
    ),
    Case(
        "positionMargin-error-4054-no-position",
        "hedge mode, add on a symbol with no position and no positionSide: -4054, 400, 65 bytes",
        margin("1", "1", symbol="ETHUSDT"),
        HEDGE_LONG,
        error=errors.ADD_ISOLATED_MARGIN_NO_POSITION_REJECT,
    ),
    Case(
        "positionMargin-error-4054-hedge-no-side",
        "hedge mode, add without positionSide (BOTH holds nothing): -4054",
        margin("1", "1"),
        HEDGE_LONG,
        error=errors.ADD_ISOLATED_MARGIN_NO_POSITION_REJECT,
    ),
    Case(
        "positionMargin-error-4051-hedge-no-side",
        "hedge mode, reduce without positionSide (BOTH holds nothing): -4051",
        margin("1", "2"),
        HEDGE_LONG,
        error=errors.ISOLATED_BALANCE_INSUFFICIENT,
    ),
    Case(
        "positionMargin-history",
        "margin history after an add and a reduce: keys, order, types, amount format and sign",
        signed("GET", "/fapi/v1/positionMargin/history", ("symbol", "BTCUSDT")),
        WITH_HISTORY,
        # The capture's rows are TRADE moves of another symbol; ours are USER_ADJUST.
        transformers=(TIMES, MaskKeys(("symbol", "deltaType")), MaskKeys(("amount",), keep_format=True)),
        known=(
            KnownDifference("$[*].clientTranId", "missing key", audit(4, 'rows end with "clientTranId":""')),
            KnownDifference("$[0].amount", "format", audit(4, "amounts have 8 decimals")),
            KnownDifference("$[1].amount", "format", audit(4, "amounts have 8 decimals, type-2 rows are negative")),
        ),
    ),
    Case(
        "positionMargin-history-user-adjust",
        "the USER_ADJUST row an add of 10 USDT leaves in the margin history",
        signed("GET", "/fapi/v1/positionMargin/history", ("symbol", "BTCUSDT")),
        WITH_HISTORY,
        transformers=(RowOf("deltaType", "USER_ADJUST"), TIMES, MaskKeys(("symbol",))),
        known=(
            KnownDifference("$.clientTranId", "missing key", audit(4, 'rows end with "clientTranId":""')),
            KnownDifference("$.amount", "format", audit(4, "amounts have 8 decimals")),
        ),
    ),
    Case(
        "marginType-error-4046-with-position",
        "set ISOLATED on a symbol that is isolated with a position: -4046",
        signed("POST", "/fapi/v1/marginType", ("symbol", "BTCUSDT"), ("marginType", "ISOLATED")),
        ISOLATED_LONG,
        error=errors.NO_NEED_TO_CHANGE_MARGIN_TYPE,
    ),
    Case(
        "marginType-error-4067-no-position",
        "set CROSSED on a crossed symbol with no position and no orders: -4067 (2026 behaviour)",
        signed("POST", "/fapi/v1/marginType", ("symbol", "BTCUSDT"), ("marginType", "CROSSED")),
        FRESH,
        error=errors.POSITION_SIDE_CHANGE_EXISTS_OPEN_ORDERS,
    ),
    Case(
        "marginType-error-lowercase-value",
        "marginType=isolated (lower case): the real server answers -1102 naming 'margintype'",
        signed("POST", "/fapi/v1/marginType", ("symbol", "BTCUSDT"), ("marginType", "isolated")),
        FRESH,
        known=(
            KnownDifference("$.code", "code", audit(3, "an enum value error is -1102, not -1130")),
            KnownDifference("$.msg", "message", audit(3, "-1102 naming the parameter lower-cased")),
        ),
        error=errors.INVALID_PARAMETER,
    ),
    Case(
        "leverage-change",
        "change BTCUSDT leverage to 20: keys, order, JSON types",
        signed("POST", "/fapi/v1/leverage", ("symbol", "BTCUSDT"), ("leverage", "20")),
        FRESH,
        transformers=(MaskKeys(("maxNotionalValue",), keep_format=True),),
        known=(KnownDifference("$", "key order", audit(17, "Binance orders symbol,leverage,maxNotionalValue")),),
    ),
    Case(
        "leverage-error-1021-stale-timestamp",
        "a timestamp two minutes old with recvWindow=6000: -1021, 400, 79 bytes",
        signed(
            "POST",
            "/fapi/v1/leverage",
            ("symbol", "BTCUSDT"),
            ("leverage", "20"),
            ("recvWindow", "6000"),
            tamper="stale-timestamp",
        ),
        FRESH,
        error=errors.TIMESTAMP_OUTSIDE_RECV_WINDOW,
    ),
    Case(
        "leverage-error-1102-missing-leverage",
        "POST /fapi/v1/leverage without leverage: -1102 naming it, 400, 97 bytes, CORS headers",
        signed("POST", "/fapi/v1/leverage", ("symbol", "ETHUSDT")),
        FRESH,
        known=(
            KnownDifference("header:access-control-allow-origin", "header", audit(2, "every answer carries CORS")),
            KnownDifference("header:access-control-allow-methods", "header", audit(2, "every answer carries CORS")),
        ),
        error=errors.MANDATORY_PARAM_EMPTY_OR_MALFORMED,
    ),
    Case(
        "positionSide-dual-get",
        "the position mode of a one-way account",
        signed("GET", "/fapi/v1/positionSide/dual"),
        FRESH,
    ),
    Case(
        "positionSide-dual-post",
        "switch to hedge mode with no position",
        signed("POST", "/fapi/v1/positionSide/dual", ("dualSidePosition", "true")),
        FRESH,
    ),
    Case(
        "positionSide-dual-error-4059",
        "switch a one-way account to one-way mode: -4059, 400",
        signed("POST", "/fapi/v1/positionSide/dual", ("dualSidePosition", "false")),
        FRESH,
        error=errors.NO_NEED_TO_CHANGE_POSITION_SIDE,
    ),
    Case(
        "marginType-change",
        "switch a crossed symbol with no position to ISOLATED",
        signed("POST", "/fapi/v1/marginType", ("symbol", "BTCUSDT"), ("marginType", "ISOLATED")),
        FRESH,
    ),
)

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

READ: tuple[Case, ...] = (
    Case(
        "positionRisk-v2-isolated-open",
        "v2 positionRisk of an open isolated position",
        signed("GET", "/fapi/v2/positionRisk", ("symbol", "BTCUSDT")),
        ISOLATED_LONG,
        # positionAmt's decimals are the symbol's quantity precision; the capture is AAPLUSDT.
        transformers=(
            TIMES,
            MaskKeys(("symbol", "positionAmt")),
            MONEY,
            MaskKeys(("entryPrice", "breakEvenPrice"), keep_format=True),
        ),
        known=(
            KnownDifference("$[0].isolated", "missing key", audit(5, 'rows end with "isolated":true')),
            KnownDifference("$[0].adlQuantile", "missing key", audit(5, 'rows end with "adlQuantile"')),
            KnownDifference("$[0].entryPrice", "format", audit(15, "entryPrice is a Java double string")),
            KnownDifference("$[0].breakEvenPrice", "format", audit(15, "breakEvenPrice is a Java double string")),
        ),
    ),
    Case(
        "positionRisk-v2-isolated-empty",
        "v2 positionRisk of an isolated symbol with no position",
        signed("GET", "/fapi/v2/positionRisk", ("symbol", "BTCUSDT")),
        FRESH_ISOLATED,
        transformers=(TIMES, MaskKeys(("symbol", "positionAmt")), MONEY),
        known=(
            KnownDifference("$[0].isolated", "missing key", audit(5, 'rows end with "isolated":true')),
            KnownDifference("$[0].adlQuantile", "missing key", audit(5, 'rows end with "adlQuantile"')),
        ),
    ),
    Case(
        "positionRisk-v2-cross-row",
        "v2 positionRisk without symbol: the row of a crossed symbol with no position",
        signed("GET", "/fapi/v2/positionRisk"),
        FRESH,
        transformers=(RowOf("symbol", "ETHUSDT"), MaskKeys(("symbol", "positionAmt")), MONEY),
        known=(
            KnownDifference("$.isolated", "missing key", audit(5, 'rows end with "isolated":false')),
            KnownDifference("$.adlQuantile", "missing key", audit(5, 'rows end with "adlQuantile":0')),
        ),
    ),
    Case(
        "positionRisk-v3-open",
        "v3 positionRisk of an open position (the capture's is crossed, ours isolated)",
        signed("GET", "/fapi/v3/positionRisk", ("symbol", "BTCUSDT")),
        ISOLATED_LONG,
        # isolatedMargin/isolatedWallet are "0" on a crossed position: their form is state here.
        transformers=(
            TIMES,
            MaskKeys(("positionAmt", "isolatedMargin", "isolatedWallet")),
            MONEY,
            V3_MARGINS,
            MaskKeys(("entryPrice", "breakEvenPrice"), keep_format=True),
        ),
        known=(
            KnownDifference("$[0].entryPrice", "format", audit(15, "entryPrice is a Java double string")),
            KnownDifference("$[0].breakEvenPrice", "format", audit(15, "breakEvenPrice is a Java double string")),
            KnownDifference("$[0].adl", "value", audit(22, "adl is 1-4 with an open position, never always 0")),
        ),
    ),
    Case(
        "balance-v2",
        "v2 balance: one row per margin asset",
        signed("GET", "/fapi/v2/balance"),
        FRESH,
        transformers=(TIMES, MaskKeys(("accountAlias",)), MONEY),
        known=(
            KnownDifference("$", "length", audit(11, "a row for every margin asset (6 here)")),
            KnownDifference("$[0].asset", "value", audit(11, "USDT is not the first row")),
        ),
    ),
    Case("balance-v3", "v3 balance", signed("GET", "/fapi/v3/balance"), FRESH),
    Case(
        "account-v2",
        "v2 account information of an account with no position",
        signed("GET", "/fapi/v2/account"),
        FRESH,
        transformers=(TIMES, MONEY, ACCOUNT_TOTALS),
        known=(
            KnownDifference("$.feeBurn", "extra key", audit(18, "the 2023 answer has no feeBurn")),
            KnownDifference("$", "key order", audit(18, "tradeGroupId comes before updateTime")),
            KnownDifference("$.assets[0]", "key order", audit(18, "maxWithdrawAmount comes before crossWalletBalance")),
            KnownDifference("$.positions", "length", audit(18, "an account with no position lists none")),
        ),
    ),
    Case(
        "account-v3",
        "v3 account information with an open position (the capture's is crossed, ours isolated)",
        signed("GET", "/fapi/v3/account"),
        ISOLATED_LONG,
        transformers=(
            TIMES,
            MaskKeys(("positionAmt", "isolatedMargin", "isolatedWallet")),
            MONEY,
            ACCOUNT_TOTALS,
            V3_MARGINS,
        ),
        known=(
            KnownDifference("$.assets", "length", audit(11, "a row for every margin asset (6 here)")),
            KnownDifference("$.assets[0].asset", "value", audit(11, "USDT is not the first row")),
        ),
    ),
    Case(
        "accountConfig",
        "account configuration of a one-way account",
        signed("GET", "/fapi/v1/accountConfig"),
        FRESH,
        known=(KnownDifference("$.updateTime", "value", audit(19, "updateTime is a real timestamp, not 0")),),
    ),
    Case(
        "symbolConfig-isolated",
        "symbol configuration of an isolated symbol at the default leverage",
        signed("GET", "/fapi/v1/symbolConfig", ("symbol", "BTCUSDT")),
        FRESH_ISOLATED,
        transformers=(MaskKeys(("symbol",)), MaskKeys(("maxNotionalValue",), keep_format=True)),
    ),
    Case(
        "symbolConfig-crossed",
        "symbol configuration of a crossed symbol at the default leverage",
        signed("GET", "/fapi/v1/symbolConfig", ("symbol", "BTCUSDT")),
        FRESH,
        transformers=(MaskKeys(("maxNotionalValue",), keep_format=True),),
    ),
    Case(
        "leverageBracket-symbol",
        "leverage brackets of one symbol",
        signed("GET", "/fapi/v1/leverageBracket", ("symbol", "BTCUSDT")),
        FRESH,
        transformers=(
            MaskKeys(("symbol",)),
            FirstRow("brackets"),
            MaskKeys(("initialLeverage", "notionalCap", "notionalFloor", "maintMarginRatio")),
            MaskKeys(("cum",), keep_format=True),
        ),
        known=(KnownDifference("$", "type", audit(1, "with a symbol the answer is a one-element array")),),
    ),
    Case(
        "leverageBracket-symbol-brackets",
        "the brackets of one symbol, its wrapping aside (see leverageBracket-symbol): number literals",
        signed("GET", "/fapi/v1/leverageBracket", ("symbol", "BTCUSDT")),
        FRESH,
        transformers=(
            Unwrap(),
            MaskKeys(("symbol",)),
            FirstRow("brackets"),
            MaskKeys(("initialLeverage", "notionalCap", "notionalFloor", "maintMarginRatio")),
            MaskKeys(("cum",), keep_format=True),
        ),
        known=(KnownDifference("$.brackets[0].cum", "format", audit(20, "cum is a float literal: 0.0")),),
    ),
    Case("leverageBracket-all", "leverage brackets of every symbol", signed("GET", "/fapi/v1/leverageBracket"), FRESH),
    Case(
        "premiumIndex-symbol",
        "mark price and funding of one symbol",
        Request("GET", "/fapi/v1/premiumIndex", (("symbol", "BTCUSDT"),)),
        NO_ACCOUNT,
        transformers=(
            TIMES,
            MaskKeys(("symbol",)),
            MaskKeys(("markPrice", "indexPrice", "estimatedSettlePrice", "lastFundingRate", "interestRate"), True),
        ),
    ),
    Case(
        "exchangeInfo",
        "exchange information: top level, rate limits, assets, BTCUSDT and ETHUSDT with their filters",
        Request("GET", "/fapi/v1/exchangeInfo"),
        NO_ACCOUNT,
        transformers=(TIMES, SortKeys("filters")),
        known=(
            KnownDifference("$.rateLimits", "length", audit(14, "a third limit: ORDERS 300 per 10 SECOND")),
            KnownDifference("$.assets", "length", audit(14, "every margin asset is listed, not USDT only")),
            KnownDifference(
                "$.symbols[*].underlyingSubType", "length", audit(14, 'BTCUSDT ["PoW"], ETHUSDT ["Layer-1"]')
            ),
            KnownDifference("$.symbols[0].filters[0].minPrice", "format", audit(13, 'BTCUSDT minPrice "556.80"')),
            KnownDifference("$.symbols[0].filters[0].tickSize", "format", audit(13, 'BTCUSDT tickSize "0.10"')),
            KnownDifference("$.symbols[1].filters[0].minPrice", "value", audit(13, 'ETHUSDT minPrice "39.86"')),
            KnownDifference("$.symbols[1].filters[0].maxPrice", "value", audit(13, 'ETHUSDT maxPrice "306177"')),
        ),
    ),
    Case("time", "server time", Request("GET", "/fapi/v1/time"), NO_ACCOUNT, transformers=(TIMES,)),
    Case("ping", "connectivity", Request("GET", "/fapi/v1/ping"), NO_ACCOUNT),
)

GENERAL: tuple[Case, ...] = (
    Case(
        "error-unknown-path",
        "a path fapi does not serve: 404 with Binance's HTML error page (mainnet, 2026)",
        Request("GET", "/fapi/v1/nonexistent-xyz"),
        NO_ACCOUNT,
        known=(KnownDifference("$", "body format", audit(7, "an unknown path is an HTML 404 page, not JSON")),),
        error=errors.NOT_FOUND,
    ),
    Case(
        "error-retired-path",
        "a retired v1 path (GET /fapi/v1/positionRisk): 404 with the HTML error page (2026)",
        Request("GET", "/fapi/v1/positionRisk"),
        NO_ACCOUNT,
        known=(KnownDifference("$", "body format", audit(7, "a retired path is an HTML 404 page, not JSON")),),
        error=errors.NOT_FOUND,
    ),
    Case(
        "error-2015-unknown-key",
        "a well-formed key the server does not know: -2015 naming the request's IP",
        signed("GET", "/fapi/v2/balance", tamper="unknown-key"),
        FRESH,
        transformers=(IP,),
        known=(KnownDifference("$.msg", "message", audit(10, 'the message ends ", request ip: <ip>"')),),
        error=errors.REJECTED_MBX_KEY,
    ),
    Case(
        "error-2014-no-key",
        "a signed request without X-MBX-APIKEY: -2014",
        signed("GET", "/fapi/v2/balance", tamper="no-key"),
        FRESH,
        error=errors.BAD_API_KEY_FMT,
    ),
    Case(
        "error-1022-bad-signature",
        "a signature made with another secret: -1022",
        signed("GET", "/fapi/v2/balance", tamper="bad-signature"),
        FRESH,
        error=errors.INVALID_SIGNATURE,
    ),
    Case(
        "error-1003-too-many-requests",
        "the request after an IP used its 2400 weight this minute: 429, -1003 naming the IP",
        signed("GET", "/fapi/v1/positionSide/dual"),
        RATE_LIMITED,
        transformers=(IP,),
        known=(KnownDifference("$.msg", "message", audit(9, 'the message says "current limit of IP(<ip>) is"')),),
        error=errors.TOO_MANY_REQUESTS,
        remote_skip="it would lock the recorder's IP out of the API for a minute",
    ),
)

CASES: tuple[Case, ...] = TRADE + READ + GENERAL
BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "two parity cases share a name"
