"""The route table: every Binance endpoint isomargin answers, with its weight and security.

Weights and security types from each endpoint's doc page (reference §3.2). Each route names its
parser and renderer (``api/handlers``), its service and how that runs (``api/route.py``: write,
read, read_public, local). docs/COVERAGE.md is checked against this table by a test, so it
cannot drift.
"""

from __future__ import annotations

from isomargin.api.context import Security
from isomargin.api.handlers import account, margin, market, positions, user_stream
from isomargin.api.route import Endpoint, local, read, read_public, route, write
from isomargin.service import account_settings, listen_keys, reads
from isomargin.service import margin as margin_service

_DOCS = "https://developers.binance.com/docs/derivatives/usds-margined-futures"

# GET /fapi/v2/balance, /fapi/v2/account and /fapi/v2/positionRisk weigh 5, as their pages and the
# official SDK's docstrings (binance-sdk-derivatives-trading-usds-futures 18.1.0, generated from
# the same spec) say, although the change log of 2024-08-07 announced "5->10 from 2024-09-03"
# (fidelity audit #6). No header capture settles it. Chosen (assumed): 5, because the two
# errors are not alike — if the real weight is 10, a client polling v2 reads gets its 429 later
# on isomargin than on Binance; if it is 5 and isomargin charged 10, isomargin would refuse a
# client Binance serves, which isomargin must never do. Change it here if a capture shows 10.
V2_ACCOUNT_READ_WEIGHT = 5

