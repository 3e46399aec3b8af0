"""ADL quantiles in positionRisk and adlQuantile, symbolAdlRisk and insuranceBalance, through the app.

Quantiles are ranked against every position of the symbol and side (service/adl.py) by a price
move, at most once per ``adlRefreshMs`` of server time (default 30000: Binance refreshes them
"every 30s" [doc ADLQ]), and by the scheduler when a move came since and the interval is up. The
tests of the ranking rule set the interval to 0 (every move ranks); the tests of the cadence run
on a frozen clock. The numbers below are worked by hand with BTCUSDT's first tier (maintenance
margin 0.4% of the notional, no cum) and Binance's LeveragePnL (domain/adl.py):
max(0, PnL) / max(1, wallet) × maintenance margin / (wallet + PnL).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from isomargin.api.app import IsomarginApp
from isomargin.api.poller import apply_due
from isomargin.api.routes import route_table
from isomargin.store import insurance
from tests import snapshot
from tests.api.surface_support import ok, risk, sdk_parse
from tests.market.test_clock_funding_paths import advance, freeze
from tests.support import CONTROL, Api, Creds
from tests.trading.support import book, market

# Binance's doc examples (reference §3.5 [doc ADLQ][doc ADLR][doc IFB]), for the keys and JSON types
DOC_ADL_QUANTILE = {"symbol": "BTCUSDT", "adlQuantile": {"LONG": 1, "SHORT": 2, "BOTH": 0}}
DOC_ADL_QUANTILE_HEDGE = {"symbol": "ETHUSDT", "adlQuantile": {"LONG": 3, "SHORT": 3, "HEDGE": 0}}
DOC_ADL_RISK = {"symbol": "BTCUSDT", "adlRisk": "low", "updateTime": 1597370495002}
DOC_INSURANCE = {
    "symbols": ["ADAUSDT", "BCHUSDT"],
    "assets": [{"asset": "USDT", "marginBalance": "314151411.06482935", "updateTime": 1745366402000}],
}
BAD_SYMBOL = {"code": -1121, "msg": "Invalid symbol."}


def skeleton_of(actual: Any, doc: Any) -> None:
    assert snapshot.skeleton(actual) == snapshot.skeleton(doc)
    if isinstance(actual, dict):
        assert list(actual) == list(doc), "key order differs from Binance's doc example"


async def adl_quantiles(api: Api, creds: Creds, symbol: str | None = None) -> list[dict[str, Any]]:
    rows = await ok(api, creds, "GET", "/fapi/v1/adlQuantile", **({"symbol": symbol} if symbol else {}))
    for row in rows:
        sdk_parse("PositionAdlQuantileEstimationResponseInner", row)
    return list(rows)


async def shown(api: Api, creds: Creds) -> tuple[int, int]:
    """(v2 ``adlQuantile``, v3 ``adl``) of the account's one BTCUSDT position."""
    (v2,) = [r for r in await risk(api, creds, 2, "BTCUSDT") if r["positionAmt"] != "0.000"]
    (v3,) = await risk(api, creds, 3, "BTCUSDT")
    return v2["adlQuantile"], v3["adl"]


async def refresh_every(api: Api, ms: int) -> None:
    r = await api.http.put(f"{CONTROL}/settings", json={"adlRefreshMs": ms})
    assert (r.status_code, r.json()) == (200, {"adlRefreshMs": ms})


@pytest.fixture
async def every_move(api: Api) -> None:
    """Rank at every price move: the tests of the ranking rule, not of its cadence."""
    await refresh_every(api, 0)


@pytest.fixture
async def four(api: Api) -> list[Creds]:
    """Three isolated longs and one isolated short of 0.01 BTCUSDT, then the mark at 51000."""
    accounts = [await api.account("10000") for _ in range(4)]
    await api.position(accounts[0], "BTCUSDT", "0.01", "50000", leverage=10)  # wallet 50
    await api.position(accounts[1], "BTCUSDT", "0.01", "50000", leverage=20)  # wallet 25
    await api.position(accounts[2], "BTCUSDT", "0.01", "52000", leverage=10)  # wallet 52
    await api.position(accounts[3], "BTCUSDT", "-0.01", "52000", leverage=10)  # wallet 52
    await api.mark("BTCUSDT", "51000")
    return accounts


