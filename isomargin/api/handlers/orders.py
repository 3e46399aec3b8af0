"""``POST /fapi/v1/order`` and ``/order/test``: the parser and the answers [doc NO][doc NOT].

Shapes in the field order the real server sends (binance-usdm-trading-reference.md §1.2, not the
doc's order). The 2026 placement shape has no ``avgPrice``/``cumQuote`` [obs CN-AAPL]; the 2024
one has both [obs RU-ACH][obs PY-BTC] (``isomargin serve --order-response 2024``). Decimal formats as observed:
prices padded to ``pricePrecision``, quantities to ``quantityPrecision``, a zero ``avgPrice``
``"0.00"``, ``cumQuote`` and a filled ``avgPrice`` to max(5, pricePrecision) decimals (assumed
rule fitting "0.00000" BTC, "0.0000000" ACH, "3057.89000", "21.40523").
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode

import orjson

from isomargin import errors
from isomargin.api.params import Params
from isomargin.domain.orders import CONDITIONAL_TYPES, OrderSide, OrderType, ResponseType, TimeInForce
from isomargin.domain.position import PositionSide
from isomargin.money import fixed
from isomargin.service.orders import MAX_BATCH, BatchItem, NewOrder, OrderRow, PlacedOrder, TestedOrder
from isomargin.symbols import SymbolSpec

#: "unique among open orders", 1 to 36 of these characters [doc NO]
CLIENT_ORDER_ID_RANGE = "^[\\.A-Z\\:/a-z0-9_-]{1,36}$"
CLIENT_ORDER_ID_RE = re.compile(r"[.A-Z:/a-z0-9_-]{1,36}")
MAX_CLIENT_ORDER_ID = 36
E = TypeVar("E", bound=StrEnum)
_ZERO = Decimal(0)


def coded_enum(
    params: Params, name: str, enum: type[E], error: errors.ErrorSpec, *, mandatory: bool = True
) -> E | None:
    """An order enum whose bad value has its own documented code (side -1117, type -1116,
    timeInForce -1115, newOrderRespType -1136 [doc EC]); missing or empty is -1102 as for any
    parameter (``Params.string``)."""
    value = params.string(name, mandatory=mandatory)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        raise error.error() from None


def parse_new_order(params: Params) -> NewOrder:
    symbol = params.symbol()
    side = coded_enum(params, "side", OrderSide, errors.INVALID_SIDE)
    raw_type = params.raw("type")
    if raw_type in CONDITIONAL_TYPES:  # moved to the Algo Order API on 2025-12-09 [doc CL]
        raise errors.STOP_ORDER_SWITCH_ALGO.error()
    order_type = coded_enum(params, "type", OrderType, errors.INVALID_ORDER_TYPE)
    limit = order_type is OrderType.LIMIT
    position_side = params.enum("positionSide", PositionSide, mandatory=False)
    time_in_force = coded_enum(params, "timeInForce", TimeInForce, errors.INVALID_TIME_IN_FORCE, mandatory=limit)
    quantity = params.decimal("quantity")
    # MARKET ignores a price it is sent (assumed: the real answer is not recorded)
    price = params.decimal("price") if limit else None
    reduce_only = params.boolean("reduceOnly", mandatory=False)
    client_order_id = params.string("newClientOrderId", mandatory=False)
    if client_order_id is not None:
        if len(client_order_id) > MAX_CLIENT_ORDER_ID:  # 36 accepted, 40 refused [obs TR-GATE0]
            raise errors.INVALID_CL_ORD_ID_LEN.error()
        if not CLIENT_ORDER_ID_RE.fullmatch(client_order_id):
            raise errors.ILLEGAL_CHARS.error("newClientOrderId", CLIENT_ORDER_ID_RANGE)
    response_type = coded_enum(
        params, "newOrderRespType", ResponseType, errors.INVALID_NEW_ORDER_RESP_TYPE, mandatory=False
    )
    good_till_date = params.integer("goodTillDate", mandatory=False) if time_in_force is TimeInForce.GTD else None
    assert symbol is not None and side is not None and order_type is not None and quantity is not None
    return NewOrder(
        symbol=symbol,
        side=side,
        type=order_type,
        quantity=quantity,
        price=price,
        time_in_force=time_in_force or TimeInForce.GTC,
        position_side=position_side,
        reduce_only=reduce_only,
        client_order_id=client_order_id,
        response_type=response_type or ResponseType.ACK,
        good_till_date=good_till_date or 0,
    )


def _wide(spec: SymbolSpec) -> int:
    return max(5, spec.price_precision)


def order_fields(spec: SymbolSpec, order: OrderRow, *, acknowledged: bool, profile_2024: bool) -> dict[str, object]:
    """A placement or cancel answer. ``acknowledged``: the ACK view (status NEW, nothing filled
    yet, as a MARKET ACK shows although the order filled at once [obs RU-ACH])."""
    qp = spec.quantity_precision
    executed = _ZERO if acknowledged else order.executed_qty
    body: dict[str, object] = {
        "orderId": order.id,
        "symbol": order.symbol,
        "status": "NEW" if acknowledged else order.status,
        "clientOrderId": order.client_order_id,
        "price": fixed(order.price, spec.price_precision),
    }
    if profile_2024:
        avg = _ZERO if acknowledged or order.executed_qty == 0 else order.cum_quote / order.executed_qty
        body["avgPrice"] = fixed(avg, _wide(spec)) if avg else "0.00"
    body["origQty"] = fixed(order.orig_qty, qp)
    body["executedQty"] = fixed(executed, qp)
    body["cumQty"] = fixed(executed, qp)
    if profile_2024:
        body["cumQuote"] = fixed(_ZERO if acknowledged else order.cum_quote, _wide(spec))
    body.update(_tail(spec, order))
    body["updateTime"] = order.time if acknowledged else order.update_time
    return body


def _tail(spec: SymbolSpec, order: OrderRow) -> dict[str, object]:
    return {
        "timeInForce": order.time_in_force,
        "type": order.type,
        "reduceOnly": order.reduce_only,
        "closePosition": False,
        "side": order.side,
        "positionSide": order.position_side,
        "stopPrice": fixed(_ZERO, spec.price_precision),
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": order.type,
        "priceMatch": "NONE",
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "goodTillDate": order.good_till_date,
    }


def new_order(req: NewOrder, placed: PlacedOrder) -> object:
    return placed_answer(placed)


def placed_answer(placed: PlacedOrder) -> dict[str, object]:
    # RESULT: the final state of a MARKET order, and of a LIMIT IOC/FOK; a resting one stays NEW [doc NO]
    acknowledged = placed.response_type is ResponseType.ACK
    return order_fields(placed.spec, placed.order, acknowledged=acknowledged, profile_2024=placed.profile_2024)


def test_order(req: NewOrder, tested: TestedOrder) -> object:
    """``order/test``: the placement shape with nothing in it — observed ``{"orderId":0,"symbol":"",
    "status":"", …}`` (abbreviated by the reporter [obs CN-AAPL]; the rest of the body assumed)."""
    return {
        "orderId": 0,
        "symbol": "",
        "status": "",
        "clientOrderId": "",
        "price": "0",
        "origQty": "0",
        "executedQty": "0",
        "cumQty": "0",
        "timeInForce": "",
        "type": "",
        "reduceOnly": False,
        "closePosition": False,
        "side": "",
        "positionSide": "",
        "stopPrice": "0",
        "workingType": "",
        "priceProtect": False,
        "origType": "",
        "priceMatch": "",
        "selfTradePreventionMode": "",
        "goodTillDate": 0,
        "updateTime": 0,
    }


def parse_batch(params: Params) -> tuple[BatchItem, ...]:
    """``batchOrders``: a JSON array of up to 5 order objects with string values [doc NO-BATCH].

    An item's parameter errors are its own answer (the batch goes on); a batch that is not a JSON
    array of objects, or has more than 5, is -1130 for ``batchOrders`` (assumed).
    """
    raw = params.string("batchOrders")
    assert raw is not None
    try:
        items = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise errors.INVALID_PARAMETER.error("batchOrders") from None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH or not all(isinstance(i, dict) for i in items):
        raise errors.INVALID_PARAMETER.error("batchOrders")
    parsed = []
    for item in items:
        try:
            fields = {str(k): v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in item.items()}
            parsed.append(BatchItem(parse_new_order(Params(b"", urlencode(fields).encode())), None))
        except errors.ApiError as exc:
            parsed.append(BatchItem(None, exc))
    return tuple(parsed)


def batch_orders(req: tuple[BatchItem, ...], results: list[PlacedOrder | errors.ApiError]) -> object:
    """Each order's placement answer, or its ``{"code","msg"}``, in the batch's order [doc NO-BATCH]."""
    return [r.body() if isinstance(r, errors.ApiError) else placed_answer(r) for r in results]
