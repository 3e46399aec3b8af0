"""One frozen-clock story, told on SQLite and on PostgreSQL, each behind two workers (issue 13).

The clock is frozen at an absolute time (``PUT /clock {"serverTime"}``), so every time in every
answer is the same on every run. An advance walks a mark-price path and a funding time: a resting
LIMIT fills, a long is liquidated, funding is charged, and every account's positions, trades,
income, margin history, orders and liquidations are read back. The test checks the story's numbers
by hand, then that the two databases told it byte for byte the same.

Requests go over fresh connections (no keep-alive), so both workers of each server answer them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.backends import database_url
from tests.support import CONTROL, Api, Creds, LiveServer

pytestmark = pytest.mark.slow

#: 2026-01-01T07:00:00Z: the 08:00 UTC funding time comes one hour in
START_MS = 1_767_250_800_000
MINUTE_MS = 60_000
_WALL_OFFSET = re.compile(r'"offsetMs":-?[0-9]+,')


class Story:
    """The story's requests, each answer kept (status and exact bytes) under a label."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.now = START_MS
        self.api = Api(http, now_ms=lambda: self.now)
        self.transcript: list[str] = []
        self.replies: dict[str, Any] = {}

    def keep(self, label: str, r: httpx.Response) -> Any:
        assert r.status_code < 300, f"{label}: {r.status_code} {r.text}"
        # the offset is wall time's distance to the frozen time: the one value that differs by run
        self.transcript.append(f"{label} {r.status_code} {_WALL_OFFSET.sub('', r.text)}")
        self.replies[label] = r.json()
        return r.json()

    async def control(self, method: str, path: str, body: dict[str, Any]) -> Any:
        return self.keep(f"{method} {path}", await self.api.http.request(method, f"{CONTROL}{path}", json=body))

    async def signed(self, label: str, method: str, path: str, creds: Creds, **params: str) -> Any:
        return self.keep(f"{label} {method} {path}", await self.api.signed(method, path, creds, params))

    async def account(self, balance: str) -> Creds:
        r = await self.api.http.post(f"{CONTROL}/accounts", json={"balance": balance})
        assert r.status_code == 201, r.text
        data = r.json()
        self.transcript.append(f"account {data['accountId']}")  # its keys are random: not kept
        return Creds(data["accountId"], data["apiKey"], data["secretKey"])


async def tell(story: Story) -> dict[str, Creds]:
    """The story; returns its accounts by role."""
    await story.control("PUT", "/clock", {"serverTime": START_MS, "frozen": True})
    await story.control("PUT", "/markPrices/BTCUSDT", {"markPrice": "50000"})
    await story.control("PUT", "/funding/BTCUSDT", {"fundingRate": "0.0001", "intervalHours": 8})
    who = {
        "long": await story.account("1000"),
        "short": await story.account("1000"),
        "maker": await story.account("5000"),
    }
    for role in ("long", "maker"):
        creds = who[role]
        await story.signed(role, "POST", "/fapi/v1/marginType", creds, symbol="BTCUSDT", marginType="ISOLATED")
        await story.signed(
            role, "POST", "/fapi/v1/leverage", creds, symbol="BTCUSDT", leverage="20" if role == "long" else "10"
        )
    orders = [
        ("long", {"side": "BUY", "type": "MARKET", "quantity": "0.01"}),
        ("short", {"side": "SELL", "type": "MARKET", "quantity": "0.01"}),
        ("maker", {"side": "BUY", "type": "MARKET", "quantity": "0.02"}),
        ("maker", {"side": "SELL", "type": "LIMIT", "quantity": "0.01", "price": "50500", "timeInForce": "GTC"}),
    ]
    for n, (role, params) in enumerate(orders):
        await story.signed(
            role,
            "POST",
            "/fapi/v1/order",
            who[role],
            symbol="BTCUSDT",
            newClientOrderId=f"story-{n}",
            newOrderRespType="RESULT",
            **params,
        )
    path = [
        {"afterMs": 10 * MINUTE_MS, "markPrice": "49500"},
        {"afterMs": 30 * MINUTE_MS, "markPrice": "50600", "bidPrice": "50590", "askPrice": "50610"},
        {"afterMs": 50 * MINUTE_MS, "markPrice": "47700"},
        {"afterMs": 90 * MINUTE_MS, "markPrice": "48000"},
    ]
    await story.control("PUT", "/markPrices/BTCUSDT/path", {"points": path})
    await story.control("POST", "/clock/advance", {"ms": 120 * MINUTE_MS})
    story.now = START_MS + 120 * MINUTE_MS
    for role, creds in who.items():
        for path_ in ("/fapi/v3/positionRisk", "/fapi/v3/account", "/fapi/v2/balance"):
            await story.signed(role, "GET", path_, creds)
        for path_ in ("/fapi/v1/userTrades", "/fapi/v1/allOrders", "/fapi/v1/positionMargin/history"):
            await story.signed(role, "GET", path_, creds, symbol="BTCUSDT")
        for path_ in ("/fapi/v1/income", "/fapi/v1/forceOrders"):
            await story.signed(role, "GET", path_, creds)
    story.keep("fundingRate", await story.api.http.get("/fapi/v1/fundingRate", params={"symbol": "BTCUSDT"}))
    story.keep("premiumIndex", await story.api.http.get("/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"}))
    story.keep("insurance", await story.api.http.get("/fapi/v1/insuranceBalance", params={"symbol": "BTCUSDT"}))
    markline = {"symbol": "BTCUSDT", "interval": "30m", "startTime": str(START_MS)}
    story.keep("markPriceKlines", await story.api.http.get("/fapi/v1/markPriceKlines", params=markline))
    return who