AT_51000 = [(3, 3), (4, 4), (0, 0), (4, 4)]
AT_49000 = [(0, 0), (0, 0), (0, 0), (4, 4)]


async def test_position_risk_shows_the_rank_among_the_symbols_longs_and_shorts(api: Api, four: list[Creds]) -> None:
    # the symbol's first price move ranks it (it was never ranked), whatever the interval:
    # at 51000 the notional is 510 and the maintenance margin 510 × 0.004 = 2.04 for each
    # long A: PnL 10, 10/50 × 2.04/60 = 0.0068;  long B: 10/25 × 2.04/35 = 0.02331…;  long C: PnL −10 → 0
    # longs ascending C, A, B: A rank 2/3 → ceil(10/3) − 1 = 3; B 3/3 → 4; C not in profit → 0
    # the short (PnL +10) is the only short: 1/1 → 4
    assert [await shown(api, c) for c in four] == AT_51000
    # the mark falls: every long at a loss → 0; the short gains 30 and stays first → 4
    await refresh_every(api, 0)
    await api.mark("BTCUSDT", "49000")
    assert [await shown(api, c) for c in four] == AT_49000


async def ranked_now(api: Api, mark: str) -> int:
    """Freeze the clock and rank the symbol at ``mark`` there and then; the default interval
    (30 s) applies from this ranking on. The server time it stands at."""
    now = await freeze(api)
    await refresh_every(api, 0)
    await api.mark("BTCUSDT", mark)
    await refresh_every(api, 30_000)
    return now


async def test_a_move_within_the_interval_leaves_the_quantiles_as_ranked(api: Api, four: list[Creds]) -> None:
    """Binance refreshes adlQuantile every 30 s [doc ADLQ]: a move within 30 s of the last ranking
    shows nothing new; the scheduler ranks what it moved when the 30 s are up, not a ms before."""
    await ranked_now(api, "51000")
    await api.mark("BTCUSDT", "49000")
    assert [await shown(api, c) for c in four] == AT_51000  # as ranked at 51000
    await advance(api, 29_999)
    await api.mark("BTCUSDT", "49000")  # 29.999 s after the ranking: still within it
    assert [await shown(api, c) for c in four] == AT_51000
    await advance(api, 1)  # 30 s: the ranking comes, at the standing 49000
    assert [await shown(api, c) for c in four] == AT_49000


async def test_the_first_move_after_the_interval_ranks_at_once(api: Api, four: list[Creds]) -> None:
    await ranked_now(api, "51000")
    assert (await advance(api, 30_000))["events"] == []  # nothing moved since: nothing ranked
    assert [await shown(api, c) for c in four] == AT_51000
    await api.mark("BTCUSDT", "49000")  # 30 s after the ranking: this move ranks
    assert [await shown(api, c) for c in four] == AT_49000
    await api.mark("BTCUSDT", "51000")  # the next interval has just begun
    assert [await shown(api, c) for c in four] == AT_49000


async def test_an_advance_past_the_interval_ranks_what_moved_without_another_move(api: Api, four: list[Creds]) -> None:
    """The scheduler ranks a symbol whose price moved since its last ranking once its interval is up,
    at the standing mark: the quantile is fresh without another move."""
    await ranked_now(api, "51000")
    await api.mark("BTCUSDT", "49000")
    moved = await advance(api, 60_000)
    assert moved["events"] == []  # a ranking moves no money: applied, not listed
    assert [await shown(api, c) for c in four] == AT_49000
    # a position opened with no price move since: no ranking is due, it shows 0 until one is
    # (assumed, service/adl.py; ranked, this long at 40000 would be the longs' first: 4)
    late = await api.account("10000")
    await api.position(late, "BTCUSDT", "0.01", "40000", leverage=10)
    await advance(api, 60_000)
    assert await shown(api, late) == (0, 0)
    await api.mark("BTCUSDT", "49000")
    assert await shown(api, late) == (4, 4)


