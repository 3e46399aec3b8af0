"""``GET /fapi/v1/fundingRate`` and ``GET /fapi/v1/fundingInfo`` (issue 13): parse and render.

Shapes as the doc pages print them [doc FR][doc FI]: a funding row
``{"symbol","fundingRate","fundingTime","markPrice"}`` (rate with 8 decimals, mark with 8), an
info row ``{"symbol","adjustedFundingRateCap","adjustedFundingRateFloor","fundingIntervalHours",
"disclaimer"}``. isomargin caps no rate: cap and floor show Binance's common ±2% (assumed).
"""

from __future__ import annotations

from collections.abc import Sequence

from isomargin import errors
from isomargin.api.params import Params
from isomargin.money import fixed
from isomargin.service.funding import FundingRateQuery
from isomargin.store.schedule import FundingRecord, FundingSchedule

#: limit: "Default 100; max 1000" [doc FR]
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
HOUR_MS = 3_600_000


def parse_funding_rate(params: Params) -> FundingRateQuery:
    limit = params.integer("limit", mandatory=False)
    if limit is not None and not 1 <= limit <= MAX_LIMIT:  # outside [1, max]: -1130 (assumed)
        raise errors.INVALID_PARAMETER.error("limit")
    return FundingRateQuery(
        params.symbol(mandatory=False),
        params.integer("startTime", mandatory=False),
        params.integer("endTime", mandatory=False),
        DEFAULT_LIMIT if limit is None else limit,
    )


def funding_rate(req: FundingRateQuery, rows: Sequence[FundingRecord]) -> object:
    return [
        {
            "symbol": r.symbol,
            "fundingRate": fixed(r.rate, 8),
            "fundingTime": r.funding_time,
            "markPrice": fixed(r.mark_price, 8),
        }
        for r in rows
    ]


def no_params(params: Params) -> object:
    return None


def funding_info(req: object, rows: Sequence[FundingSchedule]) -> object:
    return [
        {
            "symbol": s.symbol,
            "adjustedFundingRateCap": "0.02000000",
            "adjustedFundingRateFloor": "-0.02000000",
            "fundingIntervalHours": s.interval_ms // HOUR_MS,
            "disclaimer": False,
        }
        for s in rows
    ]
