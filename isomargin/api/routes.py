"""The route table: every Binance endpoint isomargin answers, with its weight and security.

Weights and security types from each endpoint's doc page (reference §3.2). docs/COVERAGE.md is
checked against this table by a test, so it cannot drift.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from isomargin.api.context import RequestContext, Security
from isomargin.api.handlers import account, margin, market, positions
from isomargin.api.params import Params
from isomargin.api.state import AppState

Handler = Callable[[AppState, RequestContext, Any], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    weight: int | Callable[[Params], int]
    security: Security
    parse: Callable[[Params], Any]
    handler: Handler
    doc: str  # Binance's doc page for the endpoint

    def weight_of(self, params: Params | None) -> int:
        if isinstance(self.weight, int):
            return self.weight
        return self.weight(params) if params is not None else 1


_DOCS = "https://developers.binance.com/docs/derivatives/usds-margined-futures"

ROUTES: tuple[Route, ...] = (
    Route("GET", "/fapi/v1/ping", 1, Security.NONE, market.no_params, market.ping, f"{_DOCS}/market-data/rest-api"),
    Route(
        "GET",
        "/fapi/v1/time",
        1,
        Security.NONE,
        market.no_params,
        market.server_time,
        f"{_DOCS}/market-data/rest-api/Check-Server-Time",
    ),
    Route(
        "GET",
        "/fapi/v1/exchangeInfo",
        1,
        Security.NONE,
        market.no_params,
        market.exchange_info,
        f"{_DOCS}/market-data/rest-api/Exchange-Information",
    ),
    Route(
        "GET",
        "/fapi/v1/premiumIndex",
        market.premium_index_weight,
        Security.NONE,
        market.optional_symbol,
        market.premium_index,
        f"{_DOCS}/market-data/rest-api/Mark-Price",
    ),
    Route(
        "POST",
        "/fapi/v1/positionMargin",
        1,
        Security.TRADE,
        margin.parse_margin_change,
        margin.modify_position_margin,
        f"{_DOCS}/trade/rest-api/Modify-Isolated-Position-Margin",
    ),
    Route(
        "GET",
        "/fapi/v1/positionMargin/history",
        1,
        Security.TRADE,
        margin.parse_history_query,
        margin.position_margin_history,
        f"{_DOCS}/trade/rest-api/Get-Position-Margin-Change-History",
    ),
    # --- account and position surface (issue 3); weights and security from each page [§3.2] ---
    Route(
        "GET",
        "/fapi/v2/positionRisk",
        5,
        Security.USER_DATA,
        market.optional_symbol,
        positions.position_risk_v2_rows,
        f"{_DOCS}/trade/rest-api/Position-Information-V2",
    ),
    Route(
        "GET",
        "/fapi/v3/positionRisk",
        5,
        Security.USER_DATA,
        market.optional_symbol,
        positions.position_risk_v3_rows,
        f"{_DOCS}/trade/rest-api/Position-Information-V3",
    ),
    Route(
        "GET",
        "/fapi/v2/balance",
        5,
        Security.USER_DATA,
        market.no_params,
        account.balance,
        f"{_DOCS}/account/rest-api/Futures-Account-Balance-V2",
    ),
    Route(
        "GET",
        "/fapi/v3/balance",
        5,
        Security.USER_DATA,
        market.no_params,
        account.balance,
        f"{_DOCS}/account/rest-api/Futures-Account-Balance-V3",
    ),
    Route(
        "GET",
        "/fapi/v2/account",
        5,
        Security.USER_DATA,
        market.no_params,
        account.account_v2,
        f"{_DOCS}/account/rest-api/Account-Information-V2",
    ),
    Route(
        "GET",
        "/fapi/v3/account",
        5,
        Security.USER_DATA,
        market.no_params,
        account.account_v3,
        f"{_DOCS}/account/rest-api/Account-Information-V3",
    ),
    Route(
        "GET",
        "/fapi/v1/accountConfig",
        5,
        Security.USER_DATA,
        market.no_params,
        account.account_config,
        f"{_DOCS}/account/rest-api/Account-Config",
    ),
    Route(
        "GET",
        "/fapi/v1/symbolConfig",
        5,
        Security.USER_DATA,
        market.optional_symbol,
        account.symbol_config,
        f"{_DOCS}/account/rest-api/Symbol-Config",
    ),
    Route(
        "GET",
        "/fapi/v1/leverageBracket",
        1,
        Security.USER_DATA,
        market.optional_symbol,
        account.leverage_bracket,
        f"{_DOCS}/account/rest-api/Notional-and-Leverage-Brackets",
    ),
    Route(
        "POST",
        "/fapi/v1/marginType",
        1,
        Security.TRADE,
        positions.parse_margin_type,
        positions.change_margin_type,
        f"{_DOCS}/trade/rest-api/Change-Margin-Type",
    ),
    Route(
        "POST",
        "/fapi/v1/positionSide/dual",
        1,
        Security.TRADE,
        positions.parse_position_mode,
        positions.change_position_mode,
        f"{_DOCS}/trade/rest-api/Change-Position-Mode",
    ),
    Route(
        "GET",
        "/fapi/v1/positionSide/dual",
        30,
        Security.USER_DATA,
        market.no_params,
        account.position_mode,
        f"{_DOCS}/account/rest-api/Get-Current-Position-Mode",
    ),
    Route(
        "POST",
        "/fapi/v1/leverage",
        1,
        Security.TRADE,
        positions.parse_leverage,
        positions.change_leverage,
        f"{_DOCS}/trade/rest-api/Change-Initial-Leverage",
    ),
)


def route_table(routes: tuple[Route, ...] = ROUTES) -> dict[tuple[str, str], Route]:
    table = {(r.method, r.path): r for r in routes}
    assert len(table) == len(routes), "duplicate route"
    return table
