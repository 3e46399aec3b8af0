"""Margin transfers racing price moves on PostgreSQL with several workers (issue 12).

Never a deadlock (PostgreSQL would abort one transaction: a 500), and never a position left alive
below its liquidation price: a transfer checked against the old mark waits for the move that
changes it (store/risk.py's lock order).
"""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from isomargin.domain.brackets import DEFAULT_BRACKETS, maintenance_margin
from tests.backends import database_url
from tests.support import CONTROL, Api, LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ACCOUNTS = 12
BRACKETS = DEFAULT_BRACKETS["BTCUSDT"]


async def test_transfers_racing_moves_never_deadlock_nor_leave_a_position_below_maintenance(tmp_path: Path) -> None:
    with (
        database_url("postgresql", tmp_path, tag="race_") as url,
        LiveServer(url, workers=3, log_path=tmp_path / "server.log", env={"ISOMARGIN_LOG_LEVEL": "warning"}) as server,
    ):
        limits = httpx.Limits(max_connections=48, max_keepalive_connections=48)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as http:
            api = Api(http)
            await api.mark("BTCUSDT", "50000")
            accounts = []
            for n in range(ACCOUNTS):
                creds = await api.account("10000")
                # 0.1 BTC long at 20x; wallets 250…305 spread the liquidation prices over ~47,600–48,150
                await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=20, isolatedWallet=str(250 + 5 * n))
                accounts.append(creds)

            rng = random.Random(12)
            marks = [Decimal(50000 - 50 * i) for i in range(1, 61)]  # down to 47,000, one step at a time

            async def moves() -> list[httpx.Response]:
                out = []
                for mark in marks:
                    out.append(await http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": str(mark)}))
                return out

            # each transfer is signed only when a connection is free for it: signed early and left
            # waiting for the pool, it would outlive its recvWindow on a loaded machine (-1021)
            slots = asyncio.Semaphore(40)

            async def one_transfer() -> httpx.Response:
                async with slots:
                    return await api.margin(rng.choice(accounts), rng.choice(["3", "8"]), rng.choice([1, 2, 2]))

            async def transfers() -> list[httpx.Response]:
                return list(await asyncio.gather(*(one_transfer() for _ in range(240))))

            moved, transferred = await asyncio.gather(moves(), transfers())
            assert all(r.status_code == 200 for r in moved), [r.text for r in moved if r.status_code != 200]
            assert all(r.status_code < 500 for r in transferred), [r.text for r in transferred if r.status_code >= 500]
            refused = {r.json()["code"] for r in transferred if r.status_code != 200}
            assert refused <= {-4051, -4054}, refused  # over max removable, or a position already liquidated
            liquidated = sum(len(r.json()["liquidations"]) for r in moved)
            assert 0 < liquidated <= ACCOUNTS

            final = marks[-1]
            alive = 0
            for creds in accounts:
                row = (await api.summary(creds))["positions"]
                for position in row:
                    amount = Decimal(position["positionAmt"])
                    if amount == 0:
                        continue
                    alive += 1
                    balance = Decimal(position["isolatedWallet"]) + amount * (final - Decimal(position["entryPrice"]))
                    assert balance > maintenance_margin(BRACKETS, abs(amount) * final), position
            assert alive + liquidated == ACCOUNTS
