"""What a state change tells the world: typed events, computed where the change happens.

Each use case appends these to the outbox in its own transaction (``store.outbox``); after commit
they are handed to subscribers (the user-data stream, the dashboard's live view). An event carries
every value Binance's frame needs, so nothing has to be re-read later — by then the state may have
moved on. Field meanings follow binance-usdm-trading-reference.md §4.4–§4.5 and Binance's
user-data-stream pages [doc AU][doc ACU]; the wire rendering (``"wb"``, ``"cw"``, key order,
string formats) belongs to the stream, not here.

Payloads are plain dicts of strings, numbers and lists, so they survive JSON in the outbox table
exactly: decimals travel as their exact decimal strings. Their keys are the short names of Binance's
frames (``wb``, ``cw``, ``iw``…, reference §4.4): every event of every change is written, so a third of
the bytes saved is worth it (measured: the outbox INSERT ~2 µs cheaper than with long names), and the
names read the same as the wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from enum import StrEnum
from typing import Any

from isomargin.domain.value import value


class AccountUpdateReason(StrEnum):
    """``ACCOUNT_UPDATE``'s ``m``: the reasons Binance documents [doc AU] that isomargin emits."""

    DEPOSIT = "DEPOSIT"
    WITHDRAW = "WITHDRAW"
    ORDER = "ORDER"
    FUNDING_FEE = "FUNDING_FEE"
    INSURANCE_CLEAR = "INSURANCE_CLEAR"
    MARGIN_TRANSFER = "MARGIN_TRANSFER"
    MARGIN_TYPE_CHANGE = "MARGIN_TYPE_CHANGE"


@value
class BalanceUpdate:
    """One ``B`` row: the asset's wallet balance (cross + isolated), cross wallet, and change."""

    asset: str
    wallet_balance: Decimal
    cross_wallet: Decimal
    #: ``bc``: "Balance Change except PnL and Commission" [doc AU] — deposits and withdrawals
    balance_change: Decimal


@value
class PositionUpdate:
    """One ``P`` row: a position as it stands after the change."""

    symbol: str
    position_amt: Decimal
    entry_price: Decimal
    #: ``cr``: pre-fee accumulated realized PnL of the symbol and side (reference §2.3)
    accumulated_realized: Decimal
    unrealized_pnl: Decimal
    margin_type: str  # ISOLATED | CROSSED
    isolated_wallet: Decimal
    position_side: str
    break_even_price: Decimal


@value
class AccountUpdate:
    """``ACCOUNT_UPDATE``: balances and only the positions that changed [doc AU]."""

    reason: AccountUpdateReason
    balances: tuple[BalanceUpdate, ...]
    positions: tuple[PositionUpdate, ...] = ()
    #: ``a.S``: the symbol of a FUNDING_FEE event (reference §4.4)
    funding_symbol: str | None = None

    type = "ACCOUNT_UPDATE"


@value
class AccountConfigUpdate:
    """``ACCOUNT_CONFIG_UPDATE`` for a leverage change: ``{"ac": {"s": symbol, "l": leverage}}`` [doc ACU]."""

    symbol: str
    leverage: int

    type = "ACCOUNT_CONFIG_UPDATE"


@value
class OrderTradeUpdate:
    """``ORDER_TRADE_UPDATE``: one step of an order — NEW, TRADE, CANCELED, EXPIRED [doc OU].

    Every value of the frame's ``o`` object (reference §4.3), unformatted: the stream writes ``ap``
    with 5 decimals and, for a fill's step (``price_places``/``quantity_places`` set), ``L`` at the
    symbol's price precision and ``q``/``l``/``z`` at its quantity precision. A NEW step has zero
    fill values and ``trade_id`` 0; a TRADE step carries the fill (``t`` = the userTrades ``id``).
    ``bids_notional``/``asks_notional`` are the account's open BUY/SELL order notional on the
    symbol after the step.
    """

    symbol: str
    client_order_id: str
    side: str
    order_type: str
    time_in_force: str
    orig_qty: Decimal
    price: Decimal
    avg_price: Decimal
    execution_type: str  # x: NEW | TRADE | CANCELED | EXPIRED
    order_status: str  # X
    order_id: int
    last_filled_qty: Decimal
    cumulative_filled_qty: Decimal
    last_filled_price: Decimal
    commission: Decimal
    commission_asset: str
    trade_time: int
    trade_id: int
    bids_notional: Decimal
    asks_notional: Decimal
    maker: bool
    reduce_only: bool
    position_side: str
    realized_pnl: Decimal
    stp_mode: str
    good_till_date: int
    expire_reason: int = 0
    #: padding of a fill's prices and quantities (None: written without trailing zeros)
    price_places: int | None = None
    quantity_places: int | None = None

    type = "ORDER_TRADE_UPDATE"


