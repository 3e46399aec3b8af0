"""ALGO_UPDATE: the events a stop's life records, in order, and the frame as captured (reference §4.5)."""

from __future__ import annotations

from decimal import Decimal

import orjson

from isomargin.api.app import IsomarginApp
from isomargin.api.stream.frames import frame
from isomargin.domain.events import AlgoUpdate, OrderTradeUpdate, from_payload, to_payload
from isomargin.store import outbox
from tests.algo.support import stop_loss, take_profit_limit
from tests.liquidation.test_liquidation_story import long_at_20x, move
from tests.support import Api

#: the NEW frame captured on testnet, 2026 [obs TR-GATE0] (``caid`` elided there, ``T``/``E`` times)
CAPTURED_NEW = (
    '{"e":"ALGO_UPDATE","T":1,"E":1,"o":{"caid":"c","aid":1000000202490585,"at":"CONDITIONAL",'
    '"o":"STOP_MARKET","s":"BTCUSDT","S":"SELL","ps":"BOTH","f":"GTE_GTC","q":"0","X":"NEW","ai":"",'
    '"tp":"74960.75","p":"0","V":"EXPIRE_MAKER","wt":"MARK_PRICE","pm":"NONE","cp":true,"pP":true,'
    '"R":true,"tt":0,"gtd":0,"ia":false}}'
)


def _captured_event(**changes: object) -> AlgoUpdate:
    base = AlgoUpdate(
        client_algo_id="c", algo_id=1000000202490585, order_type="STOP_MARKET", symbol="BTCUSDT", side="SELL",
        position_side="BOTH", time_in_force="GTE_GTC", quantity=Decimal(0), status="NEW", actual_order_id="",
        avg_price=Decimal(0), executed_qty=Decimal(0), actual_type="", trigger_price=Decimal("74960.75"),
        price=Decimal(0), working_type="MARK_PRICE", close_position=True, price_protect=True, reduce_only=True,
        trigger_time=0,
    )  # fmt: skip
    return AlgoUpdate(**{**{k: getattr(base, k) for k in base.__slots__}, **changes})  # type: ignore[arg-type]


def test_the_new_frame_is_the_captured_one_byte_for_byte() -> None:
    event = _captured_event()
    assert orjson.dumps(frame(event, 1)).decode() == CAPTURED_NEW
    assert from_payload(event.type, to_payload(event)) == event


def test_a_triggered_frame_adds_the_order_after_ai() -> None:
    event = _captured_event(
        status="FINISHED", actual_order_id="77", avg_price=Decimal("74960.7"), executed_qty=Decimal("0.002"),
        actual_type="MARKET", trigger_time=5,
    )  # fmt: skip
    body = frame(event, 6)["o"]
    keys = list(body)
    assert keys[keys.index("ai") : keys.index("ai") + 4] == ["ai", "ap", "aq", "act"]
    assert (body["X"], body["ai"], body["ap"], body["aq"], body["act"], body["tt"]) == (
        "FINISHED",
        "77",
        "74960.70000",
        "0.002",
        "MARKET",
        5,
    )


async def test_a_stop_records_new_then_triggered_and_finished_around_its_order(app: IsomarginApp, api: Api) -> None:
    creds = await long_at_20x(api)
    seen = await app.state.store.read(lambda tx: outbox.after_id(tx, 0))
    stop = await stop_loss(api, creds, "48000", clientAlgoId="ev-stop")
    moved = await move(api, "BTCUSDT", "47990")
    recorded = await app.state.store.read(lambda tx: outbox.after_id(tx, seen[-1].id))
    mine = [e for e in recorded if e.account_id == creds.account_id]
    assert [e.seq for e in mine] == list(range(mine[0].seq, mine[0].seq + len(mine)))  # gapless
    types = [e.type for e in mine]
    assert types[0] == "ALGO_UPDATE" and types[-2:] == ["ALGO_UPDATE", "ALGO_UPDATE"]
    assert "ORDER_TRADE_UPDATE" in types[1:-2]  # the closing order's own steps come between
    events = [from_payload(e.type, e.payload) for e in mine]
    new, triggered, finished = events[0], events[-2], events[-1]
    assert isinstance(new, AlgoUpdate) and isinstance(triggered, AlgoUpdate) and isinstance(finished, AlgoUpdate)
    assert (new.status, new.algo_id, new.client_algo_id, new.actual_order_id) == ("NEW", stop["algoId"], "ev-stop", "")
    (fired,) = moved["triggers"]
    assert (triggered.status, finished.status) == ("TRIGGERED", "FINISHED")
    assert triggered.actual_order_id == finished.actual_order_id == str(fired["orderId"])
    # the market SELL filled at the new book, 47990
    assert (finished.avg_price, finished.executed_qty, finished.actual_type) == (
        Decimal("47990"),
        Decimal("0.01"),
        "MARKET",
    )
    fills = [e for e in events if isinstance(e, OrderTradeUpdate) and e.execution_type == "TRADE"]
    assert [(f.order_id, f.reduce_only) for f in fills] == [(fired["orderId"], True)]


async def test_a_resting_take_profit_is_finished_after_its_order_fills(app: IsomarginApp, api: Api) -> None:
    creds = await long_at_20x(api)
    take = await take_profit_limit(api, creds, "52000", "52100")
    (fired,) = (await move(api, "BTCUSDT", "52000"))["triggers"]
    seen = await app.state.store.read(lambda tx: outbox.after_id(tx, 0))
    await move(api, "BTCUSDT", "52100")  # fills the resting LIMIT as maker
    recorded = await app.state.store.read(lambda tx: outbox.after_id(tx, seen[-1].id))
    events = [from_payload(e.type, e.payload) for e in recorded if e.account_id == creds.account_id]
    steps = [(type(e).__name__, getattr(e, "order_status", None) or getattr(e, "status", None)) for e in events]
    # the order's FILLED step first, then the algo order's end, last
    assert ("OrderTradeUpdate", "FILLED") in steps and steps[-1] == ("AlgoUpdate", "FINISHED"), steps
    finished = events[-1]
    assert isinstance(finished, AlgoUpdate)
    assert (finished.algo_id, finished.actual_order_id, finished.avg_price, finished.executed_qty) == (
        take["algoId"],
        str(fired["orderId"]),
        Decimal("52100"),
        Decimal("0.01"),
    )