async def test_a_scheduled_ranking_comes_between_path_points_in_time_order(api: Api, four: list[Creds]) -> None:
    """A point 10 s after the ranking leaves the symbol pending; the ranking comes at 30 s, at that
    point's mark; a point at 40 s is 10 s into the next interval and waits for its end (60 s)."""
    now = await ranked_now(api, "51000")
    points = [{"afterMs": 10_000, "markPrice": "49000"}, {"afterMs": 40_000, "markPrice": "51000"}]
    r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT/path", json={"points": points})
    assert r.status_code == 200, r.text
    moved = await advance(api, 59_999)
    assert [(e["type"], e["time"]) for e in moved["events"]] == [
        ("MARK_PRICE", now + 10_000),
        ("MARK_PRICE", now + 40_000),
    ]
    assert [await shown(api, c) for c in four] == AT_49000  # ranked at 30 s, at 49000
    await advance(api, 1)
    assert [await shown(api, c) for c in four] == AT_51000  # ranked at 60 s, at 51000


async def test_the_poller_ranks_a_pending_symbol_while_the_clock_runs(
    api: Api, app: IsomarginApp, four: list[Creds]
) -> None:
    """Each worker's poller applies due rankings as wall time reaches them (api/poller.py)."""
    await refresh_every(api, 1)
    await api.mark("BTCUSDT", "49000")  # ranks (1 ms passed), or else leaves the symbol pending
    await api.http.put(f"{CONTROL}/settings", json={"adlRefreshMs": 60_000})
    await api.mark("BTCUSDT", "51000")  # within 60 s of that ranking: pending
    assert [await shown(api, c) for c in four] == AT_49000
    assert await apply_due(app.state) == 0  # the interval is not up
    await refresh_every(api, 1)
    await asyncio.sleep(0.002)
    assert await apply_due(app.state) == 1  # one ranking, at the standing mark 51000
    assert [await shown(api, c) for c in four] == AT_51000
    assert await apply_due(app.state) == 0  # nothing pending any more


async def test_the_interval_is_a_shared_setting(api: Api) -> None:
    r = await api.http.get(f"{CONTROL}/settings")
    snapshot.check("control-settings-get", r)
    assert r.json() == {"marginCallRatio": "0.8", "adlRefreshMs": 30_000}  # the defaults
    r = await api.http.put(f"{CONTROL}/settings", json={"adlRefreshMs": 5000, "marginCallRatio": "0.7"})
    snapshot.check("control-settings-put", r)
    assert r.json() == {"marginCallRatio": "0.7", "adlRefreshMs": 5000}
    assert (await api.http.get(f"{CONTROL}/settings")).json() == {"marginCallRatio": "0.7", "adlRefreshMs": 5000}
    for bad, message in [
        (-1, "adlRefreshMs must be from 0 to 31536000000"),
        (31_536_000_001, "adlRefreshMs must be from 0 to 31536000000"),
        ("30000", "adlRefreshMs must be an integer"),
        (1.5, "adlRefreshMs must be an integer"),
    ]:
        r = await api.http.put(f"{CONTROL}/settings", json={"adlRefreshMs": bad})
        assert (r.status_code, r.json()) == (400, {"error": message})
    assert (await api.http.get(f"{CONTROL}/settings")).json()["adlRefreshMs"] == 5000  # unchanged
    await api.http.post(f"{CONTROL}/reset")
    assert (await api.http.get(f"{CONTROL}/settings")).json() == {"marginCallRatio": "0.8", "adlRefreshMs": 30_000}


