"""The route table: every Binance endpoint isomargin answers, with its weight and security.

Weights and security types from each endpoint's doc page (reference §3.2). docs/COVERAGE.md is
checked against this table by a test, so it cannot drift.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from isomargin.api.context import RequestContext, Security
from isomargin.api.handlers import margin, market
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
)


def route_table(routes: tuple[Route, ...] = ROUTES) -> dict[tuple[str, str], Route]:
    table = {(r.method, r.path): r for r in routes}
    assert len(table) == len(routes), "duplicate route"
    return table
