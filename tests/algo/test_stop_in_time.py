"""Stops fire from every caller of the engine, not only a control-plane price move (issue 13).

A path played by ``POST /_isomargin/v1/clock/advance`` and the wall-time poller of a running clock
apply their points through ``service.price_moves.move_price``, so a stop-loss fires there in the
same fixed order (fills → triggers → liquidations → margin calls).

Numbers as tests/algo/test_stop_story.py: a 0.01 BTC long at 50,000, 20x isolated, iw 24.75,
cross wallet 975, liquidation price 47715.86345382.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.algo.support import query, stop_loss
from tests.liquidation.test_liquidation_story import long_at_20x, signed_get
from tests.market.test_clock_funding_paths import advance, freeze
from tests.support import CONTROL, Api, LiveServer
from tests.trading.support import position_risk


async def test_a_path_played_by_clock_advance_fires_the_stop_before_the_liquidation_price(api: Api) -> None:
    creds = await long_at_20x(api)
    stop = await stop_loss(api, creds, "48000")
    now = await freeze(api)
    points = [
        {"afterMs": 1000, "markPrice": "49000"},
        {"afterMs": 2000, "markPrice": "47900"},  # the first point at or below 48,000
        {"afterMs": 3000, "markPrice": "47700"},  # below the liquidation price: nothing left to liquidate
    ]
    r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT/path", json={"points": points})
    assert r.status_code == 200, r.text

    moved = await advance(api, 3000)
    steps = [
        (e["time"], e["markPrice"], [t["algoId"] for t in e["triggers"]], e["liquidations"]) for e in moved["events"]
    ]
    assert steps == [
        (now + 1000, "49000", [], []),
        (now + 2000, "47900", [stop["algoId"]], []),
        (now + 3000, "47700", [], []),
    ]
    (fired,) = moved["events"][1]["triggers"]
    assert (fired["algoStatus"], fired["quantity"]) == ("FINISHED", "0.01")
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"
    # the stop's MARKET order filled at the point's book, 47,900: PnL (47900 − 50000) × 0.01 = −21,
    # fee 479 × 0.0005 = 0.2395; 975 + 24.75 − 21 − 0.2395 = 978.5105
    assert (await api.summary(creds))["crossWalletBalance"] == "978.51050000"
    shown = await query(api, creds, "/fapi/v1/algoOrder", algoId=stop["algoId"])
    assert (shown["algoStatus"], shown["triggerTime"]) == ("FINISHED", now + 2000)  # the point's time
    assert await signed_get(api, creds, "/fapi/v1/forceOrders") == []


@pytest.mark.slow
async def test_a_point_due_in_300_ms_fires_the_stop_once_across_two_workers(db_url: str, tmp_path: Path) -> None:
    with LiveServer(
        db_url, workers=2, log_path=tmp_path / "server.log", env={"ISOMARGIN_LOG_LEVEL": "warning"}
    ) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            api = Api(http)
            creds = await long_at_20x(api)
            stop = await stop_loss(api, creds, "48000")
            r = await http.put(
                f"{CONTROL}/markPrices/BTCUSDT/path", json={"points": [{"afterMs": 300, "markPrice": "47700"}]}
            )
            assert r.status_code == 200, r.text
            for _ in range(50):  # up to 5 s on a loaded machine
                await asyncio.sleep(0.1)
                if not (await http.get(f"{CONTROL}/markPrices/BTCUSDT/path")).json()["points"]:
                    break
            shown = await query(api, creds, "/fapi/v1/algoOrder", algoId=stop["algoId"])
            assert shown["algoStatus"] == "FINISHED"
            # a gap past stop and liquidation price: the stop closes it at 47,700, once; no liquidation
            trades = await signed_get(api, creds, "/fapi/v1/userTrades", symbol="BTCUSDT")
            assert [(t["side"], t["price"]) for t in trades] == [("BUY", "50000.00"), ("SELL", "47700.00")]
            assert await signed_get(api, creds, "/fapi/v1/forceOrders") == []
