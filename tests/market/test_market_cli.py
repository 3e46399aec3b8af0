"""``isomargin path play`` and ``isomargin clock`` against a live server (issue 13's CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isomargin.cli.main import app
from isomargin.cli.market import read_points
from tests.support import CONTROL, Api, LiveServer

pytestmark = pytest.mark.slow


def test_a_csv_becomes_path_points(tmp_path: Path) -> None:
    csv = tmp_path / "path.csv"
    csv.write_text("time,markPrice,bidPrice,askPrice\n1000,50000,49990,50010\n\n61000,49000,48990,49010\n")
    assert read_points(csv, speed=60, from_now=True) == [
        {"markPrice": "50000", "bidPrice": "49990", "askPrice": "50010", "afterMs": 500},
        {"markPrice": "49000", "bidPrice": "48990", "askPrice": "49010", "afterMs": 1500},  # a minute at 60×
    ]
    assert [p["at"] for p in read_points(csv, speed=1, from_now=False)] == [1000, 61000]


async def test_path_play_plays_a_csv_through_the_running_clock(
    live_server: LiveServer, live_api: Api, tmp_path: Path
) -> None:
    csv = tmp_path / "fall.csv"
    csv.write_text("0,50000\n60000,49500\n120000,49000\n")
    result = CliRunner().invoke(
        app, ["path", "play", "BTCUSDT", str(csv), "--speed", "600", "--from-now", "--url", live_server.base_url]
    )
    assert result.exit_code == 0, result.output
    assert "3 points scheduled" in result.stdout and "path played" in result.stdout
    prices = (await live_api.http.get(f"{CONTROL}/markPrices")).json()
    assert {"symbol": "BTCUSDT", "markPrice": "49000"} in prices


async def test_clock_freeze_advance_and_run(live_server: LiveServer, live_api: Api) -> None:
    url = ["--url", live_server.base_url]
    runner = CliRunner()
    assert "frozen" in runner.invoke(app, ["clock", "freeze", *url]).stdout
    await live_api.http.put(
        f"{CONTROL}/markPrices/BTCUSDT/path", json={"points": [{"afterMs": 1000, "markPrice": "48000"}]}
    )
    advanced = runner.invoke(app, ["clock", "advance", "5000", *url])
    assert advanced.exit_code == 0, advanced.output
    assert "MARK_PRICE" in advanced.stdout and "48000" in advanced.stdout
    assert "running" in runner.invoke(app, ["clock", "run", *url]).stdout


async def test_depth_configures_and_shows_the_book(live_server: LiveServer, live_api: Api) -> None:
    await live_api.mark("BTCUSDT", "50000")
    url = ["--url", live_server.base_url]
    result = CliRunner().invoke(app, ["depth", "btcusdt", "--step", "0.5", "--quantity", "0.25", "--json", *url])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["bids"][:2] == [["50000.00", "0.250"], ["49999.50", "0.250"]]
    assert len(shown["asks"]) == 5
    table = CliRunner().invoke(app, ["depth", "BTCUSDT", *url])
    assert "49998.00" in table.stdout and "50002.00" in table.stdout  # the fifth level each side
    result = CliRunner().invoke(app, ["depth", "BTCUSDT", "--off", "--json", *url])
    assert json.loads(result.stdout)["bids"] == [["50000.00", "1000.000"]]
    result = CliRunner().invoke(app, ["depth", "BTCUSDT", "--step", "0.05", "--quantity", "1", *url])
    assert result.exit_code == 1 and "tickSize 0.10" in result.output
