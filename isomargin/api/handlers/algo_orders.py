"""``/fapi/v1/algoOrder``, ``algoOpenOrders``, ``openAlgoOrders``, ``allAlgoOrders``: parsers and answers.

Shapes and field order as a testnet recording of one STOP_MARKET's placement, query, listing and
cancel showed them (Ozakboy.TradeKit.Binance, 2026-09-14; tests/parity/snapshots/algoOrder-*.json),
which the doc pages (New / Query / Cancel Algo Order) and the official SDK's models
(``current_all_algo_open_orders_response_inner``, ``cancel_algo_order_response``) print with more
fields: ``algoId`` a number, prices and quantities strings padded to the symbol's precision
(``"74457.10"``, ``"0.00"``), ``icebergQuantity`` null, ``actualOrderId`` a string ("" until
triggered); openAlgoOrders writes its numbers as Java doubles do (``"7.0E-4"``, ``"0.0"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from isomargin import errors
from isomargin.api.handlers.orders import CLIENT_ORDER_ID_RANGE, CLIENT_ORDER_ID_RE, MAX_CLIENT_ORDER_ID, coded_enum
from isomargin.api.params import Params
from isomargin.api.render import java_double_string
from isomargin.domain.algo import AlgoOrderType, WorkingType, valid_callback_rate
from isomargin.domain.orders import OrderSide, TimeInForce
from isomargin.domain.position import PositionSide
from isomargin.money import fixed
from isomargin.service.algo_orders import AlgoList, AlgoRef, AlgoView, NewAlgoOrder

#: "Only support CONDITIONAL" [doc New-Algo-Order]
ALGO_TYPE = "CONDITIONAL"
#: "IOC or GTC or FOK, default GTC" [doc New-Algo-Order]
_TIME_IN_FORCE = (TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK)


def _not_required(params: Params, name: str) -> None:
    if name in params:
        raise errors.PARAM_NOT_REQUIRED.error(name)


def parse_new_algo_order(params: Params) -> NewAlgoOrder:
    algo_type = params.string("algoType")
    if algo_type != ALGO_TYPE:
        raise errors.INVALID_PARAMETER.error("algoType")  # an algoType but CONDITIONAL: -1130 (assumed)
    symbol = params.symbol()
    side = coded_enum(params, "side", OrderSide, errors.INVALID_SIDE)
    order_type = coded_enum(params, "type", AlgoOrderType, errors.INVALID_ORDER_TYPE)
    assert symbol is not None and side is not None and order_type is not None
    position_side = params.enum("positionSide", PositionSide, mandatory=False)
    time_in_force = coded_enum(params, "timeInForce", TimeInForce, errors.INVALID_TIME_IN_FORCE, mandatory=False)
    if time_in_force is not None and time_in_force not in _TIME_IN_FORCE:
        raise errors.INVALID_TIME_IN_FORCE.error()
    close_position = bool(params.boolean("closePosition", mandatory=False))
    if close_position:
        # "Cannot be sent with closePosition=true"; for STOP_MARKET / TAKE_PROFIT_MARKET [doc New-Algo-Order]
        if not order_type.may_close_position:
            raise errors.PARAM_NOT_REQUIRED.error("closePosition")
        _not_required(params, "quantity")
        _not_required(params, "reduceOnly")
    quantity = None if close_position else params.decimal("quantity")
    # a STOP / TAKE_PROFIT needs its limit price; the MARKET kinds ignore one (as /order does, assumed)
    price = None if order_type.is_market else params.decimal("price")
    trigger_price, activate_price, callback_rate = _trigger_params(params, order_type)
    working_type = params.enum("workingType", WorkingType, mandatory=False) or WorkingType.CONTRACT_PRICE
    price_protect = bool(params.boolean("priceProtect", mandatory=False))
    reduce_only = params.boolean("reduceOnly", mandatory=False)
    client_algo_id = params.string("clientAlgoId", mandatory=False)
    if client_algo_id is not None:
        if len(client_algo_id) > MAX_CLIENT_ORDER_ID:  # as newClientOrderId [obs TR-GATE0: clientAlgoId -4015]
            raise errors.INVALID_CL_ORD_ID_LEN.error()
        if not CLIENT_ORDER_ID_RE.fullmatch(client_algo_id):
            raise errors.ILLEGAL_CHARS.error("clientAlgoId", CLIENT_ORDER_ID_RANGE)
    return NewAlgoOrder(
        symbol=symbol,
        side=side,
        order_type=order_type,
        trigger_price=trigger_price,
        quantity=quantity,
        price=price,
        time_in_force=time_in_force or TimeInForce.GTC,
        working_type=working_type,
        position_side=position_side,
        reduce_only=reduce_only,
        close_position=close_position,
        price_protect=price_protect,
        client_algo_id=client_algo_id,
        activate_price=activate_price,
        callback_rate=callback_rate,
    )


def _trigger_params(params: Params, order_type: AlgoOrderType) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """``triggerPrice`` for the fixed-trigger types; ``callbackRate`` (mandatory) and
    ``activatePrice`` (optional) for TRAILING_STOP_MARKET [doc New-Algo-Order]. The parameters of
    the other kind are refused as not required (-1106, assumed)."""
    if not order_type.is_trailing:
        _not_required(params, "activatePrice")
        _not_required(params, "callbackRate")
        return params.decimal("triggerPrice"), None, None
    _not_required(params, "triggerPrice")
    callback_rate = params.decimal("callbackRate")
    assert callback_rate is not None
    if not valid_callback_rate(callback_rate):
        raise errors.INVALID_CALLBACK_RATE.error()
    return None, params.decimal("activatePrice", mandatory=False), callback_rate


def parse_algo_ref(params: Params) -> AlgoRef:
    return AlgoRef(params.integer("algoId", mandatory=False), params.string("clientAlgoId", mandatory=False))


def parse_required_symbol(params: Params) -> AlgoList:
    return AlgoList(params.symbol())


def parse_open_algo_orders(params: Params) -> AlgoList:
    algo_type = params.string("algoType", mandatory=False)
    if algo_type is not None and algo_type != ALGO_TYPE:
        raise errors.INVALID_PARAMETER.error("algoType")
    return AlgoList(params.symbol(mandatory=False), params.integer("algoId", mandatory=False))


def parse_all_algo_orders(params: Params) -> AlgoList:
    limit = params.integer("limit", mandatory=False)
    if limit is not None and not 1 <= limit <= 1000:  # default 500, max 1000 (assumed as allOrders)
        raise errors.INVALID_PARAMETER.error("limit")
    page = params.integer("page", mandatory=False)
    if page is not None and page < 1:
        raise errors.INVALID_PARAMETER.error("page")
    return AlgoList(
        params.symbol(),
        params.integer("algoId", mandatory=False),
        params.integer("startTime", mandatory=False),
        params.integer("endTime", mandatory=False),
        page or 1,
        limit or 500,
    )


def open_algo_orders_weight(params: Params) -> int:
    """1 with a symbol, 40 without, as openOrders [doc CAO] (assumed for the algo list)."""
    return 1 if params.raw("symbol") else 40


def _head(view: AlgoView) -> dict[str, object]:
    o, spec = view.order, view.spec
    return {
        "algoId": o.id,
        "clientAlgoId": o.client_algo_id,
        "algoType": ALGO_TYPE,
        "orderType": o.order_type,
        "symbol": o.symbol,
        "side": o.side,
        "positionSide": o.position_side,
        "timeInForce": o.time_in_force,
        "quantity": fixed(o.quantity, spec.quantity_precision),
        "algoStatus": o.status,
    }


def _price(view: AlgoView, value: Decimal) -> str:
    return fixed(value, view.spec.price_precision)


def _flags(view: AlgoView) -> dict[str, object]:
    o = view.order
    return {
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "workingType": o.working_type,
        "priceMatch": "NONE",
        "closePosition": o.close_position,
        "priceProtect": o.price_protect,
        "reduceOnly": o.reduce_only,
    }


def _times(view: AlgoView) -> dict[str, object]:
    o = view.order
    return {"createTime": o.create_time, "updateTime": o.update_time, "triggerTime": o.trigger_time, "goodTillDate": 0}


def _trailing(view: AlgoView) -> dict[str, object]:
    """``activatePrice`` and ``callbackRate`` of a TRAILING_STOP_MARKET, where the doc example puts
    them; the recorded STOP_MARKET placement has neither (2026-09-14), so the other types leave them
    out (a trailing order's answer is the doc's: assumed, no capture)."""
    o = view.order
    if o.callback_rate is None:
        return {}
    return {
        "activatePrice": "" if o.activate_price is None else _price(view, o.activate_price),
        # one decimal, as ORDER_TRADE_UPDATE's "cr" ("5.0") showed it [doc OU] (assumed here)
        "callbackRate": fixed(o.callback_rate, 1),
    }


def new_algo_order(req: NewAlgoOrder, view: AlgoView) -> object:
    """The New Algo Order answer, in the recorded placement's order: no actualOrderId yet."""
    o = view.order
    body = _head(view)
    body.update(
        {"triggerPrice": _price(view, o.trigger_price), "price": _price(view, o.price), "icebergQuantity": None}
    )
    body.update(_flags(view))
    body.update(_trailing(view))
    body.update(_times(view))
    return body


