"""Parallel orders and margin transfers on one account over real HTTP: money conserved, nothing lost.

Every accepted order leaves one trade and its income rows; the wallet (cross + isolated) equals
the start plus Σ income (realized PnL and commission), whatever the interleaving; no 5xx.
"""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal

import httpx
import pytest

from tests.support import Api, LiveServer
from tests.trading.support import book, isolated, order

pytestmark = pytest.mark.slow

REQUESTS = 120


async def test_parallel_orders_and_transfers(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account("5000")
    await isolated(live_api, creds, leverage=10)
    await book(live_api, "BTCUSDT", "50000", bid="49995", ask="50005")
    r = await order(live_api, creds, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.05")
    assert r.status_code == 200, r.text
    rng = random.Random(11)
    plan = [rng.choice(("buy", "sell", "add", "reduce")) for _ in range(REQUESTS)]

    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=120, limits=limits) as http:
        api = Api(http)

        # each request is signed when its coroutine starts and may then wait for one of the 32
        # connections: Binance's longest recvWindow, so a loaded host cannot turn it into a -1021
        async def one(kind: str) -> httpx.Response:
            if kind in ("buy", "sell"):
                side = "BUY" if kind == "buy" else "SELL"
                return await order(
                    api, creds, symbol="BTCUSDT", side=side, type="MARKET", quantity="0.003", recvWindow="60000"
                )
            return await api.margin(creds, "3", 1 if kind == "add" else 2, recv_window=60_000)

        responses = await asyncio.gather(*(one(kind) for kind in plan))

    assert all(r.status_code < 500 for r in responses), [r.text for r in responses if r.status_code >= 500]
    placed = sum(1 for r, k in zip(responses, plan, strict=True) if r.status_code == 200 and k in ("buy", "sell"))
    trades = (await live_api.signed("GET", "/fapi/v1/userTrades", creds, {"symbol": "BTCUSDT", "limit": "1000"})).json()
    refused = [r.text for r, k in zip(responses, plan, strict=True) if r.status_code != 200 and k in ("buy", "sell")]
    assert placed > REQUESTS // 4, refused  # most orders went through: the interleaving was exercised
    assert len(trades) == placed + 1  # one fill per accepted order, none lost
    income = (await live_api.signed("GET", "/fapi/v1/income", creds, {"limit": "1000"})).json()
    summary = await live_api.summary(creds)
    total = Decimal("5000") + sum((Decimal(i["income"]) for i in income), Decimal(0))
    assert Decimal(summary["walletBalance"]) == total
    position = (await live_api.signed("GET", "/fapi/v2/positionRisk", creds, {"symbol": "BTCUSDT"})).json()[0]
    bought = sum(Decimal(t["qty"]) * (1 if t["side"] == "BUY" else -1) for t in trades)
    assert Decimal(position["positionAmt"]) == bought
