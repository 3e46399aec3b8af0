"""``GET /fapi/v1/forceOrders`` (reference §3.4): parse and render.

Row shape and field order as the doc prints it [doc FO]: ``orderId, symbol, status,
clientOrderId, price, avgPrice, origQty, executedQty, cumQuote, timeInForce, type, reduceOnly,
closePosition, side, positionSide, stopPrice, workingType, origType, time, updateTime`` — avgPrice
with 5 decimals (``"10913.21000"``), cumQuote unpadded (``"10.91321"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from isomargin import errors
from isomargin.api.params import Params
from isomargin.money import decimal_string, fixed
from isomargin.service.force_orders import AutoCloseType, ForceOrderQuery
from isomargin.service.order_queries import OrderView

#: limit: "Default 50, max 100" [doc FO]
DEFAULT_LIMIT, MAX_LIMIT = 50, 100


def force_orders_weight(params: Params) -> int:
    """20 with a symbol, 50 without [doc FO]."""
    return 20 if params.raw("symbol") else 50


def parse_force_orders(params: Params) -> ForceOrderQuery:
    limit = params.integer("limit", mandatory=False)
    if limit is not None and not 1 <= limit <= MAX_LIMIT:  # outside [1, max]: -1130 (assumed)
        raise errors.INVALID_PARAMETER.error("limit")
    return ForceOrderQuery(
        params.symbol(mandatory=False),
        params.enum("autoCloseType", AutoCloseType, mandatory=False),
        params.integer("startTime", mandatory=False),
        params.integer("endTime", mandatory=False),
        DEFAULT_LIMIT if limit is None else limit,
    )


def force_orders(req: ForceOrderQuery, views: Sequence[OrderView]) -> object:
    rows = []
    for view in views:
        spec, order = view.spec, view.order
        average = order.cum_quote / order.executed_qty if order.executed_qty else Decimal(0)
        rows.append(
            {
                "orderId": order.id,
                "symbol": order.symbol,
                "status": order.status,
                "clientOrderId": order.client_order_id,
                "price": fixed(order.price, spec.price_precision),
                "avgPrice": fixed(average, 5) if average else "0",
                "origQty": fixed(order.orig_qty, spec.quantity_precision),
                "executedQty": fixed(order.executed_qty, spec.quantity_precision),
                "cumQuote": decimal_string(order.cum_quote),
                "timeInForce": order.time_in_force,
                "type": order.type,
                "reduceOnly": order.reduce_only,
                "closePosition": False,
                "side": order.side,
                "positionSide": order.position_side,
                "stopPrice": "0",
                "workingType": "CONTRACT_PRICE",
                "origType": order.type,
                "time": order.time,
                "updateTime": order.update_time,
            }
        )
    return rows
