"""``isomargin mark`` (what a move caused), ``isomargin liquidations`` and the margin-ratio column of
``isomargin positions`` (issue 12), against a live isomargin through Typer's CliRunner.

The numbers are the liquidation story's (tests/liquidation/test_liquidation_story.py): 0.01 BTC
long at 20x bought at 50,000 — margin 25, fee 0.25 from it, isolated wallet 24.75; BTCUSDT tier 1
MMR 0.004, cum 0; liquidation price (500 − 24.75) / 0.00996 = 47715.86345382, bankruptcy 47525.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from tests.client.conftest import Clients
from tests.client.test_cli_margin import run
from tests.support import CONTROL, Api, Creds, LiveServer
from tests.trading.support import book, isolated, market, order, position_risk


async def long_at_20x(api: Api, balance: str = "1000") -> Creds:
    """Isolated 0.01 BTC long at 20x, bought by MARKET at 50,000: iw 24.75, cross wallet 975."""
    creds = await api.account(balance)
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.01")
    return creds


def row_of(text: str, *cells: str) -> bool:
    """Whether one line of ``text`` holds ``cells`` in order, as whole cells of a table."""
    pattern = r"(^|\s)" + r"\s+".join(re.escape(c) for c in cells) + r"(\s|$)"
    return any(re.search(pattern, line) for line in text.splitlines())


async def test_mark_prints_the_fills_liquidations_and_margin_calls_a_move_caused(
    live_api: Api, live_server: LiveServer, clients: Clients
) -> None:
    victim = await long_at_20x(live_api)
    maker = await live_api.account("1000")
    r = await order(live_api, maker, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                    quantity="0.01", price="47720")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "NEW", r.text
    resting = r.json()["orderId"]

    # margin call where MM / (iw + uPnL) reaches 0.8; at 47760: 1.9104 / 2.35 = 0.8129… (the story's)
    code, out, err = run(live_server, None, "mark", "BTCUSDT", "47760")
    assert code == 0, err
    assert "BTCUSDT mark price is now 47760" in out and "margin calls" in out
    assert row_of(out, str(victim.account_id), "BTCUSDT", "81.29%")
    assert "liquidated" not in out and "filled" not in out  # the ask 47760 is above the resting 47720

    # a preview of the killing move: the same tables, nothing applied
    code, preview, err = run(live_server, None, "mark", "BTCUSDT", "47715.86", "--dry-run")
    assert code == 0, err
    assert preview.startswith("dry run: BTCUSDT mark price would be 47715.86 — nothing applied")
    assert (await position_risk(live_api, victim))["positionAmt"] == "0.010"
    assert [o.order_id for o in clients.sync(maker).open_orders("BTCUSDT")] == [resting]

    code, out, err = run(live_server, None, "mark", "BTCUSDT", "47715.86")
    assert code == 0, err
    assert out.startswith("BTCUSDT mark price is now 47715.86\n")
    # the book's ask 47715.86 crosses the resting BUY at 47720: it fills at its own price, as maker
    assert "resting orders filled" in out
    assert row_of(out, str(maker.account_id), "BTCUSDT", str(resting), "BUY", "47,720.00", "0.01")
    # liquidated: ordered at the bankruptcy price 47525, filled at the mark; PnL (47715.86 − 50000)
    # × 0.01 = −22.8414; the 24.75 − 22.8414 = 1.9086 left of the wallet is the clearance fee; no gap
    (forced,) = clients.sync(victim).force_orders("BTCUSDT")
    assert "positions liquidated" in out
    assert row_of(out, str(victim.account_id), "BTCUSDT", str(forced.order_id), "0.01", "47,525.00", "47,715.86",
                  "-22.8414", "1.9086", "0.00")  # fmt: skip
    assert "margin calls" not in out  # called once, at 47760
    # the preview showed what the move then did, but for the words of its first line and the
    # liquidation order's id (PostgreSQL's sequence does not roll back with the preview)
    order_id = re.compile(r"(BTCUSDT\s+)\d+(\s+0\.01\s+47,525\.00)")
    assert order_id.sub(r"\1<id>\2", preview).splitlines()[1:] == order_id.sub(r"\1<id>\2", out).splitlines()[1:]

    code, out, err = run(live_server, None, "mark", "BTCUSDT", "47700", "--bid", "47690", "--ask", "47710")
    assert code == 0, err
    assert out.splitlines() == [
        "BTCUSDT mark price is now 47700 (bid 47690, ask 47710)",
        "nothing happened: no order filled, no position liquidated or margin-called",
    ]
    code, out, err = run(live_server, None, "mark", "BTCUSDT", "47000", "--dry-run", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["dryRun"], data["fills"], data["liquidations"], data["marginCalls"]) == (True, [], [], [])
    code, out, err = run(live_server, None, "mark", "BTCUSDT", "0")
    assert (code, out) == (1, "") and "markPrice must be positive" in err


async def liquidated(api: Api) -> tuple[Creds, dict[str, Any]]:
    """The 20x long, killed by a move to 47715.86: the control plane's liquidations row."""
    creds = await long_at_20x(api)
    r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "47715.86"})
    assert r.status_code == 200, r.text
    (liq,) = r.json()["liquidations"]
    return creds, dict(liq)


