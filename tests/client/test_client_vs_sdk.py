"""Our client and Binance's official SDK run the same scenario on twin accounts: same answers.

The SDK (``binance-sdk-derivatives-trading-usds-futures``) is what Binance ships; if our client
read or sent anything differently, the two columns below would differ.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from binance_common.configuration import ConfigurationRestAPI
from binance_common.errors import BadRequestError
from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
    DerivativesTradingUsdsFutures,
)

from isomargin.client import BinanceAPIError, Client
from tests.client.conftest import Clients
from tests.support import Api, Creds, LiveServer

VOLATILE = {"time", "updateTime"}
#: Real fields the SDK's models do not declare and its ``data()`` drops (audit #4, #5).
SDK_UNDECLARED = {"clientTranId", "isolated", "adlQuantile"}


def normal(value: Any) -> Any:
    """Binance's JSON with numbers as text (SDK floats and our Decimals alike) and times left out."""
    if isinstance(value, dict):
        # The SDK's models keep fields they do not declare under "additional_properties".
        flat = {**value, **value.get("additional_properties", {})}
        skipped = VOLATILE | SDK_UNDECLARED | {"additional_properties"}
        return {k: normal(v) for k, v in flat.items() if k not in skipped}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, float | Decimal):
        return str(value)
    return value


def sdk_for(server: LiveServer, creds: Creds) -> Any:
    config = ConfigurationRestAPI(api_key=creds.api_key, api_secret=creds.secret_key, base_path=server.base_url)
    return DerivativesTradingUsdsFutures(config_rest_api=config).rest_api


def sdk_json(response: Any) -> Any:
    data = response.data()
    return [row.to_dict() for row in data] if isinstance(data, list) else data.to_dict()


async def twins(api: Api) -> tuple[Creds, Creds]:
    pair = []
    for _ in range(2):
        creds = await api.account("2000", dual=True)
        await api.position(creds, symbol="BTCUSDT", amt="0.02", entry="50000", leverage=20, side="LONG")
        await api.position(creds, symbol="ETHUSDT", amt="-1", entry="3000", leverage=10, side="SHORT")
        pair.append(creds)
    return pair[0], pair[1]


def ours_margin_scenario(client: Client) -> dict[str, Any]:
    out: dict[str, Any] = {
        "add": client.add_margin("BTCUSDT", "100.5", side="LONG").raw,
        "reduce": client.reduce_margin("BTCUSDT", "40", side="LONG").raw,
    }
    try:
        client.reduce_margin("BTCUSDT", "100000", side="LONG")
    except BinanceAPIError as exc:
        out["too_much"] = (exc.code, exc.msg)
    try:
        client.add_margin("BTCUSDT", "10")  # hedge mode, no side
    except BinanceAPIError as exc:
        out["no_side"] = (exc.code, exc.msg)
    out["history"] = [row.raw for row in client.margin_history("BTCUSDT")]
    out["mark"] = client.mark_price("BTCUSDT").raw
    return out


def sdk_margin_scenario(sdk: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "add": sdk_json(
            sdk.modify_isolated_position_margin(symbol="BTCUSDT", amount=100.5, type=1, position_side="LONG")
        ),
        "reduce": sdk_json(
            sdk.modify_isolated_position_margin(symbol="BTCUSDT", amount=40.0, type=2, position_side="LONG")
        ),
    }
    try:
        sdk.modify_isolated_position_margin(symbol="BTCUSDT", amount=100000.0, type=2, position_side="LONG")
    except BadRequestError as exc:
        out["too_much"] = (exc.status_code, exc.error_message)
    try:
        sdk.modify_isolated_position_margin(symbol="BTCUSDT", amount=10.0, type=1)
    except BadRequestError as exc:
        out["no_side"] = (exc.status_code, exc.error_message)
    out["history"] = sdk_json(sdk.get_position_margin_change_history(symbol="BTCUSDT"))
    out["mark"] = sdk_json(sdk.mark_price(symbol="BTCUSDT"))
    return out


async def test_margin_scenario_matches_the_official_sdk(
    live_api: Api, live_server: LiveServer, clients: Clients
) -> None:
    ours_creds, sdk_creds = await twins(live_api)

    ours = normal(ours_margin_scenario(clients.sync(ours_creds)))
    theirs = normal(sdk_margin_scenario(sdk_for(live_server, sdk_creds)))

    assert ours == theirs
    assert ours["too_much"] == (-4051, "Isolated balance insufficient.")
    assert ours["no_side"] == (-4054, "Cannot add position margin: position is 0.")
    # the LONG's open (TRADE: 0.02 × 50000 / 20 = 50), then the add and the reduce
    assert [(row["deltaType"], row["amount"]) for row in ours["history"]] == [
        ("TRADE", "50.00000000"),
        ("USER_ADJUST", "100.50000000"),
        ("USER_ADJUST", "-40.00000000"),
    ]
    # Same end state on the server for both accounts.
    a, b = await live_api.summary(ours_creds), await live_api.summary(sdk_creds)
    assert (a["crossWalletBalance"], a["walletBalance"]) == (b["crossWalletBalance"], b["walletBalance"])


async def test_positions_balance_and_brackets_match_the_official_sdk(
    live_api: Api, live_server: LiveServer, clients: Clients
) -> None:
    ours_creds, sdk_creds = await twins(live_api)
    client, sdk = clients.sync(ours_creds), sdk_for(live_server, sdk_creds)
    client.add_margin("BTCUSDT", "55", side="LONG")
    sdk.modify_isolated_position_margin(symbol="BTCUSDT", amount=55.0, type=1, position_side="LONG")

    ours = {
        "positions": [row.raw for row in client.position_risk()],
        "positions_v3": [row.raw for row in client.position_risk(version=3)],
        "balance": [row.raw for row in client.balance()],
        "brackets": [row.raw for row in client.leverage_brackets("BTCUSDT")],  # a one-element array (audit #1)
        "mode": client.get_position_mode(),
    }
    theirs = {
        "positions": sdk_json(sdk.position_information_v2()),
        "positions_v3": sdk_json(sdk.position_information_v3()),
        "balance": sdk_json(sdk.futures_account_balance_v3()),
        # a oneOf (object or array) whose to_dict() keeps the array's models: take them one by one
        "brackets": [b.to_dict() for b in sdk.notional_and_leverage_brackets(symbol="BTCUSDT").data().actual_instance],
        "mode": sdk.get_current_position_mode().data().dual_side_position,
    }

    def no_alias(rows: Any) -> Any:  # accountAlias is per account by design
        return [{k: v for k, v in r.items() if k != "accountAlias"} for r in rows]

    ours["balance"], theirs["balance"] = no_alias(ours["balance"]), no_alias(theirs["balance"])
    assert normal(ours) == normal(theirs)
    assert ours["mode"] is True
