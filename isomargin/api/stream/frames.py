"""User-data stream frames, exactly as Binance sends them: a pure function of an event (no I/O).

Key order and JSON types follow the captured frames (trading reference §4.4, §4.5), not the doc
pages where they differ:

- ``ACCOUNT_UPDATE``: ``{"e","T","E","a":{"B":[{"a","wb","cw","bc"}],"P":[{"s","pa","ep","cr",
  "up","mt","iw","ps","ma","bep"}],"m"}}`` — ``T`` before ``E``, ``m`` last inside ``a``, ``ma`` and
  ``bep`` last in a position row, ``mt`` lowercase (``isolated``/``cross``), numbers as strings
  without padding (``"ep":"80.19"``), ``P`` an empty array when no position changed [obs PB-825].
- ``ACCOUNT_CONFIG_UPDATE``: ``{"e","E","T","ac":{"s","l"}}`` with ``l`` an integer [doc ACU].
- ``listenKeyExpired``: ``{"e","E","listenKey"}`` with ``E`` a string, as the doc example prints it
  (open question 9: the official SDK models it as an integer; clients are told to accept both).

``E`` (event time) and ``T`` (transaction time) are both the server-clock time of the commit that
recorded the event: isomargin has no matching engine whose time could differ from the event's.
On ``/stream`` paths each frame is wrapped ``{"stream": <listenKey>, "data": frame}`` [obs NT-3453].
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from isomargin.domain.events import (
    AccountConfigUpdate,
    AccountUpdate,
    AlgoUpdate,
    BalanceUpdate,
    Event,
    ListenKeyExpired,
    MarginCall,
    OrderTradeUpdate,
    PositionUpdate,
    TradeLite,
)
from isomargin.money import decimal_string, fixed

#: ``mt`` in ACCOUNT_UPDATE is lowercase, and crossed margin is ``cross`` [obs SW-BTC][obs CPP-SOL]
_MARGIN_TYPE = {"ISOLATED": "isolated", "CROSSED": "cross"}
#: the margin asset of every USDⓈ-M position isomargin holds
MARGIN_ASSET = "USDT"


def _number(value: Decimal) -> str:
    return decimal_string(value)


def _balance(b: BalanceUpdate) -> dict[str, str]:
    return {
        "a": b.asset,
        "wb": _number(b.wallet_balance),
        "cw": _number(b.cross_wallet),
        "bc": _number(b.balance_change),
    }


def _position(p: PositionUpdate) -> dict[str, str]:
    return {
        "s": p.symbol,
        "pa": _number(p.position_amt),
        "ep": _number(p.entry_price),
        "cr": _number(p.accumulated_realized),
        "up": _number(p.unrealized_pnl),
        "mt": _MARGIN_TYPE.get(p.margin_type, p.margin_type.lower()),
        "iw": _number(p.isolated_wallet),
        "ps": p.position_side,
        "ma": MARGIN_ASSET,
        "bep": _number(p.break_even_price),
    }


def frame(event: Event, time_ms: int) -> dict[str, Any]:
    """The frame for ``event``, recorded at server time ``time_ms``."""
    if isinstance(event, AccountUpdate):
        account: dict[str, Any] = {
            "B": [_balance(b) for b in event.balances],
            "P": [_position(p) for p in event.positions],
        }
        if event.funding_symbol is not None:
            # ``a.S`` (2026-08, FUNDING_FEE only); its place in ``a`` is not captured: before ``m`` (assumed)
            account["S"] = event.funding_symbol
        account["m"] = event.reason.value
        return {"e": event.type, "T": time_ms, "E": time_ms, "a": account}
    if isinstance(event, AccountConfigUpdate):
        return {"e": event.type, "E": time_ms, "T": time_ms, "ac": {"s": event.symbol, "l": event.leverage}}
    if isinstance(event, OrderTradeUpdate):
        return {"e": event.type, "T": time_ms, "E": time_ms, "o": _order(event)}
    if isinstance(event, TradeLite):
        return _trade_lite(event, time_ms)
    if isinstance(event, MarginCall):
        return _margin_call(event, time_ms)
    if isinstance(event, AlgoUpdate):
        return {"e": event.type, "T": time_ms, "E": time_ms, "o": _algo(event)}
    assert isinstance(event, ListenKeyExpired)
    return expired(event.listen_key, time_ms)


def _money8(value: Decimal) -> str:
    """Fees and realized PnL: "0" when zero, else 8 decimals ("0.09085320", "-1.77340000") [obs SW-BTC]."""
    return "0" if value == 0 else fixed(value, 8)


def _padded(value: Decimal, digits: int | None) -> str:
    """``value`` at ``digits`` places ("90853.20", "0.100"); "0" when zero, and without trailing
    zeros when no padding is asked for."""
    if value == 0 or digits is None:
        return _number(value)
    return fixed(value, digits)


def _order(o: OrderTradeUpdate) -> dict[str, Any]:
    """``o`` of ORDER_TRADE_UPDATE in the observed wire order (reference §4.3) [obs SW-BTC][obs CPP-SOL].

    Zero values are "0" as in a NEW frame; a filled ``ap`` has 5 decimals ("90853.20000"). A fill's
    step writes ``L`` at the symbol's price precision and ``q``/``l``/``z`` at its quantity precision
    (``"L":"84146.50"``, ``"q":"0.100","l":"0.100","z":"0.100"`` [obs RS-BTC 2025-03];
    ``"L":"90853.20"`` [obs SW-BTC]); the other steps write them without trailing zeros
    (``"q":"1","p":"50000"`` on a BTCUSDT LIMIT NEW [obs RS-BTC], ``"q":"0.1"`` on a SOLUSDT NEW
    whose TRADE_LITE says ``"0.10"`` [obs CPP-SOL 2026-02], ``"q":"2"`` PAXGUSDT 2025-11 [ccxt
    #27412]); that a fill's step pads and the others do not is read from these frames (assumed:
    no captured order shows both steps with a quantity that padding changes). ``p`` is never
    padded (``"p":"50000"``, ``"p":"50"`` LTCUSDT [ccxt #20205]).
    ``b``/``a`` without trailing zeros, as 2025–2026 frames write them (``"b":"50000"`` [obs RS-BTC],
    ``"b":"5"`` [obs MAXT]; 2023 testnet frames had 5 decimals, ``"b":"10.50000"`` [ccxt #20205])."""
    return {
        "s": o.symbol,
        "c": o.client_order_id,
        "S": o.side,
        "o": o.order_type,
        "f": o.time_in_force,
        "q": _padded(o.orig_qty, o.quantity_places),
        "p": _number(o.price),
        "ap": "0" if o.avg_price == 0 else fixed(o.avg_price, 5),
        "sp": "0",
        "x": o.execution_type,
        "X": o.order_status,
        "i": o.order_id,
        "l": _padded(o.last_filled_qty, o.quantity_places),
        "z": _padded(o.cumulative_filled_qty, o.quantity_places),
        "L": _padded(o.last_filled_price, o.price_places),
        "n": _money8(o.commission),
        "N": o.commission_asset,
        "T": o.trade_time,
        "t": o.trade_id,
        "b": _number(o.bids_notional),
        "a": _number(o.asks_notional),
        "m": o.maker,
        "R": o.reduce_only,
        "wt": "CONTRACT_PRICE",
        # a liquidation order is LIQUIDATION on the stream and LIMIT in REST (reference §3.3)
        "ot": "LIMIT" if o.order_type == "LIQUIDATION" else o.order_type,
        "ps": o.position_side,
        "cp": False,
        "rp": _money8(o.realized_pnl),
        "pP": False,
        "si": 0,
        "ss": 0,
        "V": o.stp_mode,
        "pm": "NONE",
        "gtd": o.good_till_date,
        "er": str(o.expire_reason),
    }


def _algo(a: AlgoUpdate) -> dict[str, Any]:
    """``o`` of ALGO_UPDATE in the captured order (reference §4.5) [obs TR-GATE0]: ``caid, aid, at, o,
    s, S, ps, f, q, X, ai, tp, p, V, wt, pm, cp, pP, R, tt, gtd, ia``. Once the trigger has placed
    its order, ``ap``, ``aq`` and ``act`` follow ``ai`` as the doc example places them (the doc:
    "only display when order is triggered") [doc Event-Algo-Order-Update]."""
    body: dict[str, Any] = {
        "caid": a.client_algo_id,
        "aid": a.algo_id,
        "at": "CONDITIONAL",
        "o": a.order_type,
        "s": a.symbol,
        "S": a.side,
        "ps": a.position_side,
        "f": a.time_in_force,
        "q": _number(a.quantity),
        "X": a.status,
        "ai": a.actual_order_id,
    }
    if a.actual_order_id:
        body["ap"] = fixed(a.avg_price, 5)
        body["aq"] = _number(a.executed_qty)
        body["act"] = a.actual_type
    body.update(
        {
            "tp": _number(a.trigger_price),
            "p": _number(a.price),
            "V": "EXPIRE_MAKER",
            "wt": a.working_type,
            "pm": "NONE",
            "cp": a.close_position,
            "pP": a.price_protect,
            "R": a.reduce_only,
            "tt": a.trigger_time,
            "gtd": 0,
            "ia": False,
        }
    )
    return body


def _trade_lite(t: TradeLite, time_ms: int) -> dict[str, Any]:
    """``TRADE_LITE`` in the observed order: ``e, E, T, s, q, p, m, c, S, L, l, t, i`` [obs SW-BTC].

    Every price and quantity at the symbol's precision, a MARKET order's zero price too:
    ``"q":"0.002","p":"0.00","L":"90853.20"`` (BTCUSDT) [obs SW-BTC], ``"q":"0.10","p":"0.0000",
    "L":"80.1900","l":"0.10"`` (SOLUSDT) [obs CPP-SOL]."""
    return {
        "e": t.type,
        "E": time_ms,
        "T": time_ms,
        "s": t.symbol,
        "q": _lite(t.orig_qty, t.quantity_places),
        "p": _lite(t.price, t.price_places),
        "m": t.maker,
        "c": t.client_order_id,
        "S": t.side,
        "L": _lite(t.last_filled_price, t.price_places),
        "l": _lite(t.last_filled_qty, t.quantity_places),
        "t": t.trade_id,
        "i": t.order_id,
    }


def _margin_call(event: MarginCall, time_ms: int) -> dict[str, Any]:
    """``MARGIN_CALL`` as the doc prints it: ``{"e","E","cw","p":[{"s","ps","pa","mt","iw","mp","up","mm"}]}``,
    no ``T``, ``mt`` uppercase; ``cw`` only for a crossed call (reference §3.6, assumed for isolated)."""
    data: dict[str, Any] = {"e": event.type, "E": time_ms}
    if event.cross_wallet is not None:
        data["cw"] = _number(event.cross_wallet)
    data["p"] = [
        {
            "s": p.symbol,
            "ps": p.position_side,
            "pa": _number(p.position_amt),
            "mt": p.margin_type,
            "iw": _number(p.isolated_wallet),
            "mp": _number(p.mark_price),
            "up": _number(p.unrealized_pnl),
            "mm": _number(p.maint_margin),
        }
        for p in event.positions
    ]
    return data


def _lite(value: Decimal, digits: int | None) -> str:
    return _number(value) if digits is None else fixed(value, digits)


def expired(listen_key: str, time_ms: int) -> dict[str, Any]:
    """``listenKeyExpired`` [doc LKE]: also sent when a key runs out by the clock (no outbox row)."""
    return {"e": ListenKeyExpired.type, "E": str(time_ms), "listenKey": listen_key}


def encode(data: dict[str, Any], stream: str | None = None) -> str:
    """The text of a frame; wrapped ``{"stream","data"}`` when sent on a combined stream."""
    body = data if stream is None else {"stream": stream, "data": data}
    return orjson.dumps(body).decode()
