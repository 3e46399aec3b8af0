"""Scheduling the market (issue 13): funding per symbol and mark-price paths.

- ``PUT /_isomargin/v1/funding/{symbol}`` ``{"fundingRate": "0.0001", "intervalHours": 8}``;
  ``GET`` shows it (404 when none), ``DELETE`` stops it.
- ``PUT /_isomargin/v1/markPrices/{symbol}/path`` ``{"points": [{"afterMs": 1000, "markPrice": "…",
  "bidPrice": "…", "askPrice": "…"}, …]}`` (``"at"``: absolute server ms instead of ``afterMs``)
  replaces the symbol's path; ``GET`` shows what is left of it; ``DELETE`` drops it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.money import decimal_string
from isomargin.service import funding, scheduler
from isomargin.service.errors import AdminError
from isomargin.store import schedule

HOUR_MS = 3_600_000


def _funding_body(s: schedule.FundingSchedule) -> dict[str, Any]:
    return {
        "symbol": s.symbol,
        "fundingRate": decimal_string(s.rate),
        "intervalHours": s.interval_ms // HOUR_MS,
        "nextFundingTime": s.next_time,
    }


async def put_funding(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    data = await common.json_object(request)
    common.only(data, {"fundingRate", "intervalHours"})
    rate = common.money(data, "fundingRate")
    hours = common.integer(data, "intervalHours", default=8)
    await state.refresh_clock()
    ctx = state.service_context()
    planned = await state.store.write(lambda tx: funding.set_schedule(tx, ctx, symbol, rate, hours))
    return JSONResponse(_funding_body(planned))


async def get_funding(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    schedules = await state.store.read(schedule.funding_schedules)
    if symbol not in schedules:
        raise AdminError(f"no funding is scheduled for {symbol}", 404)
    return JSONResponse(_funding_body(schedules[symbol]))


async def delete_funding(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    ctx = state.service_context()
    await state.store.write(lambda tx: funding.drop_schedule(tx, ctx, symbol))
    return JSONResponse({"symbol": symbol, "funding": False})


def _points_body(symbol: str, points: list[schedule.PathPoint]) -> dict[str, Any]:
    return {
        "symbol": symbol,
        "points": [
            {
                "at": p.at_ms,
                "markPrice": decimal_string(p.mark),
                "bidPrice": decimal_string(p.mark if p.bid is None else p.bid),
                "askPrice": decimal_string(p.mark if p.ask is None else p.ask),
            }
            for p in points
        ],
    }


def _planned(n: int, raw: object) -> scheduler.PlannedPoint:
    if not isinstance(raw, dict):
        raise AdminError(f"points[{n}] must be an object")
    common.only(raw, {"afterMs", "at", "markPrice", "bidPrice", "askPrice"})
    return scheduler.PlannedPoint(
        after_ms=common.integer(raw, "afterMs") if "afterMs" in raw else None,
        at_ms=common.integer(raw, "at") if "at" in raw else None,
        mark=common.money(raw, "markPrice"),
        bid=common.money(raw, "bidPrice") if raw.get("bidPrice") is not None else None,
        ask=common.money(raw, "askPrice") if raw.get("askPrice") is not None else None,
    )


async def put_path(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    data = await common.json_object(request)
    common.only(data, {"points"})
    raw = data.get("points")
    if not isinstance(raw, list):
        raise AdminError("points must be a list of {afterMs | at, markPrice[, bidPrice, askPrice]}")
    planned = [_planned(n, p) for n, p in enumerate(raw)]
    await state.refresh_clock()
    ctx = state.service_context()
    stored = await state.store.write(lambda tx: scheduler.set_path(tx, ctx, symbol, planned))
    return JSONResponse(_points_body(symbol, stored))


async def get_path(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    points = await state.store.read(lambda tx: schedule.points_of(tx, symbol))
    return JSONResponse(_points_body(symbol, points))


async def delete_path(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    dropped = await state.store.write(lambda tx: schedule.delete_points(tx, symbol))
    return JSONResponse({"symbol": symbol, "deleted": dropped})