def queried_algo_order(view: AlgoView) -> dict[str, object]:
    """A Query Algo Order (and allAlgoOrders) row, in the recorded query's order: ``tpOrderType`` ""
    and no tp/sl prices, which the doc example prints for a TP/SL-attached order this server does not
    place (the recorded query, 2026-09-14; an XNYUSDT query of 2026-01 and an ETHUSDT openAlgoOrders
    row of 2025-12 show the same set)."""
    o = view.order
    body = _head(view)
    body.update(
        {
            "actualOrderId": "" if o.actual_order_id is None else str(o.actual_order_id),
            "actualPrice": fixed(o.actual_price, 5),
            "triggerPrice": _price(view, o.trigger_price),
            "price": _price(view, o.price),
            "icebergQuantity": None,
            "tpOrderType": "",
        }
    )
    body.update(_flags(view))
    body.update(_times(view))
    return body


def open_algo_order(view: AlgoView) -> dict[str, object]:
    """An openAlgoOrders row as recorded (testnet, 2026-09-14): the query's head, then ``actualQty``
    where the query has ``actualPrice``, no ``tpOrderType``, and quantity and prices written as Java
    doubles (``"7.0E-4"``, ``"74457.1"``, ``"0.0"``). An open algo order is NEW, never triggered: its
    actualOrderId is "" and its actualQty "0.0"."""
    o = view.order
    body = _head(view)
    body.update(
        {
            "quantity": java_double_string(o.quantity),
            "actualOrderId": "",
            "actualQty": java_double_string(Decimal(0)),
            "triggerPrice": java_double_string(o.trigger_price),
            "price": java_double_string(o.price),
            "icebergQuantity": None,
        }
    )
    body.update(_flags(view))
    body.update(_times(view))
    return body


def algo_order(req: AlgoRef, view: AlgoView) -> object:
    return queried_algo_order(view)


def open_algo_orders_list(req: AlgoList, views: Sequence[AlgoView]) -> object:
    return [open_algo_order(v) for v in views]


def algo_orders_list(req: AlgoList, views: Sequence[AlgoView]) -> object:
    """allAlgoOrders' rows: the query's shape (assumed: no capture of allAlgoOrders)."""
    return [queried_algo_order(v) for v in views]


def cancelled(req: AlgoRef, view: AlgoView) -> object:
    """``{"algoId","clientAlgoId","code":"200","msg":"success"}``, ``code`` a string, as recorded
    (testnet, 2026-09-14) and as the SDK models it [sdk cancel_algo_order_response]."""
    return {"algoId": view.order.id, "clientAlgoId": view.order.client_algo_id, "code": "200", "msg": "success"}


def all_cancelled(req: AlgoList, count: int) -> object:
    """``{"code": 200, "msg": "success"}`` as the doc example of Cancel All Algo Open Orders prints it."""
    return {"code": 200, "msg": "success"}