async def test_liquidations_lists_the_force_orders(live_api: Api, live_server: LiveServer, clients: Clients) -> None:
    creds, liq = await liquidated(live_api)

    code, table, err = run(live_server, creds, "liquidations")
    code_json, out, _ = run(live_server, creds, "liquidations", "--json", "--symbol", "btcusdt", "--limit", "1")
    code_adl, adl, _ = run(live_server, creds, "liquidations", "--type", "ADL")
    code_eth, eth, _ = run(live_server, creds, "liquidations", "--symbol", "ETHUSDT", "--type", "liquidation")

    assert code == 0, err
    assert "liquidation or ADL orders: 1" in table
    # a LIMIT IOC SELL at the bankruptcy price, filled at the mark (avgPrice with 5 decimals [doc FO])
    assert row_of(table, str(liq["orderId"]), "BTCUSDT", "SELL", "47,525.00", "47,715.86", "0.010", "FILLED")
    assert code_json == 0
    (row,) = json.loads(out)
    assert (row["orderId"], row["clientOrderId"], row["type"], row["timeInForce"]) == (
        liq["orderId"], liq["clientOrderId"], "LIMIT", "IOC",
    )  # fmt: skip
    assert (code_adl, adl.strip()) == (0, "no ADL orders in the last 7 days")
    assert (code_eth, eth.strip()) == (0, "no LIQUIDATION orders in the last 7 days")
    # the library: the same rows, sync and async
    assert [o.raw for o in clients.sync(creds).force_orders(auto_close_type="LIQUIDATION")] == [row]
    assert [o.order_id for o in await clients.aio(creds).force_orders("BTCUSDT", limit=5)] == [liq["orderId"]]


async def test_liquidations_bad_usage(live_api: Api, live_server: LiveServer) -> None:
    creds = await live_api.account("1000")

    code_type, _, err_type = run(live_server, creds, "liquidations", "--type", "MARGIN_CALL")
    code_limit, _, err_limit = run(live_server, creds, "liquidations", "--limit", "101")
    code_none, none, _ = run(live_server, creds, "liquidations")

    assert code_type == 2 and "--type must be LIQUIDATION or ADL" in err_type
    assert code_limit == 2 and "--limit" in err_limit
    assert (code_none, none.strip()) == (0, "no liquidation or ADL orders in the last 7 days")


async def test_positions_show_the_margin_ratio(live_api: Api, live_server: LiveServer) -> None:
    lone = await long_at_20x(live_api)
    # one-way, both symbols CROSSED at 20x (the defaults): 0.01 BTC at 50,000 and 0.1 ETH at 3,000,
    # fees 0.25 + 0.15: cross wallet 999.6
    crossed = await live_api.account("1000")
    await market(live_api, crossed, "BUY", "0.01")
    await book(live_api, "ETHUSDT", "3000")
    await market(live_api, crossed, "BUY", "0.1", symbol="ETHUSDT")
    r = await live_api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "47760"})
    (call,) = r.json()["marginCalls"]
    await book(live_api, "ETHUSDT", "2900")

    code, table, err = run(live_server, lone, "positions")
    code_json, out, _ = run(live_server, lone, "positions", "--json", "--all")
    code_cross, cross_out, _ = run(live_server, crossed, "positions", "BTCUSDT", "--json")
    code_table, cross_table, _ = run(live_server, crossed, "positions")

    assert code == 0, err
    # isolated: MM / (iw + uPnL) = 0.01 × 47760 × 0.004 / (24.75 − 22.4) = 1.9104 / 2.35 = 0.812936170…,
    # the ratio the engine's margin call reported
    assert row_of(table, "BTCUSDT", "0.010", "50,000.00", "47,760.00", "24.75", "-22.40", "47,715.863", "0.09%",
                  "81.29%", "20x")  # fmt: skip
    assert code_json == 0
    ratios = {r["symbol"]: r["marginRatio"] for r in json.loads(out)}
    assert ratios == {"BTCUSDT": "0.81293617", "ETHUSDT": None}  # --all: the flat ETHUSDT row has none
    assert call["marginRatio"] == ratios["BTCUSDT"]
    # cross: the account's, over every cross position even when one symbol is asked for —
    # Σ MM (1.9104 + 0.1 × 2900 × 0.004 = 1.16) / (cross wallet 999.6 + uPnL −22.4 − 10) = 3.0704 / 967.2
    assert code_cross == 0
    (btc,) = json.loads(cross_out)
    assert Decimal(btc["marginRatio"]) == Decimal("0.00317452")
    assert code_table == 0 and sum(line.count("0.32%") for line in cross_table.splitlines()) == 2


async def test_positions_show_a_dash_for_a_flat_side(live_api: Api, live_server: LiveServer) -> None:
    creds = await live_api.account("5000", dual=True)
    await live_api.position(creds, symbol="ETHUSDT", amt="1", entry="2900", leverage=20, side="LONG")

    code, table, err = run(live_server, creds, "positions", "ETHUSDT", "--all")

    assert code == 0, err
    # the open LONG: MM 1 × 3000 (ETHUSDT's default mark) × 0.004 = 12 over iw 145 + uPnL 100 = 4.90%;
    # the flat SHORT has no margin balance to speak of
    assert row_of(table, "ETHUSDT LONG", "1.000", "2,900.00", "3,000.00", "145.00", "100.00")
    assert "4.90%" in table
    (short,) = [line for line in table.splitlines() if "ETHUSDT SHORT" in line]
    assert "—" in short
