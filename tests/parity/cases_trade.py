"""Parity cases of the trade endpoints: positionMargin and its history, marginType, leverage, position mode."""

from __future__ import annotations

from isomargin import errors
from tests.parity.case import Case
from tests.parity.cases_common import TIMES, margin, signed
from tests.parity.compare import KnownDifference
from tests.parity.scenarios import (
    FRESH,
    HEDGE_LONG,
    ISOLATED_LONG,
    OPENED_AND_CLOSED,
    WITH_HISTORY,
)
from tests.parity.transform import MaskKeys, RowOf

TRADE: tuple[Case, ...] = (
    Case(
        "positionMargin-add-0.5",
        "add 0.5 USDT to an isolated position: body keys, order, JSON types, amount literal",
        margin("0.5", "1"),
        ISOLATED_LONG,
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
        known=(
            KnownDifference(
                "$.amount",
                "format",
                "audit #16: the testnet echoed amount=10 as 10 (2024); mainnet wrote 1.0 for amount=1 "
                "(positionMargin-add-1, 2023) and the doc 100.0: isomargin follows mainnet (argued under issue 10)",
            ),
        ),
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
        "margin history of a position opened and closed: the two TRADE rows (type 1 in, type 2 out, negative),"
        " keys, order, types, amount format and sign",
        signed("GET", "/fapi/v1/positionMargin/history", ("symbol", "BTCUSDT")),
        OPENED_AND_CLOSED,
        # The capture's rows are another symbol's, and its amounts that position's margin.
        transformers=(TIMES, MaskKeys(("symbol",)), MaskKeys(("amount",), keep_format=True)),
    ),
    Case(
        "positionMargin-history-user-adjust",
        "the USER_ADJUST row an add of 10 USDT leaves in the margin history",
        signed("GET", "/fapi/v1/positionMargin/history", ("symbol", "BTCUSDT")),
        WITH_HISTORY,
        transformers=(RowOf("deltaType", "USER_ADJUST"), TIMES, MaskKeys(("symbol",))),
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
        error=errors.MANDATORY_PARAM_EMPTY_OR_MALFORMED,
    ),
    Case(
        "leverage-change",
        "change BTCUSDT leverage to 20: keys, order, JSON types",
        signed("POST", "/fapi/v1/leverage", ("symbol", "BTCUSDT"), ("leverage", "20")),
        FRESH,
        transformers=(MaskKeys(("maxNotionalValue",), keep_format=True),),
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
