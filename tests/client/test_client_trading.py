"""The client's order methods and ``isomargin order|orders|trades`` against a live isomargin."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from isomargin.client import ClientError
from tests.client.conftest import Clients
from tests.client.test_cli_margin import run
from tests.support import CONTROL, Api, LiveServer


async def test_client_market_limit_cancel_trades_income(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("1000")
    await live_api.mark("BTCUSDT", "50000")
    client = clients.sync(creds)
    filled = client.market("BTCUSDT", "BUY", "0.01")
    # at the mark (bid = ask = 50000): fee 500 × 0.0005 = 0.25
    assert (filled.status, filled.executed_qty, filled.avg_price) == ("FILLED", Decimal("0.01"), None)
    resting = client.limit("BTCUSDT", "SELL", Decimal("0.01"), "51000")
    assert [o.order_id for o in client.open_orders("BTCUSDT")] == [resting.order_id]
    assert client.cancel_order("BTCUSDT", resting.order_id).status == "CANCELED"
    (trade,) = client.user_trades("BTCUSDT")
    assert (trade.price, trade.commission, trade.maker) == (Decimal("50000"), Decimal("0.25"), False)
    assert [(i.income_type, i.income) for i in client.income("BTCUSDT")] == [("COMMISSION", Decimal("-0.25"))]
    with pytest.raises(TypeError):
        client.market("BTCUSDT", "BUY", 0.01)  # type: ignore[arg-type]  # floats never carry money
    with pytest.raises(ClientError) as refused:
        client.market("ETHUSDT", "BUY", "0.001")  # 0.001 × 3000 = 3, under ETHUSDT's MIN_NOTIONAL 20
    assert refused.value.code == -4164

    aio = clients.aio(creds)
    closed = await aio.market("BTCUSDT", "SELL", "0.01", reduce_only=True)
    assert closed.status == "FILLED" and closed.reduce_only is True


async def test_cli_order_orders_trades(live_api: Api, live_server: LiveServer) -> None:
    creds = await live_api.account("1000")
    r = await live_api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "50000"})
    assert r.status_code == 200
    code, table, _ = run(live_server, creds, "order", "buy", "BTCUSDT", "0.01")
    assert code == 0, table
    assert "FILLED" in table and "liquidation price" in table and "0.010" in table
    code, out, _ = run(live_server, creds, "order", "sell", "BTCUSDT", "0.005", "--limit", "52000", "--json")
    assert code == 0 and json.loads(out)["status"] == "NEW"
    code, table, _ = run(live_server, creds, "orders")
    assert code == 0 and "52,000.00" in table and "SELL" in table
    code, table, _ = run(live_server, creds, "trades", "BTCUSDT")
    assert code == 0 and "50,000.00" in table and "0.25" in table
    code, _, err = run(live_server, creds, "order", "buy", "ETHUSDT", "0.001")  # 3 USDT < MIN_NOTIONAL 20
    assert code == 1 and "-4164" in err
