"""A CROSSED position is margin-called once, like an isolated one (issue 12: "recorded once, re-armed
after the ratio falls back below it").

The cross latch lives on the ticked symbol's cross position, which has no margin-call key; the
tick's re-arm of isolated latches (``store.risk.rearm``) once cleared every key-less latch first,
so each further move past the threshold called the account again.
"""

from __future__ import annotations

from tests.liquidation.test_liquidation_story import move
from tests.support import Api
from tests.trading.support import book, market


async def test_a_cross_position_is_called_once_and_again_after_it_recovers(api: Api) -> None:
    creds = await api.account("100")
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.03")  # CROSSED by default, 20x: fee 0.75, cross wallet 99.25
    # ratio = MM / (wallet + uPnL) = 0.00012·P / (99.25 + 0.03·(P − 50000)) reaches 0.8 at
    # P = 1120.6 / 0.02388 = 46926.30…; the liquidation price is 46879.18340027
    assert (await move(api, "BTCUSDT", "46930"))["marginCalls"] == []
    # at 46920: MM 5.63040, balance 99.25 − 92.4 = 6.85, ratio 0.82195620
    (call,) = (await move(api, "BTCUSDT", "46920"))["marginCalls"]
    assert (call["accountId"], call["marginRatio"]) == (creds.account_id, "0.82195620")
    assert (await move(api, "BTCUSDT", "46915"))["marginCalls"] == []  # still called: no second call
    assert (await move(api, "BTCUSDT", "46910"))["marginCalls"] == []
    assert (await move(api, "BTCUSDT", "47000"))["marginCalls"] == []  # back below 0.8: re-armed
    (again,) = (await move(api, "BTCUSDT", "46920"))["marginCalls"]
    assert again["marginRatio"] == "0.82195620"
