"""Helpers for the conditional-order tests: place and read algo orders."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import Api, Creds


async def algo(api: Api, creds: Creds, **params: Any) -> httpx.Response:
    """``POST /fapi/v1/algoOrder`` (algoType CONDITIONAL unless given) with ``params`` as sent."""
    body = {"algoType": "CONDITIONAL", "symbol": "BTCUSDT", **{k: str(v) for k, v in params.items()}}
    return await api.signed("POST", "/fapi/v1/algoOrder", creds, body)


async def placed(api: Api, creds: Creds, **params: Any) -> dict[str, Any]:
    r = await algo(api, creds, **params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def stop_loss(api: Api, creds: Creds, trigger: str, **extra: Any) -> dict[str, Any]:
    """A long's stop-loss as bots send it: SELL STOP_MARKET closePosition on the mark price."""
    return await placed(
        api, creds, side="SELL", type="STOP_MARKET", triggerPrice=trigger, closePosition="true",
        workingType="MARK_PRICE", **extra,
    )  # fmt: skip


async def take_profit_limit(api: Api, creds: Creds, trigger: str, price: str) -> dict[str, Any]:
    """A long's take-profit as a LIMIT: SELL TAKE_PROFIT of 0.01, reduce-only, on the mark price."""
    return await placed(
        api, creds, side="SELL", type="TAKE_PROFIT", triggerPrice=trigger, price=price, quantity="0.01",
        reduceOnly="true", workingType="MARK_PRICE",
    )  # fmt: skip


async def query(api: Api, creds: Creds, path: str, **params: Any) -> Any:
    r = await api.signed("GET", path, creds, {k: str(v) for k, v in params.items()})
    assert r.status_code == 200, r.text
    return r.json()