async def test_adl_quantile_lists_the_symbols_with_a_position(api: Api, four: list[Creds]) -> None:
    rows = await adl_quantiles(api, four[0])
    assert rows == [{"symbol": "BTCUSDT", "adlQuantile": {"LONG": 0, "SHORT": 0, "BOTH": 3}}]
    skeleton_of(rows[0], DOC_ADL_QUANTILE)
    assert await adl_quantiles(api, four[3], "BTCUSDT") == [
        {"symbol": "BTCUSDT", "adlQuantile": {"LONG": 0, "SHORT": 0, "BOTH": 4}}
    ]
    # no position in ETHUSDT: nothing listed; an account with no position at all: []
    assert await adl_quantiles(api, four[0], "ETHUSDT") == []
    assert await adl_quantiles(api, await api.account("10")) == []


async def test_adl_quantile_golden_and_errors(api: Api, four: list[Creds]) -> None:
    r = await api.signed("GET", "/fapi/v1/adlQuantile", four[1], {"symbol": "BTCUSDT"})
    snapshot.check("adlQuantile", r)
    r = await api.signed("GET", "/fapi/v1/adlQuantile", four[1], {"symbol": "FOOUSDT"})
    assert (r.status_code, r.json()) == (400, BAD_SYMBOL)


async def test_an_isolated_hedge_pair_shows_each_leg(api: Api, every_move: None) -> None:
    hedge = await api.account("10000", dual=True)
    other = await api.account("10000")
    await api.position(hedge, "BTCUSDT", "0.01", "50000", leverage=10, side="LONG")  # wallet 50
    await api.position(hedge, "BTCUSDT", "0.01", "50000", leverage=10, side="SHORT")  # wallet 50
    await api.position(other, "BTCUSDT", "-0.01", "53000", leverage=10)  # wallet 53
    await api.mark("BTCUSDT", "51000")
    # LONG: PnL 10, the only long → 4; SHORT: PnL −10 → 0 (the other account's short: 4)
    assert await adl_quantiles(api, hedge) == [{"symbol": "BTCUSDT", "adlQuantile": {"LONG": 4, "SHORT": 0, "BOTH": 0}}]


async def test_a_crossed_position_is_ranked_on_the_cross_wallet(api: Api, every_move: None) -> None:
    crossed, isolated = await api.account("10000"), await api.account("10000")
    await book(api, "BTCUSDT", "50000")
    await market(api, crossed, "BUY", "0.01")  # CROSSED (the default), fee 500 × 0.0005 = 0.25
    await api.position(isolated, "BTCUSDT", "0.01", "50000", leverage=10)  # wallet 50
    await api.mark("BTCUSDT", "51000")
    # both PnL 10 and maintenance margin 2.04. Crossed: wallet 9999.75 → 10/9999.75 × 2.04/10009.75,
    # tiny: rank 1/2 → ceil(5/2) − 1 = 2. Isolated: 0.0068 → 2/2 → 4. (Were the crossed position
    # ranked on its isolated wallet of 0, it would score 10/1 × 2.04/10 and come first.)
    assert await shown(api, crossed) == (2, 2)
    assert await shown(api, isolated) == (4, 4)


async def test_a_crossed_hedge_pair_shows_one_value_and_the_hedge_sign(api: Api, every_move: None) -> None:
    hedge, other = await api.account("10000", dual=True), await api.account("10000")
    await book(api, "BTCUSDT", "50000")
    await market(api, hedge, "BUY", "0.01", positionSide="LONG")
    await book(api, "BTCUSDT", "52000")
    await market(api, hedge, "SELL", "0.01", positionSide="SHORT")
    await api.position(other, "BTCUSDT", "-0.01", "53000", leverage=10)  # wallet 53
    await api.mark("BTCUSDT", "51000")
    # the pair: PnL +10 (long) + 10 (short) = 20 on the cross wallet, MM 2.04 × 2: a tiny score.
    # longs: the pair's alone → 4. shorts: the pair's (rank 1/2 → 2) below the other account's
    # 20/53 × 2.04/73 = 0.01054… (→ 4). Both legs show the higher: 4.
    rows = await adl_quantiles(api, hedge)
    assert rows == [{"symbol": "BTCUSDT", "adlQuantile": {"LONG": 4, "SHORT": 4, "HEDGE": 0}}]
    skeleton_of(rows[0], DOC_ADL_QUANTILE_HEDGE)
    v3 = {r["positionSide"]: r["adl"] for r in await risk(api, hedge, 3, "BTCUSDT")}
    assert v3 == {"LONG": 4, "SHORT": 4}
    assert await shown(api, other) == (4, 4)


