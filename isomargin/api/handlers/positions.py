"""Positions and their settings: positionRisk, margin type, position mode, leverage.

``GET /fapi/v2/positionRisk`` [PR2] and ``/fapi/v3/positionRisk`` [PR3], ``POST /fapi/v1/marginType``
[MT], ``POST /fapi/v1/positionSide/dual`` [PSD], ``POST /fapi/v1/leverage`` [LEV]; reference §4.2–§4.5.
"""

from __future__ import annotations

from dataclasses import dataclass

from isomargin.api.context import RequestContext
from isomargin.api.handlers.market import SymbolParam
from isomargin.api.params import Params
from isomargin.api.render import position_risk_v2
from isomargin.api.render_account import position_risk_v3
from isomargin.api.state import AppState
from isomargin.money import decimal_string
from isomargin.service import account_settings
from isomargin.service.account_settings import MarginType
from isomargin.service.positions import position_views

#: The reply of marginType and positionSide/dual [MT][PSD].
SUCCESS = {"code": 200, "msg": "success"}


async def position_risk_v2_rows(app: AppState, ctx: RequestContext, req: SymbolParam) -> object:
    """Every symbol (or the one asked for), one row per side the mode has, empty rows included:
    one-way BOTH, hedge LONG and SHORT — as the doc's hedge example shows an empty SHORT row [PR2]."""
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)
    views = await app.store.read(lambda tx: position_views(tx, service, account_id, req.symbol, include_empty=True))
    return [position_risk_v2(v) for v in views]


async def position_risk_v3_rows(app: AppState, ctx: RequestContext, req: SymbolParam) -> object:
    """Only sides holding a position: v3 "only returns symbols that have positions or open orders" [PR3];
    the doc's hedge example lists single legs, so an empty leg of an open symbol is left out too
    (assumed from that example)."""
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)
    views = await app.store.read(lambda tx: position_views(tx, service, account_id, req.symbol, include_empty=False))
    return [position_risk_v3(v) for v in views]


@dataclass(frozen=True, slots=True)
class MarginTypeRequest:
    symbol: str
    margin_type: MarginType


def parse_margin_type(params: Params) -> MarginTypeRequest:
    symbol = params.symbol()
    # A value other than ISOLATED/CROSSED: -1130 (assumed; Binance documents only the enum).
    margin_type = params.enum("marginType", MarginType)
    assert symbol is not None and margin_type is not None
    return MarginTypeRequest(symbol, margin_type)


async def change_margin_type(app: AppState, ctx: RequestContext, req: MarginTypeRequest) -> object:
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)
    await app.store.write(
        lambda tx: account_settings.change_margin_type(tx, service, account_id, req.symbol, req.margin_type)
    )
    return SUCCESS


@dataclass(frozen=True, slots=True)
class PositionModeRequest:
    dual_side_position: bool


def parse_position_mode(params: Params) -> PositionModeRequest:
    # "true" / "false" only; anything else -1130 (assumed).
    dual = params.boolean("dualSidePosition")
    assert dual is not None
    return PositionModeRequest(dual)


async def change_position_mode(app: AppState, ctx: RequestContext, req: PositionModeRequest) -> object:
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)
    await app.store.write(
        lambda tx: account_settings.change_position_mode(tx, service, account_id, req.dual_side_position)
    )
    return SUCCESS


@dataclass(frozen=True, slots=True)
class LeverageRequest:
    symbol: str
    leverage: int


def parse_leverage(params: Params) -> LeverageRequest:
    symbol = params.symbol()
    # Not an integer (e.g. "5.0"): -1102 "Mandatory parameter 'leverage' …", as observed on this
    # endpoint [obs I16031].
    leverage = params.integer("leverage")
    assert symbol is not None and leverage is not None
    return LeverageRequest(symbol, leverage)


async def change_leverage(app: AppState, ctx: RequestContext, req: LeverageRequest) -> object:
    """``{"leverage": 21, "maxNotionalValue": "1000000", "symbol": "BTCUSDT"}`` — int, string, string [LEV]."""
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)
    change = await app.store.write(
        lambda tx: account_settings.change_leverage(tx, service, account_id, req.symbol, req.leverage)
    )
    return {
        "leverage": change.leverage,
        "maxNotionalValue": decimal_string(change.max_notional),
        "symbol": change.symbol,
    }
