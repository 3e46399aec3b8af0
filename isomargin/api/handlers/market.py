"""Market data and connectivity: ping, time, exchangeInfo, premiumIndex [PING][TIME][EI][MP].

Parsers and renderers (the route table pairs them with their services); ping, time and
exchangeInfo are answered from configuration and the clock alone, by the ``local`` services here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.api.order_limits import PER_10S
from isomargin.api.params import Params
from isomargin.config import Settings
from isomargin.money import decimal_string, fixed, places
from isomargin.service.reads import MarkPrice, NoParams, SymbolQuery
from isomargin.symbols import SymbolSpec

PERPETUAL_DELIVERY_DATE = 4133404800000  # what Binance shows for perpetuals [EI]
FUNDING_INTERVAL_MS = 8 * 3_600_000
_NO_PARAMS = NoParams()

#: The order-count limit per 10 seconds every real answer lists beside the per-minute ones
#: (2022 nautilus fixture, 2024-05-07 capture index id 27285709692, live 2026-09-30 note index id
#: 70726903935; audit #14), enforced per account (api/order_limits.py).
ORDERS_PER_10_SECONDS = PER_10S
#: ``assets`` of a real answer (2024-05-07, index id 27285709692), the latest that lists them:
#: every margin asset with its auto-exchange threshold, not USDT only (audit #14).
MARGIN_ASSETS = (
    ("USDT", "-10000"),
    ("BTC", "-0.10000000"),
    ("BNB", "-10"),
    ("ETH", "-5"),
    ("XRP", "0"),
    ("USDC", "-10000"),
    ("TUSD", "0"),
    ("FDUSD", "0"),
)
#: ``underlyingSubType`` of the symbols isomargin ships, as the real answer lists them (2024-05-07,
#: index id 27285709692); a symbol from the settings file shows none.
UNDERLYING_SUB_TYPES: dict[str, tuple[str, ...]] = {"BTCUSDT": ("PoW",), "ETHUSDT": ("Layer-1",)}
#: ``permissionSets``, which today's symbols end with (live 2026-09-30 field list, index id
#: 70726903935). Its values are not quoted there; ["GRID", "COPY"] is a 2026 client's test value
#: (index id 63540785431), assumed.
PERMISSION_SETS = ("GRID", "COPY")


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


def _price(value: Decimal, spec: SymbolSpec) -> str:
    """PRICE_FILTER's tick and minimum at the symbol's price precision: BTCUSDT ``"0.10"``,
    ``"556.80"`` (live 2026-09-30; 2024-05-07 capture; audit #13); more places if the tick has them."""
    return fixed(value, max(spec.price_precision, places(value)))


def _filters(spec: SymbolSpec) -> list[dict[str, object]]:
    """Today's filters, in the live 2026-09-30 answer's order (index id 70726903935): no
    ``MAX_NUM_ALGO_ORDERS`` (removed 2025-12-29, change log), a last ``POSITION_RISK_CONTROL``
    (audit #12). ``minPrice``/``maxPrice`` are the symbol table's (BTCUSDT "556.80"/"4529764")."""
    return [
        {
            "filterType": "PRICE_FILTER",
            "tickSize": _price(spec.tick_size, spec),
            "minPrice": _price(spec.price_floor, spec),
            "maxPrice": decimal_string(spec.max_price),
        },
        {
            "filterType": "LOT_SIZE",
            "stepSize": decimal_string(spec.step_size),
            "maxQty": decimal_string(spec.max_qty),
            "minQty": decimal_string(spec.min_qty),
        },
        {
            "filterType": "MARKET_LOT_SIZE",
            "minQty": decimal_string(spec.min_qty),
            "stepSize": decimal_string(spec.step_size),
            "maxQty": decimal_string(spec.market_max_qty),
        },
        {"filterType": "MAX_NUM_ORDERS", "limit": spec.max_num_orders},
        {"filterType": "MIN_NOTIONAL", "notional": decimal_string(spec.min_notional)},
        {
            "filterType": "PERCENT_PRICE",
            "multiplierUp": fixed(spec.multiplier_up, 4),
            "multiplierDown": fixed(spec.multiplier_down, 4),
            "multiplierDecimal": "4",
        },
        {"filterType": "POSITION_RISK_CONTROL", "positionControlSide": "NONE"},
    ]


def _symbol_info(spec: SymbolSpec) -> dict[str, object]:
    """One ``symbols[]`` entry with the fields and filters clients parse (ccxt parseMarket) [EI].

    Fields as a live answer lists them on 2026-09-30 (index id 70726903935): no ``settlePlan``
    any more, ``permissionSets`` last (audit #14)."""
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
        "underlyingSubType": UNDERLYING_SUB_TYPES.get(spec.symbol, ()),
        "triggerProtect": fixed(spec.trigger_protect, 4),
        "liquidationFee": f"{spec.liquidation_fee:.6f}",
        "marketTakeBound": "0.05",
        "maxMoveOrderLimit": 10000,
        "filters": _filters(spec),
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
        "permissionSets": PERMISSION_SETS,
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
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": ORDERS_PER_10_SECONDS},
        ],
        "exchangeFilters": [],
        "assets": [
            {"asset": asset, "marginAvailable": True, "autoAssetExchange": threshold}
            for asset, threshold in MARGIN_ASSETS
        ],
        "symbols": [_symbol_info(spec) for spec in settings.symbols.values()],
    }


def optional_symbol(params: Params) -> SymbolQuery:
    return SymbolQuery(params.symbol(mandatory=False))


def premium_index_weight(params: Params) -> int:
    """1 with a symbol, 10 without [MP]."""
    return 1 if params.raw("symbol") else 10


def premium_row(mark: MarkPrice) -> dict[str, object]:
    """One premiumIndex row. Index and settle prices equal the mark price (assumed). Funding, once
    scheduled (``PUT /_isomargin/v1/funding/{symbol}``, issue 13), shows its rate and next time;
    while it is off, Binance's default interest rate and the next 8-hour time are shown although
    nothing is charged (assumed; docs/COVERAGE.md)."""
    price = fixed(mark.price, 8)
    now_ms = mark.time
    next_funding = (now_ms // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS
    rate = "0.00010000" if mark.funding_rate is None else fixed(mark.funding_rate, 8)
    return {
        "symbol": mark.spec.symbol,
        "markPrice": price,
        "indexPrice": price,
        "estimatedSettlePrice": price,
        "lastFundingRate": rate,
        "interestRate": "0.00010000",
        "nextFundingTime": next_funding if mark.next_funding_time is None else mark.next_funding_time,
        "time": now_ms,
    }


def premium_index(req: SymbolQuery, marks: list[MarkPrice]) -> object:
    """With ``symbol`` one object, without it an array of every symbol [MP]."""
    rows = [premium_row(m) for m in marks]
    return rows[0] if req.symbol else rows
