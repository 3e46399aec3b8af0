"""The states parity cases start from, on isomargin (control plane) and on a real remote.

A real demo account cannot be seeded: what Binance's own API can set (position mode, margin
type, a margin transfer) is in ``remote_steps``; what needs a trade (an open position) is a
``precondition`` the person recording establishes first (docs/parity.md lists them).
"""

from __future__ import annotations

from tests.parity.case import Request, Scenario, send
from tests.support import Api, Creds

ONE_WAY = Request("POST", "/fapi/v1/positionSide/dual", (("dualSidePosition", "false"),), signed=True)
HEDGE = Request("POST", "/fapi/v1/positionSide/dual", (("dualSidePosition", "true"),), signed=True)
#: the margin moves the "with history" scenario makes, through Binance's own endpoint
HISTORY_STEPS = (
    Request("POST", "/fapi/v1/positionMargin", (("symbol", "BTCUSDT"), ("amount", "10"), ("type", "1")), signed=True),
    Request("POST", "/fapi/v1/positionMargin", (("symbol", "BTCUSDT"), ("amount", "5"), ("type", "2")), signed=True),
)
#: GET positionSide/dual weighs 30 [PSDG]: 80 of them use up the 2400 weight a minute allows
HEAVY = Request("GET", "/fapi/v1/positionSide/dual", (), signed=True)


async def _marks(api: Api) -> None:
    await api.mark("BTCUSDT", "51000")
    await api.mark("ETHUSDT", "3000")


async def _none(api: Api) -> Creds | None:
    await _marks(api)
    return None


async def _fresh(api: Api) -> Creds | None:
    await _marks(api)
    return await api.account("10000")


TO_ISOLATED = Request("POST", "/fapi/v1/marginType", (("symbol", "BTCUSDT"), ("marginType", "ISOLATED")), signed=True)


async def _fresh_isolated(api: Api) -> Creds | None:
    creds = await _fresh(api)
    answer = await send(api.http, creds, TO_ISOLATED, api.now)
    assert answer.status == 200, answer.text
    return creds


async def _isolated_long(api: Api) -> Creds | None:
    await _marks(api)
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    return creds


async def _hedge_long(api: Api) -> Creds | None:
    await _marks(api)
    creds = await api.account("10000", dual=True)
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10, side="LONG")
    return creds


async def _with_history(api: Api) -> Creds | None:
    creds = await _isolated_long(api)
    for step in HISTORY_STEPS:
        answer = await send(api.http, creds, step, api.now)
        assert answer.status == 200, answer.text
    return creds


