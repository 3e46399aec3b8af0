"""Market data and connectivity: ping, time, exchangeInfo, premiumIndex [PING][TIME][EI][MP]."""

from __future__ import annotations

from dataclasses import dataclass

from isomargin.api.context import RequestContext
from isomargin.api.params import Params
from isomargin.api.state import AppState
from isomargin.money import decimal_string, fixed
from isomargin.service.context import ServiceContext
from isomargin.store import Tx, repo
from isomargin.symbols import SymbolSpec

PERPETUAL_DELIVERY_DATE = 4133404800000  # what Binance shows for perpetuals [EI]
FUNDING_INTERVAL_MS = 8 * 3_600_000


@dataclass(frozen=True, slots=True)
class NoParams:
    pass


def no_params(params: Params) -> NoParams:
    return NoParams()


async def ping(app: AppState, ctx: RequestContext, req: NoParams) -> object:
    return {}


async def server_time(app: AppState, ctx: RequestContext, req: NoParams) -> object:
    return {"serverTime": ctx.now_ms}


def _symbol_info(spec: SymbolSpec) -> dict[str, object]:
    """One ``symbols[]`` entry with the fields and filters clients parse (ccxt parseMarket) [EI]."""
    return {
        "symbol": spec.symbol,
        "pair": spec.symbol,
        "contractType": "PERPETUAL",
        "deliveryDate": PERPETUAL_DELIVERY_DATE,
        "onboardDate": spec.onboard_date,
        "status": "TRADING",
        "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000",
        "baseAsset": spec.base_asset,
        "quoteAsset": spec.quote_asset,
        "marginAsset": spec.margin_asset,
        "pricePrecision": spec.price_precision,
        "quantityPrecision": spec.quantity_precision,
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": [],
        "settlePlan": 0,
        "triggerProtect": "0.0500",
        "liquidationFee": "0.012500",
        "marketTakeBound": "0.05",
        "maxMoveOrderLimit": 10000,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": decimal_string(spec.tick_size),
                "maxPrice": "4529764",
                "tickSize": decimal_string(spec.tick_size),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": decimal_string(spec.min_qty),
                "maxQty": decimal_string(spec.max_qty),
                "stepSize": decimal_string(spec.step_size),
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": decimal_string(spec.min_qty),
                "maxQty": decimal_string(spec.market_max_qty),
                "stepSize": decimal_string(spec.step_size),
            },
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": decimal_string(spec.min_notional)},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": "1.0500",
                "multiplierDown": "0.9500",
                "multiplierDecimal": "4",
            },
        ],
        "orderTypes": [
            "LIMIT",
            "MARKET",
            "STOP",
            "STOP_MARKET",
            "TAKE_PROFIT",
            "TAKE_PROFIT_MARKET",
            "TRAILING_STOP_MARKET",
        ],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
    }


async def exchange_info(app: AppState, ctx: RequestContext, req: NoParams) -> object:
    settings = app.settings
    return {
        "timezone": "UTC",
        "serverTime": ctx.now_ms,
        "futuresType": "U_MARGINED",
        "rateLimits": [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": settings.weight_limit_per_minute,
            },
            {
                "rateLimitType": "ORDERS",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": settings.orders_limit_per_minute,
            },
        ],
        "exchangeFilters": [],
        "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
        "symbols": [_symbol_info(spec) for spec in settings.symbols.values()],
    }


@dataclass(frozen=True, slots=True)
class SymbolParam:
    symbol: str | None


def optional_symbol(params: Params) -> SymbolParam:
    return SymbolParam(params.symbol(mandatory=False))


def premium_index_weight(params: Params) -> int:
    """1 with a symbol, 10 without [MP]."""
    return 1 if params.raw("symbol") else 10


def _premium_row(spec: SymbolSpec, price: str, now_ms: int) -> dict[str, object]:
    # Funding is not modelled: index and settle prices equal the mark price, and the funding
    # rate is Binance's default interest rate (assumed; docs/COVERAGE.md).
    next_funding = (now_ms // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS
    return {
        "symbol": spec.symbol,
        "markPrice": price,
        "indexPrice": price,
        "estimatedSettlePrice": price,
        "lastFundingRate": "0.00010000",
        "interestRate": "0.00010000",
        "nextFundingTime": next_funding,
        "time": now_ms,
    }


async def premium_index(app: AppState, ctx: RequestContext, req: SymbolParam) -> object:
    service = ServiceContext(app.settings.symbols, ctx.now_ms)
    specs = [service.symbol(req.symbol)] if req.symbol else list(app.settings.symbols.values())

    def read(tx: Tx) -> list[dict[str, object]]:
        marks = repo.all_mark_prices(tx)
        return [
            _premium_row(s, fixed(marks[s.symbol][0] if s.symbol in marks else s.default_mark_price, 8), ctx.now_ms)
            for s in specs
        ]

    rows = await app.store.read(read)
    return rows[0] if req.symbol else rows