async def told_on(backend: str, tmp_path: Path) -> Story:
    with (
        database_url(backend, tmp_path, tag="story_") as url,
        LiveServer(
            url, workers=2, log_path=tmp_path / f"{backend}.log", env={"ISOMARGIN_LOG_LEVEL": "warning"}
        ) as live,
    ):
        no_reuse = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=live.base_url, timeout=30, limits=no_reuse) as http:
            story = Story(http)
            await tell(story)
            return story


def check_by_hand(replies: dict[str, Any]) -> None:
    """The story's numbers (default BTCUSDT tier 1: MMR 0.004; taker 0.0005, maker 0.0002)."""
    events = replies["POST /clock/advance"]["events"]
    assert [(e["type"], e["time"]) for e in events] == [
        ("MARK_PRICE", START_MS + 10 * MINUTE_MS),
        ("MARK_PRICE", START_MS + 30 * MINUTE_MS),
        ("MARK_PRICE", START_MS + 50 * MINUTE_MS),
        ("FUNDING", START_MS + 60 * MINUTE_MS),  # 08:00 UTC
        ("MARK_PRICE", START_MS + 90 * MINUTE_MS),
    ]
    # 30 min: the bid 50590 reaches the maker's resting SELL at 50500
    (fill,) = events[1]["fills"]
    assert (fill["clientOrderId"], fill["price"], fill["quantity"]) == ("story-3", "50500", "0.01")
    # 50 min: the long (0.01 at 50000, 20x: isolated wallet 25 − 0.25 fee = 24.75, liquidation price
    # (500 − 24.75) / 0.00996 = 47715.86) dies at 47700; the liquidation order is priced at the
    # bankruptcy price 50000 − 24.75 / 0.01 = 47525 and fills at the mark: PnL −23, and what is left
    # of the wallet, 24.75 − 23 = 1.75, goes to the insurance fund
    (liq,) = events[2]["liquidations"]
    assert (liq["price"], liq["avgPrice"], liq["realizedPnl"], liq["insuranceClear"]) == (
        "47525",
        "47700",
        "-23.00000000",
        "1.75000000",
    )
    assert replies["long GET /fapi/v3/positionRisk"] == []
    assert replies["long GET /fapi/v3/account"]["totalWalletBalance"] == "975.00000000"  # 1000 − 0.25 − 23 − 1.75
    assert replies["insurance"]["assets"][0]["marginBalance"] == "1.75"
    # 60 min: funding at the standing mark 47700, rate 0.0001: 0.01 × 47700 × 0.0001 = 0.0477, paid
    # by the maker's long (isolated wallet) and received by the cross short; the dead long pays nothing
    assert (events[3]["markPrice"], events[3]["payments"]) == ("47700", 2)
    maker_history = replies["maker GET /fapi/v1/positionMargin/history"]
    assert [(h["deltaType"], h["amount"]) for h in maker_history] == [
        ("TRADE", "100.00000000"),  # 0.02 × 50000 / 10
        ("TRADE", "-49.75000000"),  # half the wallet (100 − 0.5 fee) back when half is sold
        ("FUNDING_FEE", "-0.04770000"),
    ]
    short_income = replies["short GET /fapi/v1/income"]
    assert [(i["incomeType"], i["income"]) for i in short_income] == [
        ("COMMISSION", "-0.25000000"),
        ("FUNDING_FEE", "0.04770000"),
    ]
    # the maker: wallet 5000 − 0.5 − 0.101 (maker fee on 505) + 5 (PnL) − 0.0477 = 5004.3513; the
    # isolated wallet 49.75 − 0.0477 = 49.7023, liquidation price (500 − 49.7023) / 0.00996
    (maker,) = replies["maker GET /fapi/v3/positionRisk"]
    assert (maker["isolatedWallet"], maker["liquidationPrice"]) == ("49.70230000", "45210.61244980")
    assert replies["maker GET /fapi/v3/account"]["totalWalletBalance"] == "5004.35130000"
    # the cross short: 1000 − 0.25 + 0.0477, unrealized (50000 − 48000) × 0.01 at the last mark
    (short,) = replies["short GET /fapi/v3/positionRisk"]
    assert (short["unRealizedProfit"], short["markPrice"]) == ("20.00000000", "48000.00000000")
    assert replies["short GET /fapi/v3/account"]["totalWalletBalance"] == "999.79770000"


async def test_the_same_story_on_sqlite_and_postgresql(tmp_path: Path) -> None:
    sqlite = await told_on("sqlite", tmp_path)
    check_by_hand(sqlite.replies)
    postgresql = await told_on("postgresql", tmp_path)
    check_by_hand(postgresql.replies)
    assert len(sqlite.transcript) == len(postgresql.transcript) == 44
    for told_by_sqlite, told_by_postgresql in zip(sqlite.transcript, postgresql.transcript, strict=True):
        assert told_by_sqlite == told_by_postgresql
