"""ORDER_TRADE_UPDATE's ``b``/``a`` (the account's open order notional on the symbol after the step),
a fill's padded prices and quantities, and ``R`` of a hedge leg's closing order (reference §4.3)."""

from __future__ import annotations

from typing import Any

from isomargin.api.app import IsomarginApp
from isomargin.api.stream.frames import frame
from isomargin.domain.events import from_payload
from isomargin.store import outbox
from tests.support import Api
from tests.trading.support import book, market, order


async def _frames_after(app: IsomarginApp, last_id: int) -> tuple[int, list[dict[str, Any]]]:
    """The stream frames of the events recorded after outbox id ``last_id``, and the new last id."""
    rows = await app.state.store.read(lambda tx: outbox.after_id(tx, last_id))
    frames = [frame(from_payload(e.type, e.payload), e.time) for e in rows]
    return (rows[-1].id if rows else last_id), frames


async def _limit(api: Api, creds: Any, side: str, qty: str, price: str, **extra: str) -> dict[str, Any]:
    r = await order(
        api, creds, symbol="BTCUSDT", side=side, type="LIMIT", timeInForce="GTC", quantity=qty, price=price, **extra
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_open_notional_follows_every_step(app: IsomarginApp, api: Api) -> None:
    creds = await api.account("100000")
    await book(api, "BTCUSDT", "50000", bid="49990", ask="50010")
    last, _ = await _frames_after(app, 0)

    await _limit(api, creds, "BUY", "1", "49000")
    last, (new1,) = await _frames_after(app, last)
    # its own notional counts once it rests: 1 × 49000 [obs RS-BTC: "b":"50000" for 1 BTC at 50000]
    assert (new1["o"]["x"], new1["o"]["b"], new1["o"]["a"], new1["o"]["q"]) == ("NEW", "49000", "0", "1")

    await _limit(api, creds, "BUY", "0.5", "48000.5")
    sell = await _limit(api, creds, "SELL", "0.25", "52000")
    last, (new2, new3) = await _frames_after(app, last)
    # bids 49000 + 0.5 × 48000.5 = 73000.25; asks 0.25 × 52000 = 13000
    assert (new2["o"]["b"], new2["o"]["a"]) == ("73000.25", "0")
    assert (new3["o"]["b"], new3["o"]["a"]) == ("73000.25", "13000")

    r = await api.signed("DELETE", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(sell["orderId"])})
    assert r.status_code == 200, r.text
    last, (cancelled,) = await _frames_after(app, last)
    # after the cancel its notional is gone [obs MAXT: "b":"5" resting, "0" after cancel]
    assert (cancelled["o"]["x"], cancelled["o"]["b"], cancelled["o"]["a"]) == ("CANCELED", "73000.25", "0")

    # a MARKET SELL fills at the bid: its steps carry the resting BUYs' notional, its own never
    await market(api, creds, "SELL", "0.1")
    last, frames = await _frames_after(app, last)
    steps = [f["o"] for f in frames if f["e"] == "ORDER_TRADE_UPDATE"]
    assert [(o["x"], o["b"], o["a"]) for o in steps] == [("NEW", "73000.25", "0"), ("TRADE", "73000.25", "0")]

    # the book moves through the 49000 BUY: it fills as maker; the 48000.5 BUY still rests
    await book(api, "BTCUSDT", "48900", bid="48890", ask="48900")
    last, frames = await _frames_after(app, last)
    (maker,) = [f["o"] for f in frames if f["e"] == "ORDER_TRADE_UPDATE"]
    assert (maker["x"], maker["X"], maker["m"], maker["b"], maker["a"]) == ("TRADE", "FILLED", True, "24000.25", "0")


async def test_fill_steps_pad_to_the_symbols_precision(app: IsomarginApp, api: Api) -> None:
    creds = await api.account("100000")
    await book(api, "BTCUSDT", "50000", bid="49990", ask="50010")
    last, _ = await _frames_after(app, 0)
    await market(api, creds, "BUY", "0.1")
    last, (lite, new, _update, trade) = await _frames_after(app, last)
    # TRADE_LITE: every price and quantity at BTCUSDT's 2 / 3 places, the MARKET order's 0 price too
    # ("q":"0.100","p":"0.00","L":"84146.50","l":"0.100" [obs RS-BTC])
    assert (lite["q"], lite["p"], lite["L"], lite["l"]) == ("0.100", "0.00", "50010.00", "0.100")
    # the NEW step: quantities as sent, without padding ("q":"0.1" on a SOLUSDT NEW [obs CPP-SOL])
    assert (new["o"]["q"], new["o"]["p"], new["o"]["L"], new["o"]["l"], new["o"]["z"]) == ("0.1", "0", "0", "0", "0")
    # the TRADE step: q/l/z/L padded, p not ("q":"0.100",…,"L":"84146.50" [obs RS-BTC])
    o = trade["o"]
    assert (o["q"], o["p"], o["l"], o["z"], o["L"], o["ap"]) == (
        "0.100", "0", "0.100", "0.100", "50010.00", "50010.00000"
    )  # fmt: skip


async def test_a_hedge_legs_closing_order_is_reduce_only(app: IsomarginApp, api: Api) -> None:
    """A hedge-mode close (SELL on LONG), sent without reduceOnly as hedge mode demands, shows
    ``reduceOnly: true`` in REST and ``R: true`` on the stream, as the real server's answers to
    such orders do (SELL/LONG LIMIT placement "reduceOnly":true, index ids 37442845902, 36997752111)."""
    creds = await api.account("100000", dual=True)
    await book(api, "BTCUSDT", "50000", bid="49990", ask="50010")
    opened = await market(api, creds, "BUY", "0.01", positionSide="LONG")
    assert opened["reduceOnly"] is False
    last, _ = await _frames_after(app, 0)
    closing = await _limit(api, creds, "SELL", "0.01", "51000", positionSide="LONG")
    assert closing["reduceOnly"] is True
    last, (new,) = await _frames_after(app, last)
    assert (new["o"]["R"], new["o"]["ps"], new["o"]["a"]) == (True, "LONG", "510")
    r = await api.signed("GET", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(closing["orderId"])})
    assert r.status_code == 200 and r.json()["reduceOnly"] is True
    # the SHORT leg's opening SELL is not
    short = await market(api, creds, "SELL", "0.01", positionSide="SHORT")
    assert short["reduceOnly"] is False
