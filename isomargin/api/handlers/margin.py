"""``POST /fapi/v1/positionMargin`` and ``GET /fapi/v1/positionMargin/history`` [PM][PMH]."""

from __future__ import annotations

from collections.abc import Sequence

from isomargin import errors
from isomargin.api.params import Params
from isomargin.domain.position import PositionSide
from isomargin.money import fixed, json_number
from isomargin.service import margin
from isomargin.service.margin import HistoryQuery, MarginChange, MarginTransferResult
from isomargin.service.reads import HistoryRow

HISTORY_DEFAULT_LIMIT = 500


def _margin_type(params: Params, *, mandatory: bool) -> int | None:
    value = params.integer("type", mandatory=mandatory)
    # An integer other than 1 or 2: -1130 (assumed; reference open question 1).
    if value is not None and value not in (margin.ADD, margin.REDUCE):
        raise errors.INVALID_PARAMETER.error("type")
    return value


def parse_margin_change(params: Params) -> MarginChange:
    symbol = params.symbol()
    # A positionSide outside BOTH/LONG/SHORT ("long" too): -1102 naming 'positionside', the enum
    # rule of Params.enum (assumed for this parameter; observed for marginType).
    position_side = params.enum("positionSide", PositionSide, mandatory=False)
    amount = params.decimal("amount")
    type_ = _margin_type(params, mandatory=True)
    assert symbol is not None and amount is not None and type_ is not None
    return MarginChange(symbol, amount, type_, position_side)  # positional: no kwargs dict per request


def modify_position_margin(req: MarginChange, result: MarginTransferResult) -> object:
    """``{"code":200,"msg":"Successfully modify position margin.","amount":0.5,"type":1}``.

    Key order as the real server writes it (a Node print of the raw body, ccxt PR #18163, 2023-06;
    the doc example's alphabetical order is not the wire's). ``amount`` is a JSON number written
    like a Java double, ``1.0`` for a whole amount: mainnet answered ``1.0`` to ``amount=1``
    (ccxt PR #18163, 2023-06) and the doc shows ``100.0``. The testnet echoed ``10`` for ``amount=10``
    (ccxt PR #21875, 2024-03); we follow mainnet, whose answer a strict client also parses as a
    float where it declares the field a float, as the official SDK does.
    """
    return {
        "code": 200,
        "msg": "Successfully modify position margin.",
        "amount": json_number(result.amount),
        "type": result.type,
    }


def parse_history_query(params: Params) -> HistoryQuery:
    symbol = params.symbol()
    type_ = _margin_type(params, mandatory=False)
    start = params.integer("startTime", mandatory=False)
    end = params.integer("endTime", mandatory=False)
    limit = params.integer("limit", mandatory=False)
    if limit is not None and limit <= 0:  # a limit of 0 or less: -1130 (assumed)
        raise errors.INVALID_PARAMETER.error("limit")
    assert symbol is not None
    # Binance documents no maximum for limit; we serve at most the default 500 (assumed).
    return HistoryQuery(symbol, type_, start, end, min(limit or HISTORY_DEFAULT_LIMIT, HISTORY_DEFAULT_LIMIT))


#: ``clientTranId`` of a row: Binance shows ``""`` on every captured row (TRADE, FUNDING_FEE and
#: USER_ADJUST, 2020-2024); isomargin's positionMargin takes no client id, so always empty.
NO_CLIENT_TRAN_ID = ""


def position_margin_history(req: HistoryQuery, rows: Sequence[HistoryRow]) -> object:
    """Rows as the real server writes them: ``amount`` with the asset's 8 decimals and its stored
    sign (``"10.00000000"``, ``"-4.04422425"``), ``clientTranId`` last (ccxt static test
    2024-03-21; ccxt PR #21875, 2024; index id 37466195294, 2020)."""
    return [
        {
            "symbol": r.symbol,
            "type": r.type,
            "deltaType": r.delta_type,
            "amount": fixed(r.amount),
            "asset": r.asset,
            "time": r.time,
            "positionSide": r.position_side,
            "clientTranId": NO_CLIENT_TRAN_ID,
        }
        for r in rows
    ]
