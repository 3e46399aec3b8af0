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
    assert isinstance(event, ListenKeyExpired)
    return expired(event.listen_key, time_ms)


def _money8(value: Decimal) -> str:
    """Fees and realized PnL: "0" when zero, else 8 decimals ("0.09085320", "-1.77340000") [obs SW-BTC]."""
    return "0" if value == 0 else fixed(value, 8)


def _order(o: OrderTradeUpdate) -> dict[str, Any]:
    """``o`` of ORDER_TRADE_UPDATE in the observed wire order (reference §4.3) [obs SW-BTC][obs CPP-SOL].

    Zero values are "0" as in a NEW frame; a filled ``ap`` has 5 decimals ("90853.20000"). Prices
    are not padded to the symbol's precision (``L`` "90853.20" on the wire): the event does not
    carry it (assumed)."""
    return {
        "s": o.symbol,
        "c": o.client_order_id,
        "S": o.side,
        "o": o.order_type,
        "f": o.time_in_force,
        "q": _number(o.orig_qty),
        "p": _number(o.price),
        "ap": "0" if o.avg_price == 0 else fixed(o.avg_price, 5),
        "sp": "0",
        "x": o.execution_type,
        "X": o.order_status,
        "i": o.order_id,
        "l": _number(o.last_filled_qty),
        "z": _number(o.cumulative_filled_qty),
        "L": _number(o.last_filled_price),
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


def _trade_lite(t: TradeLite, time_ms: int) -> dict[str, Any]:
    """``TRADE_LITE`` in the observed order: ``e, E, T, s, q, p, m, c, S, L, l, t, i`` [obs SW-BTC]."""
    return {
        "e": t.type,
        "E": time_ms,
        "T": time_ms,
        "s": t.symbol,
        "q": _number(t.orig_qty),
        "p": _number(t.price),
        "m": t.maker,
        "c": t.client_order_id,
        "S": t.side,
        "L": _number(t.last_filled_price),
        "l": _number(t.last_filled_qty),
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


def expired(listen_key: str, time_ms: int) -> dict[str, Any]:
    """``listenKeyExpired`` [doc LKE]: also sent when a key runs out by the clock (no outbox row)."""
    return {"e": ListenKeyExpired.type, "E": str(time_ms), "listenKey": listen_key}


def encode(data: dict[str, Any], stream: str | None = None) -> str:
    """The text of a frame; wrapped ``{"stream","data"}`` when sent on a combined stream."""
    body = data if stream is None else {"stream": stream, "data": data}
    return orjson.dumps(body).decode()
