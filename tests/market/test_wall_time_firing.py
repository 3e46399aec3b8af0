"""With the clock running, scheduled events fire as wall time reaches them, once, across workers.

``isomargin serve --workers 2``: both workers poll (api/poller.py); a path point due in 300 ms is
applied by exactly one of them, through the engine.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.liquidation.test_liquidation_story import long_at_20x, signed_get
from tests.support import CONTROL, Api, LiveServer

pytestmark = pytest.mark.slow


async def test_a_point_due_in_300_ms_fires_once_across_two_workers(db_url: str, tmp_path: Path) -> None:
    with LiveServer(
        db_url, workers=2, log_path=tmp_path / "server.log", env={"ISOMARGIN_LOG_LEVEL": "warning"}
    ) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            api = Api(http)
            creds = await long_at_20x(api)
            points = [{"afterMs": 300, "markPrice": "47700"}]
            r = await http.put(f"{CONTROL}/markPrices/BTCUSDT/path", json={"points": points})
            assert r.status_code == 200, r.text
            for _ in range(50):  # up to 5 s on a loaded machine; ~0.4 s when quiet
                await asyncio.sleep(0.1)
                if not (await http.get(f"{CONTROL}/markPrices/BTCUSDT/path")).json()["points"]:
                    break
            assert (await http.get(f"{CONTROL}/markPrices/BTCUSDT/path")).json()["points"] == []
            prices = (await http.get(f"{CONTROL}/markPrices")).json()
            assert {"symbol": "BTCUSDT", "markPrice": "47700"} in prices
            forced = await signed_get(api, creds, "/fapi/v1/forceOrders")
            assert len(forced) == 1  # liquidated once
            trades = await signed_get(api, creds, "/fapi/v1/userTrades", symbol="BTCUSDT")
            assert len(trades) == 2  # the open and the one liquidation fill