ROUTES: tuple[Endpoint, ...] = (
    route(
        "GET",
        "/fapi/v1/ping",
        1,
        Security.NONE,
        market.no_params,
        local(market.nothing),
        market.ping,
        f"{_DOCS}/market-data/rest-api",
    ),
    route(
        "GET",
        "/fapi/v1/time",
        1,
        Security.NONE,
        market.no_params,
        local(market.clock),
        market.server_time,
        f"{_DOCS}/market-data/rest-api/Check-Server-Time",
    ),
    route(
        "GET",
        "/fapi/v1/exchangeInfo",
        1,
        Security.NONE,
        market.no_params,
        local(market.exchange),
        market.exchange_info,
        f"{_DOCS}/market-data/rest-api/Exchange-Information",
    ),
    route(
        "GET",
        "/fapi/v1/premiumIndex",
        market.premium_index_weight,
        Security.NONE,
        market.optional_symbol,
        read_public(reads.market_prices),
        market.premium_index,
        f"{_DOCS}/market-data/rest-api/Mark-Price",
    ),
    route(
        "POST",
        "/fapi/v1/positionMargin",
        1,
        Security.TRADE,
        margin.parse_margin_change,
        write(margin_service.modify_position_margin),
        margin.modify_position_margin,
        f"{_DOCS}/trade/rest-api/Modify-Isolated-Position-Margin",
    ),
    route(
        "GET",
        "/fapi/v1/positionMargin/history",
        1,
        Security.TRADE,
        margin.parse_history_query,
        read(margin_service.margin_history),
        margin.position_margin_history,
        f"{_DOCS}/trade/rest-api/Get-Position-Margin-Change-History",
    ),
    # --- account and position surface (issue 3); weights and security from each page [§3.2] ---
    route(
        "GET",
        "/fapi/v2/positionRisk",
        V2_ACCOUNT_READ_WEIGHT,
        Security.USER_DATA,
        market.optional_symbol,
        read(reads.every_position_side),
        positions.position_risk_v2_rows,
        f"{_DOCS}/trade/rest-api/Position-Information-V2",
    ),
    route(
        "GET",
        "/fapi/v3/positionRisk",
        5,
        Security.USER_DATA,
        market.optional_symbol,
        read(reads.open_positions),
        positions.position_risk_v3_rows,
        f"{_DOCS}/trade/rest-api/Position-Information-V3",
    ),
    route(
        "GET",
        "/fapi/v2/balance",
        V2_ACCOUNT_READ_WEIGHT,
        Security.USER_DATA,
        market.no_params,
        read(reads.wallet),
        account.balance,
        f"{_DOCS}/account/rest-api/Futures-Account-Balance-V2",
    ),
    route(
        "GET",
        "/fapi/v3/balance",
        5,
        Security.USER_DATA,
        market.no_params,
        read(reads.wallet),
        account.balance,
        f"{_DOCS}/account/rest-api/Futures-Account-Balance-V3",
    ),
    route(
        "GET",
        "/fapi/v2/account",
        V2_ACCOUNT_READ_WEIGHT,
        Security.USER_DATA,
        market.no_params,
        read(reads.account_with_positions),
        account.account_v2,
        f"{_DOCS}/account/rest-api/Account-Information-V2",
    ),
    route(
        "GET",
        "/fapi/v3/account",
        5,
        Security.USER_DATA,
        market.no_params,
        read(reads.wallet),
        account.account_v3,
        f"{_DOCS}/account/rest-api/Account-Information-V3",
    ),
    route(
        "GET",
        "/fapi/v1/accountConfig",
        5,
        Security.USER_DATA,
        market.no_params,
        read(reads.wallet),
        account.account_config,
        f"{_DOCS}/account/rest-api/Account-Config",
    ),
    route(
        "GET",
        "/fapi/v1/symbolConfig",
        5,
        Security.USER_DATA,
        market.optional_symbol,
        read(reads.symbol_settings),
        account.symbol_config,
        f"{_DOCS}/account/rest-api/Symbol-Config",
    ),
    route(
        "GET",
        "/fapi/v1/leverageBracket",
        1,
        Security.USER_DATA,
        market.optional_symbol,
        local(account.brackets),
        account.leverage_bracket,
        f"{_DOCS}/account/rest-api/Notional-and-Leverage-Brackets",
    ),
    route(
        "POST",
        "/fapi/v1/marginType",
        1,
        Security.TRADE,
        positions.parse_margin_type,
        write(account_settings.change_margin_type),
        positions.change_margin_type,
        f"{_DOCS}/trade/rest-api/Change-Margin-Type",
    ),
    route(
        "POST",
        "/fapi/v1/positionSide/dual",
        1,
        Security.TRADE,
        positions.parse_position_mode,
        write(account_settings.change_position_mode),
        positions.change_position_mode,
        f"{_DOCS}/trade/rest-api/Change-Position-Mode",
    ),
    route(
        "GET",
        "/fapi/v1/positionSide/dual",
        30,
        Security.USER_DATA,
        market.no_params,
        read(reads.position_mode),
        account.position_mode,
        f"{_DOCS}/account/rest-api/Get-Current-Position-Mode",
    ),
    route(
        "POST",
        "/fapi/v1/leverage",
        1,
        Security.TRADE,
        positions.parse_leverage,
        write(account_settings.change_leverage),
        positions.change_leverage,
        f"{_DOCS}/trade/rest-api/Change-Initial-Leverage",
    ),
    # --- user-data stream keys (issue 14): API key only, no signature [doc LK] ---
    route(
        "POST",
        "/fapi/v1/listenKey",
        1,
        Security.USER_STREAM,
        market.no_params,
        write(listen_keys.start),
        user_stream.listen_key,
        f"{_DOCS}/user-data-streams/Start-User-Data-Stream",
    ),
    route(
        "PUT",
        "/fapi/v1/listenKey",
        1,
        Security.USER_STREAM,
        user_stream.parse_key,
        write(listen_keys.keepalive),
        user_stream.listen_key,
        f"{_DOCS}/user-data-streams/Keepalive-User-Data-Stream",
    ),
    route(
        "DELETE",
        "/fapi/v1/listenKey",
        1,
        Security.USER_STREAM,
        user_stream.parse_key,
        write(listen_keys.close),
        user_stream.closed,
        f"{_DOCS}/user-data-streams/Close-User-Data-Stream",
    ),
)


def route_table(routes: tuple[Endpoint, ...] = ROUTES) -> dict[tuple[str, str], Endpoint]:
    table = {(r.method, r.path): r for r in routes}
    assert len(table) == len(routes), "duplicate route"
    return table