#: an isolated BTCUSDT long of 0.002 opened and closed: the two TRADE rows of positionMargin/history
OPEN_LONG = Request(
    "POST",
    "/fapi/v1/order",
    (("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.002")),
    signed=True,
)
CLOSE_LONG = Request(
    "POST",
    "/fapi/v1/order",
    (("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "MARKET"), ("quantity", "0.002"), ("reduceOnly", "true")),
    signed=True,
)


async def _opened_and_closed(api: Api) -> Creds | None:
    """The open is the control plane's (a fill at its entry price with no fee, which writes the
    TRADE row an order's open writes: 0.002 × 50000 / 10 = 10); the close is an order."""
    await _marks(api)
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.002", "50000", leverage=10)
    answer = await send(api.http, creds, CLOSE_LONG, api.now)
    assert answer.status == 200, answer.text
    return creds


async def _rate_limited(api: Api) -> Creds | None:
    creds = await _fresh(api)
    for _ in range(80):
        await send(api.http, creds, HEAVY, api.now)
    return creds


#: the orders the order scenarios place, through Binance's own endpoint (so a recording makes them too)
FILLED_ETH_ORDER = Request(
    "POST",
    "/fapi/v1/order",
    (("symbol", "ETHUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.007"),
     ("newClientOrderId", "parity-filled")),
    signed=True,
)  # fmt: skip
RESTING_LONG_BUY = Request(
    "POST",
    "/fapi/v1/order",
    (("symbol", "BTCUSDT"), ("side", "BUY"), ("positionSide", "LONG"), ("type", "LIMIT"), ("timeInForce", "GTC"),
     ("quantity", "0.010"), ("price", "50000"), ("newClientOrderId", "parity-resting")),
    signed=True,
)  # fmt: skip


#: the conditional order the algo scenarios rest: a SELL STOP_MARKET far below the market (marks at 51000)
RESTING_STOP_ORDER = Request(
    "POST",
    "/fapi/v1/algoOrder",
    (("algoType", "CONDITIONAL"), ("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "STOP_MARKET"),
     ("quantity", "0.002"), ("triggerPrice", "45000"), ("workingType", "MARK_PRICE"), ("clientAlgoId", "parity-stop")),
    signed=True,
)  # fmt: skip
CANCEL_STOP = Request("DELETE", "/fapi/v1/algoOrder", (("clientAlgoId", "parity-stop"),), signed=True)


async def _filled_eth(api: Api) -> Creds | None:
    creds = await _fresh(api)
    answer = await send(api.http, creds, FILLED_ETH_ORDER, api.now)
    assert answer.status == 200, answer.text
    return creds


async def _resting_hedge_buy(api: Api) -> Creds | None:
    await _marks(api)
    creds = await api.account("10000", dual=True)
    answer = await send(api.http, creds, RESTING_LONG_BUY, api.now)
    assert answer.status == 200, answer.text
    return creds


async def _resting_stop(api: Api) -> Creds | None:
    creds = await _fresh(api)
    answer = await send(api.http, creds, RESTING_STOP_ORDER, api.now)
    assert answer.status == 200, answer.text
    return creds


async def _cancelled_stop(api: Api) -> Creds | None:
    creds = await _resting_stop(api)
    answer = await send(api.http, creds, CANCEL_STOP, api.now)
    assert answer.status == 200, answer.text
    return creds


NO_ACCOUNT = Scenario("no account", _none, "none: public endpoints, or a request with no usable key")
FRESH = Scenario(
    "fresh account",
    _fresh,
    "one-way mode, no BTCUSDT/ETHUSDT position and no open orders, both symbols CROSSED",
    (
        ONE_WAY,
        Request("POST", "/fapi/v1/marginType", (("symbol", "BTCUSDT"), ("marginType", "CROSSED")), signed=True),
        Request("POST", "/fapi/v1/marginType", (("symbol", "ETHUSDT"), ("marginType", "CROSSED")), signed=True),
    ),
)
FRESH_ISOLATED = Scenario(
    "fresh account, BTCUSDT isolated",
    _fresh_isolated,
    "one-way mode, no BTCUSDT position and no open orders",
    (ONE_WAY, TO_ISOLATED),
)
ISOLATED_LONG = Scenario(
    "isolated BTCUSDT long",
    _isolated_long,
    "one-way mode, an ISOLATED BTCUSDT long open (a small market buy after setting marginType ISOLATED)",
    needs_trade=True,
)
HEDGE_LONG = Scenario(
    "hedge mode, isolated BTCUSDT LONG",
    _hedge_long,
    "hedge mode, an ISOLATED BTCUSDT LONG open, nothing on the BOTH side, no ETHUSDT position",
    needs_trade=True,
)
WITH_HISTORY = Scenario(
    "isolated BTCUSDT long with two margin moves",
    _with_history,
    "as 'isolated BTCUSDT long'; the steps then add 10 and remove 5 USDT of margin",
    HISTORY_STEPS,
    needs_trade=True,
)
OPENED_AND_CLOSED = Scenario(
    "isolated BTCUSDT long opened and closed",
    _opened_and_closed,
    "one-way mode, BTCUSDT with no position, no open orders and no margin history in the last 30 days; the steps "
    "set ISOLATED, buy 0.002 at market and sell it back reduce-only",
    (ONE_WAY, TO_ISOLATED, OPEN_LONG, CLOSE_LONG),
)
FILLED_ETH = Scenario(
    "fresh account with a filled ETHUSDT MARKET BUY",
    _filled_eth,
    "one-way mode, ETHUSDT CROSSED, no open orders; the steps buy 0.007 ETHUSDT at market (clientOrderId "
    "parity-filled), which leaves a long open",
    (
        ONE_WAY,
        Request("POST", "/fapi/v1/marginType", (("symbol", "ETHUSDT"), ("marginType", "CROSSED")), signed=True),
        FILLED_ETH_ORDER,
    ),
)
RESTING_HEDGE_BUY = Scenario(
    "hedge mode with a resting BTCUSDT LIMIT BUY LONG",
    _resting_hedge_buy,
    "hedge mode, no open BTCUSDT orders; the steps rest a LIMIT BUY LONG 0.010 at 50000 (clientOrderId "
    "parity-resting): BTCUSDT must trade above 50000 and within PERCENT_PRICE of it",
    (HEDGE, RESTING_LONG_BUY),
)
_STOP_STEPS = (
    ONE_WAY,
    Request("POST", "/fapi/v1/marginType", (("symbol", "BTCUSDT"), ("marginType", "CROSSED")), signed=True),
    RESTING_STOP_ORDER,
)
RESTING_STOP = Scenario(
    "fresh account with a resting BTCUSDT STOP_MARKET SELL",
    _resting_stop,
    "one-way mode, no open BTCUSDT algo orders; the steps rest a STOP_MARKET SELL 0.002 BTCUSDT triggering at a mark"
    " price of 45000 (clientAlgoId parity-stop): BTCUSDT's mark must be above 45000",
    _STOP_STEPS,
)
CANCELLED_STOP = Scenario(
    "fresh account with a cancelled BTCUSDT STOP_MARKET SELL",
    _cancelled_stop,
    "as the resting STOP_MARKET SELL; the steps then cancel it (clientAlgoId parity-stop)",
    (*_STOP_STEPS, CANCEL_STOP),
)
RATE_LIMITED = Scenario(
    "IP over its weight limit", _rate_limited, "never on a real remote: it would lock the recorder's IP out"
)
SCENARIOS = (
    NO_ACCOUNT,
    FRESH,
    FRESH_ISOLATED,
    ISOLATED_LONG,
    HEDGE_LONG,
    WITH_HISTORY,
    OPENED_AND_CLOSED,
    FILLED_ETH,
    RESTING_HEDGE_BUY,
    RESTING_STOP,
    CANCELLED_STOP,
    RATE_LIMITED,
)
