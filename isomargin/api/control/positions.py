"""``POST /_isomargin/v1/positions``: open an isolated position."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.api.render import position_risk_v2
from isomargin.domain.position import PositionSide
from isomargin.service import admin
from isomargin.service.admin import OpenPosition
from isomargin.service.errors import AdminError
from isomargin.service.positions import get_position_view
from isomargin.store import Tx


async def open_position(request: Request) -> Response:
    state = common.app_state(request)
    data = await common.json_object(request)
    try:
        side = PositionSide(data.get("positionSide", "BOTH"))
    except ValueError:
        raise AdminError("positionSide must be BOTH, LONG or SHORT") from None
    symbol = data.get("symbol")
    if symbol is None:
        raise AdminError("symbol is required")
    if not isinstance(symbol, str):
        raise AdminError('symbol must be a string such as "BTCUSDT"')
    req = OpenPosition(
        account_id=common.account_id(common.integer(data, "accountId")),
        symbol=symbol,
        position_side=side,
        position_amt=common.money(data, "positionAmt"),
        entry_price=common.money(data, "entryPrice"),
        # without "leverage": the symbol's leverage as the account set it through POST /fapi/v1/leverage
        leverage=common.integer(data, "leverage") if "leverage" in data else None,
        isolated_wallet=common.money(data, "isolatedWallet") if "isolatedWallet" in data else None,
    )
    ctx = state.service_context()

    def run(tx: Tx) -> dict[str, object]:
        admin.open_position(tx, ctx, req)
        return position_risk_v2(get_position_view(tx, ctx, req.account_id, req.symbol, side))

    return JSONResponse(await state.store.write(run), status_code=201)
