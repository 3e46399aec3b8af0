"""Helpers for the trading tests: place orders, move the book, read what an account shows."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import CONTROL, Api, Creds


async def order(api: Api, creds: Creds, where: str = "query", **params: Any) -> httpx.Response:
    """``POST /fapi/v1/order`` with ``params`` (values sent as given, in the given order)."""
    return await api.signed("POST", "/fapi/v1/order", creds, {k: str(v) for k, v in params.items()}, where=where)


async def market(
    api: Api, creds: Creds, side: str, quantity: str, symbol: str = "BTCUSDT", **extra: Any
) -> dict[str, Any]:
    r = await order(
        api, creds, symbol=symbol, side=side, type="MARKET", quantity=quantity, newOrderRespType="RESULT", **extra
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def book(api: Api, symbol: str, mark: str, bid: str | None = None, ask: str | None = None) -> None:
    body: dict[str, str] = {"markPrice": mark}
    if bid is not None:
        body["bidPrice"] = bid
    if ask is not None:
        body["askPrice"] = ask
    r = await api.http.put(f"{CONTROL}/markPrices/{symbol}", json=body)
    assert r.status_code == 200, r.text


async def isolated(api: Api, creds: Creds, symbol: str = "BTCUSDT", leverage: int = 20) -> None:
    r = await api.signed("POST", "/fapi/v1/marginType", creds, {"symbol": symbol, "marginType": "ISOLATED"})
    assert r.status_code == 200, r.text
    r = await api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": symbol, "leverage": str(leverage)})
    assert r.status_code == 200, r.text


async def position_risk(api: Api, creds: Creds, symbol: str = "BTCUSDT") -> dict[str, Any]:
    r = await api.signed("GET", "/fapi/v2/positionRisk", creds, {"symbol": symbol})
    assert r.status_code == 200, r.text
    rows = r.json()
    return dict(rows[0])
