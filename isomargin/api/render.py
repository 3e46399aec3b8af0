"""Binance's JSON shapes, built from read models. camelCase lives only here and in handlers.

JSON types follow the official SDK's models [SDK]: decimal strings where Binance sends strings,
numbers where it sends numbers.
"""

from __future__ import annotations

from decimal import Decimal

from isomargin.money import decimal_string, fixed
from isomargin.service.positions import PositionView


def margin_type_lower(margin_type: str) -> str:
    """positionRisk v2 spells margin types ``isolated``/``cross`` [PR2]."""
    return "isolated" if margin_type == "ISOLATED" else "cross"


def price(value: Decimal) -> str:
    return "0" if value == 0 else fixed(value, 8)


def position_risk_v2(view: PositionView) -> dict[str, object]:
    """One row of ``GET /fapi/v2/positionRisk`` [PR2]."""
    return {
        "symbol": view.symbol,
        "positionAmt": fixed(view.position_amt, view.spec.quantity_precision),
        "entryPrice": decimal_string(view.entry_price) if view.entry_price else "0.0",
        "breakEvenPrice": decimal_string(view.entry_price) if view.entry_price else "0.0",
        "markPrice": fixed(view.mark_price, 8),
        "unRealizedProfit": fixed(view.unrealized_pnl, 8),
        "liquidationPrice": price(view.liquidation_price),
        "leverage": str(view.leverage),
        "maxNotionalValue": decimal_string(view.max_notional),
        "marginType": margin_type_lower(view.margin_type),
        "isolatedMargin": fixed(view.isolated_margin, 8),
        "isAutoAddMargin": "false",
        "positionSide": view.position_side.value,
        "notional": decimal_string(view.notional),
        "isolatedWallet": decimal_string(view.isolated_wallet),
        "updateTime": view.update_time,
    }