async def test_a_position_opened_after_the_ranking_waits_for_the_next(api: Api) -> None:
    creds = await api.account("10000")
    await freeze(api)
    await api.mark("BTCUSDT", "51000")  # ranks the symbol (nobody holds it yet)
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    # ranked when the price moves, not on every read (Binance refreshes every 30 s [doc ADLQ])
    assert await shown(api, creds) == (0, 0)
    await api.mark("BTCUSDT", "51000")  # within the interval: noted, not ranked
    assert await shown(api, creds) == (0, 0)
    await advance(api, 30_000)  # the interval is up: ranked at the standing 51000, alone → 4
    assert await shown(api, creds) == (4, 4)


# --- the insurance fund and symbolAdlRisk ---------------------------------------------------------


def add_to_fund(app: IsomarginApp, symbol: str, amount: str, time: int) -> None:
    app.state.store.write_sync(
        lambda tx: insurance.add_entry(
            tx,
            symbol=symbol,
            asset="USDT",
            amount=Decimal(amount),
            kind="CLEARANCE",
            account_id=None,
            order_id=None,
            now_ms=time,
        )
    )


async def test_insurance_balance_sums_the_ledger_of_the_symbols_group(api: Api, app: IsomarginApp) -> None:
    r = await api.http.get("/fapi/v1/insuranceBalance", params={"symbol": "BTCUSDT"})
    fresh = r.json()
    # no entry yet: the margin asset at 0, as of now
    assert fresh["symbols"] == ["BTCUSDT"] and fresh["assets"][0]["asset"] == "USDT"
    assert fresh["assets"][0]["marginBalance"] == "0" and abs(fresh["assets"][0]["updateTime"] - api.now()) < 60_000
    add_to_fund(app, "BTCUSDT", "12.5", 1_000)
    add_to_fund(app, "BTCUSDT", "0.00000001", 3_000)
    add_to_fund(app, "BTCUSDT", "-2.5", 2_000)  # a gap paid out
    add_to_fund(app, "ETHUSDT", "7", 4_000)
    r = await api.http.get("/fapi/v1/insuranceBalance", params={"symbol": "BTCUSDT"})
    snapshot.check("insuranceBalance-one", r)
    assert r.json() == {
        "symbols": ["BTCUSDT"],
        "assets": [{"asset": "USDT", "marginBalance": "10.00000001", "updateTime": 3_000}],
    }
    sdk_parse("QueryInsuranceFundBalanceSnapshotResponse1", r.json())
    skeleton_of(r.json(), DOC_INSURANCE)
    r = await api.http.get("/fapi/v1/insuranceBalance")
    snapshot.check("insuranceBalance-all", r)
    groups = r.json()
    assert [g["symbols"] for g in groups] == [[s] for s in app.state.settings.symbols]
    by_symbol = {g["symbols"][0]: g["assets"][0]["marginBalance"] for g in groups}
    assert (by_symbol["BTCUSDT"], by_symbol["ETHUSDT"]) == ("10.00000001", "7")
    for group in groups:
        sdk_parse("QueryInsuranceFundBalanceSnapshotResponse2Inner", group)
    r = await api.http.get("/fapi/v1/insuranceBalance", params={"symbol": "FOOUSDT"})
    assert (r.status_code, r.json()) == (400, BAD_SYMBOL)


