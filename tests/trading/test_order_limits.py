"""ORDERS limits: counts in headers on every order answer, 429 -1015 past a limit, weight 0 on the IP."""

from __future__ import annotations

import pytest

from isomargin.api import order_limits
from tests.support import Api
from tests.trading.support import book, order

MARKET = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.002"}


async def test_order_counts_in_headers_and_no_ip_weight(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    first = await order(api, creds, **MARKET)
    second = await order(api, creds, **MARKET)
    assert (first.headers["x-mbx-order-count-10s"], first.headers["x-mbx-order-count-1m"]) == ("1", "1")
    assert (second.headers["x-mbx-order-count-10s"], second.headers["x-mbx-order-count-1m"]) == ("2", "2")
    assert first.headers["x-mbx-used-weight-1m"] == second.headers["x-mbx-used-weight-1m"]  # weight 0 [doc NO]
    other = await api.account("1000")
    assert (await order(api, other, **MARKET)).headers["x-mbx-order-count-10s"] == "1"  # per account


async def test_past_the_ten_second_limit(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(order_limits, "PER_10S", 2)
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    for _ in range(2):
        assert (await order(api, creds, **MARKET)).status_code == 200
    r = await order(api, creds, **MARKET)
    assert (r.status_code, r.json()) == (
        429,
        {"code": -1015, "msg": "Too many new orders; current limit is 2 orders per 10 SECOND."},
    )
    assert r.headers["x-mbx-order-count-10s"] == "3"


def test_windows_reset() -> None:
    counter = order_limits.LocalOrderCounter()
    assert counter.hit_now(1, 5_000).ten_seconds == 1
    assert counter.hit_now(1, 9_999) == order_limits.OrderCount(2, 2)
    assert counter.hit_now(1, 10_000) == order_limits.OrderCount(1, 3)  # a new 10 s window, same minute
    assert counter.hit_now(1, 60_000) == order_limits.OrderCount(1, 1)
