"""Positions and their settings: positionRisk, margin type, position mode, leverage.

``GET /fapi/v2/positionRisk`` [PR2] and ``/fapi/v3/positionRisk`` [PR3], ``POST /fapi/v1/marginType``
[MT], ``POST /fapi/v1/positionSide/dual`` [PSD], ``POST /fapi/v1/leverage`` [LEV]; reference §4.2–§4.5.
"""

from __future__ import annotations

from isomargin.api.params import Params
from isomargin.api.render import position_risk_v2
from isomargin.api.render_account import position_risk_v3
from isomargin.money import decimal_string
from isomargin.service.account_settings import LeverageChange, MarginType, SetLeverage, SetMarginType, SetPositionMode
from isomargin.service.positions import PositionView
from isomargin.service.reads import SymbolQuery

#: The reply of marginType and positionSide/dual [MT][PSD].
SUCCESS = {"code": 200, "msg": "success"}


def position_risk_v2_rows(req: SymbolQuery, views: list[PositionView]) -> object:
    """Every symbol (or the one asked for), one row per side the mode has, empty rows included:
    one-way BOTH, hedge LONG and SHORT — as the doc's hedge example shows an empty SHORT row [PR2]."""
    return [position_risk_v2(v) for v in views]


def position_risk_v3_rows(req: SymbolQuery, views: list[PositionView]) -> object:
    """Only sides holding a position: v3 "only returns symbols that have positions or open orders" [PR3];
    the doc's hedge example lists single legs, so an empty leg of an open symbol is left out too
    (assumed from that example)."""
    return [position_risk_v3(v) for v in views]


def parse_margin_type(params: Params) -> SetMarginType:
    symbol = params.symbol()
    # A value other than ISOLATED/CROSSED, "isolated" included: -1102 naming 'margintype', as
    # observed (Params.enum).
    margin_type = params.enum("marginType", MarginType)
    assert symbol is not None and margin_type is not None
    return SetMarginType(symbol, margin_type)


def change_margin_type(req: SetMarginType, res: None) -> object:
    return SUCCESS


def parse_position_mode(params: Params) -> SetPositionMode:
    # "true" / "false" in any case; anything else -1102 naming 'dualsideposition' (Params.boolean).
    dual = params.boolean("dualSidePosition")
    assert dual is not None
    return SetPositionMode(dual)


def change_position_mode(req: SetPositionMode, res: None) -> object:
    return SUCCESS


def parse_leverage(params: Params) -> SetLeverage:
    symbol = params.symbol()
    # Not an integer (e.g. "5.0"): -1102 "Mandatory parameter 'leverage' …", as observed on this
    # endpoint [obs I16031].
    leverage = params.integer("leverage")
    assert symbol is not None and leverage is not None
    return SetLeverage(symbol, leverage)


def change_leverage(req: SetLeverage, change: LeverageChange) -> object:
    """``{"symbol":"BTCUSDT","leverage":20,"maxNotionalValue":"250000"}``: string, int, string [LEV],
    in the order of a real printed answer (index id 9609190265; the same order in a 2023 client
    docstring, index id 18289145083), not the doc example's alphabetical one (audit #17)."""
    return {
        "symbol": change.symbol,
        "leverage": change.leverage,
        "maxNotionalValue": decimal_string(change.max_notional),
    }