async def test_symbol_adl_risk_follows_the_funds_cover_of_open_interest(api: Api, app: IsomarginApp) -> None:
    async def rating() -> str:
        r = await api.http.get("/fapi/v1/symbolAdlRisk", params={"symbol": "BTCUSDT"})
        assert r.status_code == 200, r.text
        sdk_parse("AdlRiskResponse1", r.json())
        return str(r.json()["adlRisk"])

    assert await rating() == "low"  # no open interest
    longs, short = await api.account("10000"), await api.account("10000")
    await api.position(longs, "BTCUSDT", "0.01", "50000", leverage=10)
    await api.position(short, "BTCUSDT", "-0.004", "50000", leverage=10)
    await api.mark("BTCUSDT", "50000")
    # open interest: the larger side, 0.01 × 50000 = 500; an empty fund covers none of it
    assert await rating() == "high"
    add_to_fund(app, "BTCUSDT", "0.5", 1)  # 0.1% of 500
    assert await rating() == "medium"
    add_to_fund(app, "BTCUSDT", "4.5", 2)  # 5 = 1%
    assert await rating() == "low"
    add_to_fund(app, "ETHUSDT", "-100", 3)  # another symbol's fund is not BTCUSDT's
    assert await rating() == "low"
    r = await api.http.get("/fapi/v1/symbolAdlRisk", params={"symbol": "BTCUSDT"})
    snapshot.check("symbolAdlRisk-one", r)
    skeleton_of(r.json(), DOC_ADL_RISK)
    r = await api.http.get("/fapi/v1/symbolAdlRisk")
    snapshot.check("symbolAdlRisk-all", r)
    rows = r.json()
    assert [row["symbol"] for row in rows] == list(app.state.settings.symbols)
    assert {row["symbol"]: row["adlRisk"] for row in rows}["ETHUSDT"] == "low"  # nothing open there
    for row in rows:
        sdk_parse("AdlRiskResponse2Inner", row)
        skeleton_of(row, DOC_ADL_RISK)
    r = await api.http.get("/fapi/v1/symbolAdlRisk", params={"symbol": "FOOUSDT"})
    assert (r.status_code, r.json()) == (400, BAD_SYMBOL)


def test_weights_and_security_as_documented() -> None:
    table = route_table()
    # [doc ADLQ] weight 5, USER_DATA; [doc ADLR] weight 1; [doc IFB] weight 1, public
    assert (table["GET", "/fapi/v1/adlQuantile"].weight, table["GET", "/fapi/v1/adlQuantile"].security.value) == (
        5,
        "USER_DATA",
    )
    assert (table["GET", "/fapi/v1/symbolAdlRisk"].weight, table["GET", "/fapi/v1/symbolAdlRisk"].security.value) == (
        1,
        "NONE",
    )
    assert (
        table["GET", "/fapi/v1/insuranceBalance"].weight,
        table["GET", "/fapi/v1/insuranceBalance"].security.value,
    ) == (1, "NONE")


async def test_a_liquidation_pays_into_the_fund_insurance_balance_shows(api: Api, app: IsomarginApp) -> None:
    """End to end with the engine (service/liquidation.py writes the ledger): the clearance fee of a
    liquidated isolated long is what insuranceBalance shows, and the dead position shows adl 0."""
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=20)  # wallet 25
    await api.mark("BTCUSDT", "50000")
    (row,) = await risk(api, creds, 3, "BTCUSDT")
    await api.mark("BTCUSDT", str(Decimal(row["liquidationPrice"]) - 1))  # past the liquidation price
    assert await risk(api, creds, 3, "BTCUSDT") == []
    fund = app.state.store.read_sync(lambda tx: insurance.total(tx, "USDT"))
    assert fund > 0  # the rest of the isolated wallet after the loss
    r = await api.http.get("/fapi/v1/insuranceBalance", params={"symbol": "BTCUSDT"})
    assert r.json()["assets"][0]["marginBalance"] == format(fund.normalize(), "f")
    assert await adl_quantiles(api, creds) == []