@value
class TradeLite:
    """``TRADE_LITE``: the short fill notice sent before the fill's ORDER_TRADE_UPDATE [doc TL]."""

    symbol: str
    orig_qty: Decimal
    price: Decimal  # the order's price: 0 for a MARKET order
    maker: bool
    client_order_id: str
    side: str
    last_filled_price: Decimal
    last_filled_qty: Decimal
    trade_id: int
    order_id: int
    #: the symbol's price and quantity precision: every TRADE_LITE price and quantity is padded [obs]
    price_places: int | None = None
    quantity_places: int | None = None

    type = "TRADE_LITE"


@value
class AlgoUpdate:
    """``ALGO_UPDATE``: a conditional order's step — NEW, CANCELED, TRIGGERED, FINISHED, REJECTED,
    EXPIRED [doc Event-Algo-Order-Update][obs TR-GATE0 for the NEW frame]. ``actual_order_id`` is ""
    until the trigger places its order; the fill values are those of that order."""

    client_algo_id: str
    algo_id: int
    order_type: str
    symbol: str
    side: str
    position_side: str
    time_in_force: str
    quantity: Decimal
    status: str
    actual_order_id: str
    avg_price: Decimal
    executed_qty: Decimal
    actual_type: str
    trigger_price: Decimal
    price: Decimal
    working_type: str
    close_position: bool
    price_protect: bool
    reduce_only: bool
    trigger_time: int

    type = "ALGO_UPDATE"


_FLAT_EVENTS: dict[str, type[OrderTradeUpdate] | type[TradeLite] | type[AlgoUpdate]] = {
    OrderTradeUpdate.type: OrderTradeUpdate,
    TradeLite.type: TradeLite,
    AlgoUpdate.type: AlgoUpdate,
}
#: each field's key in the frame (reference §4.3, §4.5), as the payloads of every event use them
_FRAME_KEYS: dict[type, dict[str, str]] = {
    OrderTradeUpdate: {
        "symbol": "s",
        "client_order_id": "c",
        "side": "S",
        "order_type": "o",
        "time_in_force": "f",
        "orig_qty": "q",
        "price": "p",
        "avg_price": "ap",
        "execution_type": "x",
        "order_status": "X",
        "order_id": "i",
        "last_filled_qty": "l",
        "cumulative_filled_qty": "z",
        "last_filled_price": "L",
        "commission": "n",
        "commission_asset": "N",
        "trade_time": "T",
        "trade_id": "t",
        "bids_notional": "b",
        "asks_notional": "a",
        "maker": "m",
        "reduce_only": "R",
        "position_side": "ps",
        "realized_pnl": "rp",
        "stp_mode": "V",
        "good_till_date": "gtd",
        "expire_reason": "er",
        "price_places": "_pp",  # not a frame key: how the frame pads (read by the stream)
        "quantity_places": "_qp",
    },
    AlgoUpdate: {
        "client_algo_id": "caid",
        "algo_id": "aid",
        "order_type": "o",
        "symbol": "s",
        "side": "S",
        "position_side": "ps",
        "time_in_force": "f",
        "quantity": "q",
        "status": "X",
        "actual_order_id": "ai",
        "avg_price": "ap",
        "executed_qty": "aq",
        "actual_type": "act",
        "trigger_price": "tp",
        "price": "p",
        "working_type": "wt",
        "close_position": "cp",
        "price_protect": "pP",
        "reduce_only": "R",
        "trigger_time": "tt",
    },
    TradeLite: {
        "symbol": "s",
        "orig_qty": "q",
        "price": "p",
        "maker": "m",
        "client_order_id": "c",
        "side": "S",
        "last_filled_price": "L",
        "last_filled_qty": "l",
        "trade_id": "t",
        "order_id": "i",
        "price_places": "_pp",
        "quantity_places": "_qp",
    },
}


@value
class ListenKeyExpired:
    """``listenKeyExpired``: the account's listenKey was closed (DELETE); no more events on it [doc LKE]."""

    listen_key: str

    type = "listenKeyExpired"


@value
class MarginCallPosition:
    """One ``p`` row of MARGIN_CALL [doc MC]: the position at the mark that called it."""

    symbol: str
    position_side: str
    position_amt: Decimal
    margin_type: str  # ISOLATED | CROSSED (uppercase in this frame, unlike ACCOUNT_UPDATE's)
    isolated_wallet: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal
    maint_margin: Decimal


@value
class MarginCall:
    """``MARGIN_CALL``: a position's margin ratio reached the threshold (issue 12, reference §3.6).

    ``cross_wallet`` is sent only for a crossed margin call (``cw``; omitted for isolated, assumed).
    """

    cross_wallet: Decimal | None
    positions: tuple[MarginCallPosition, ...]

    type = "MARGIN_CALL"


