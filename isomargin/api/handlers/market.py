"""Market data and connectivity: ping, time, exchangeInfo, premiumIndex [PING][TIME][EI][MP].

Parsers and renderers (the route table pairs them with their services); ping, time and
exchangeInfo are answered from configuration and the clock alone, by the ``local`` services here.
"""

from __future__ import annotations

from dataclasses import dataclass

from isomargin.api.order_limits import PER_10S as ORDERS_PER_10S
from isomargin.api.params import Params
from isomargin.config import Settings
from isomargin.money import decimal_string, fixed
from isomargin.service.reads import MarkPrice, NoParams, SymbolQuery
from isomargin.symbols import SymbolSpec

PERPETUAL_DELIVERY_DATE = 4133404800000  # what Binance shows for perpetuals [EI]
FUNDING_INTERVAL_MS = 8 * 3_600_000
_NO_PARAMS = NoParams()


def no_params(params: Params) -> NoParams:
    return _NO_PARAMS


def nothing(settings: Settings, now_ms: int, req: NoParams) -> None:
    """The service of an endpoint whose answer depends on nothing (ping)."""


def ping(req: NoParams, res: None) -> object:
    return {}


def clock(settings: Settings, now_ms: int, req: NoParams) -> int:
    return now_ms


def server_time(req: NoParams, now_ms: int) -> object:
    return {"serverTime": now_ms}


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
                "maxPrice": decimal_string(spec.max_price),
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
            {"filterType": "MAX_NUM_ORDERS", "limit": spec.max_num_orders},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": decimal_string(spec.min_notional)},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": fixed(spec.multiplier_up, 4),
                "multiplierDown": fixed(spec.multiplier_down, 4),
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


@dataclass(frozen=True, slots=True)
class Exchange:
    settings: Settings
    now_ms: int


def exchange(settings: Settings, now_ms: int, req: NoParams) -> Exchange:
    return Exchange(settings, now_ms)


def exchange_info(req: NoParams, exchange: Exchange) -> object:
    settings = exchange.settings
    return {
        "timezone": "UTC",
        "serverTime": exchange.now_ms,
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
            # enforced with the minute's per account (api/order_limits.py), as Binance lists both
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": ORDERS_PER_10S},
        ],
        "exchangeFilters": [],
        "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
        "symbols": [_symbol_info(spec) for spec in settings.symbols.values()],
    }


def optional_symbol(params: Params) -> SymbolQuery:
    return SymbolQuery(params.symbol(mandatory=False))


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


def premium_index(req: SymbolQuery, marks: list[MarkPrice]) -> object:
    """With ``symbol`` one object, without it an array of every symbol [MP]."""
    rows = [_premium_row(m.spec, fixed(m.price, 8), m.time) for m in marks]
    return rows[0] if req.symbol else rows
