"""ORDER_TRADE_UPDATE and TRADE_LITE frames from the recorded events: the captured key order (§2.6)."""

from __future__ import annotations

from decimal import Decimal

from isomargin.api.stream.frames import frame
from isomargin.domain.events import OrderTradeUpdate, TradeLite, from_payload, to_payload

D = Decimal
#: the real TRADE frame of a MARKET SELL, BTCUSDT 2024-11-18 [obs SW-BTC] (its `o` keys, in order)
CAPTURED_O_KEYS = [
    "s", "c", "S", "o", "f", "q", "p", "ap", "sp", "x", "X", "i", "l", "z", "L", "n", "N", "T", "t", "b", "a",
    "m", "R", "wt", "ot", "ps", "cp", "rp", "pP", "si", "ss", "V", "pm", "gtd", "er",
]  # fmt: skip


def test_trade_step_frame() -> None:
    step = OrderTradeUpdate(
        "BTCUSDT", "android_WrDCjqlzTWlU9FGcNp1Q", "SELL", "MARKET", "GTC", D("0.002"), D(0), D("90853.2"),
        "TRADE", "FILLED", 482277363667, D("0.002"), D("0.002"), D("90853.2"), D("0.0908532"), "USDT",
        1731955175166, 5612520599, D(0), D(0), False, True, "BOTH", D("-1.7734"), "NONE", 0,
    )  # fmt: skip
    again = from_payload(step.type, to_payload(step))  # the outbox round trip
    assert again == step
    data = frame(again, 1731955175166)
    assert list(data) == ["e", "T", "E", "o"] and list(data["o"]) == CAPTURED_O_KEYS
    o = data["o"]
    assert (o["ap"], o["n"], o["rp"], o["t"], o["i"], o["R"]) == (
        "90853.20000", "0.09085320", "-1.77340000", 5612520599, 482277363667, True
    )  # fmt: skip


def test_trade_lite_frame() -> None:
    lite = TradeLite("BTCUSDT", D("0.002"), D(0), False, "c1", "SELL", D("90853.2"), D("0.002"), 5612520599, 4822)
    data = frame(from_payload(lite.type, to_payload(lite)), 1731955175166)
    assert list(data) == ["e", "E", "T", "s", "q", "p", "m", "c", "S", "L", "l", "t", "i"]
    assert (data["e"], data["L"], data["t"]) == ("TRADE_LITE", "90853.2", 5612520599)