Event = AccountUpdate | AccountConfigUpdate | OrderTradeUpdate | TradeLite | ListenKeyExpired | MarginCall | AlgoUpdate

_CALL_KEYS = {
    "symbol": "s",
    "position_side": "ps",
    "position_amt": "pa",
    "margin_type": "mt",
    "isolated_wallet": "iw",
    "mark_price": "mp",
    "unrealized_pnl": "up",
    "maint_margin": "mm",
}


def _plain(v: object) -> object:
    return str(v) if isinstance(v, Decimal) else v


def to_payload(event: Event) -> dict[str, Any]:
    """The event as a JSON-safe dict (decimals as exact strings, keys as in Binance's frames)."""
    if isinstance(event, AccountUpdate):  # first: every change writes one
        return _account_update_payload(event)
    if isinstance(event, AccountConfigUpdate):
        return {"s": event.symbol, "l": event.leverage}
    if isinstance(event, ListenKeyExpired):
        return {"listenKey": event.listen_key}
    if isinstance(event, MarginCall):
        rows = [{key: _plain(getattr(p, name)) for name, key in _CALL_KEYS.items()} for p in event.positions]
        return {"cw": None if event.cross_wallet is None else str(event.cross_wallet), "p": rows}
    # flat events: each field under its frame key (getattr, not asdict(), which deep-copies)
    keys = _FRAME_KEYS[type(event)]
    payload = {}
    for name, key in keys.items():
        v = getattr(event, name)
        payload[key] = str(v) if isinstance(v, Decimal) else v
    return payload


def _account_update_payload(event: AccountUpdate) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "m": event.reason._value_,  # .value's str, without enum's Python-level property call
        "B": [
            {"a": b.asset, "wb": str(b.wallet_balance), "cw": str(b.cross_wallet), "bc": str(b.balance_change)}
            for b in event.balances
        ],
        "P": [
            {
                "s": p.symbol,
                "pa": str(p.position_amt),
                "ep": str(p.entry_price),
                "cr": str(p.accumulated_realized),
                "up": str(p.unrealized_pnl),
                "mt": p.margin_type,
                "iw": str(p.isolated_wallet),
                "ps": p.position_side,
                "bep": str(p.break_even_price),
            }
            for p in event.positions
        ],
    }
    if event.funding_symbol is not None:
        payload["S"] = event.funding_symbol
    return payload


def from_payload(event_type: str, payload: Mapping[str, Any]) -> Event:
    """The typed event back from :func:`to_payload`'s dict (ValueError for an unknown type)."""
    if event_type == AccountConfigUpdate.type:
        return AccountConfigUpdate(str(payload["s"]), int(payload["l"]))
    flat = _FLAT_EVENTS.get(event_type)
    if flat is not None:
        keys = _FRAME_KEYS[flat]
        # field annotations are strings (postponed evaluation): "Decimal" marks the decimals; a
        # field with a default may be absent from an event written before it existed
        values: dict[str, Any] = {
            f.name: Decimal(payload[keys[f.name]]) if f.type == "Decimal" else payload[keys[f.name]]
            for f in fields(flat)
            if keys[f.name] in payload
        }
        return flat(**values)
    if event_type == ListenKeyExpired.type:
        return ListenKeyExpired(str(payload["listenKey"]))
    if event_type == MarginCall.type:
        return MarginCall(
            None if payload["cw"] is None else Decimal(payload["cw"]),
            tuple(
                MarginCallPosition(
                    symbol=row["s"],
                    position_side=row["ps"],
                    position_amt=Decimal(row["pa"]),
                    margin_type=row["mt"],
                    isolated_wallet=Decimal(row["iw"]),
                    mark_price=Decimal(row["mp"]),
                    unrealized_pnl=Decimal(row["up"]),
                    maint_margin=Decimal(row["mm"]),
                )
                for row in payload["p"]
            ),
        )
    if event_type != AccountUpdate.type:
        raise ValueError(f"unknown event type {event_type!r}")
    return AccountUpdate(
        reason=AccountUpdateReason(payload["m"]),
        balances=tuple(
            BalanceUpdate(b["a"], Decimal(b["wb"]), Decimal(b["cw"]), Decimal(b["bc"])) for b in payload["B"]
        ),
        positions=tuple(
            PositionUpdate(
                symbol=p["s"],
                position_amt=Decimal(p["pa"]),
                entry_price=Decimal(p["ep"]),
                accumulated_realized=Decimal(p["cr"]),
                unrealized_pnl=Decimal(p["up"]),
                margin_type=p["mt"],
                isolated_wallet=Decimal(p["iw"]),
                position_side=p["ps"],
                break_even_price=Decimal(p["bep"]),
            )
            for p in payload["P"]
        ),
        funding_symbol=payload.get("S"),
    )
