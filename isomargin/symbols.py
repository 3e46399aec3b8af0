"""The symbols a server lists: exchange metadata, leverage brackets and a starting mark price.

Defaults are BTCUSDT and ETHUSDT with Binance's published filters and the bracket snapshot of
reference §6.6. A YAML file (``--symbols FILE`` / ``ISOMARGIN_SYMBOLS``) replaces them; its format is
documented in examples/symbols.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from isomargin.domain.brackets import DEFAULT_BRACKETS, Bracket, derive_cum, validate_brackets


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    symbol: str
    base_asset: str
    quote_asset: str
    brackets: tuple[Bracket, ...]
    default_mark_price: Decimal
    price_precision: int = 2
    quantity_precision: int = 3
    tick_size: Decimal = Decimal("0.10")
    step_size: Decimal = Decimal("0.001")
    min_qty: Decimal = Decimal("0.001")
    max_qty: Decimal = Decimal("1000")
    market_max_qty: Decimal = Decimal("120")
    min_notional: Decimal = Decimal("100")
    #: PRICE_FILTER maxPrice, PERCENT_PRICE multipliers, MAX_NUM_ORDERS: exchangeInfo renders them
    #: and orders are checked against them (one symbol table, issue 11)
    max_price: Decimal = Decimal("4529764")
    #: PRICE_FILTER minPrice; None: the tick (a symbols file that names none)
    min_price: Decimal | None = None
    multiplier_up: Decimal = Decimal("1.0500")
    multiplier_down: Decimal = Decimal("0.9500")
    max_num_orders: int = 200
    #: exchangeInfo ``liquidationFee`` (doc example "0.010000"; Binance lists 0.0125 for BTCUSDT/ETHUSDT):
    #: the clearance fee rate of a CROSSED position's liquidation (service/liquidation.py)
    liquidation_fee: Decimal = Decimal("0.012500")
    #: exchangeInfo ``triggerProtect``: the mark/contract price difference rate past which an algo
    #: order with priceProtect does not trigger (``service.algo_orders.protected``)
    trigger_protect: Decimal = Decimal("0.0500")
    onboard_date: int = 1569398400000
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def price_floor(self) -> Decimal:
        """PRICE_FILTER ``minPrice``: the symbol's own, else its tick."""
        return self.tick_size if self.min_price is None else self.min_price

    @property
    def margin_asset(self) -> str:
        return self.quote_asset


DEFAULT_SYMBOLS: Mapping[str, SymbolSpec] = {
    # Filters as Binance lists them for these perpetuals today: minPrice/maxPrice from the 2024-05-07
    # exchangeInfo capture (index id 27285709692; audit #13). Mark prices are arbitrary starting
    # points — set real ones with PUT /_isomargin/v1/markPrices/{symbol}.
    "BTCUSDT": SymbolSpec(
        "BTCUSDT",
        "BTC",
        "USDT",
        DEFAULT_BRACKETS["BTCUSDT"],
        Decimal("50000"),
        price_precision=2,
        quantity_precision=3,
        tick_size=Decimal("0.10"),
        step_size=Decimal("0.001"),
        min_qty=Decimal("0.001"),
        max_qty=Decimal("1000"),
        market_max_qty=Decimal("120"),
        # 50 since 2026-09: today's exchangeInfo (live note 2026-09-30, index id 70726903935; parity
        # case exchangeInfo-filters-2026). It was 100 in the 2024-05 capture and the 2024-07 -4164 text
        # [obs AR-77]: the newest real answer wins (audit #13)
        min_notional=Decimal("50"),
        min_price=Decimal("556.80"),
        max_price=Decimal("4529764"),
    ),
    "ETHUSDT": SymbolSpec(
        "ETHUSDT",
        "ETH",
        "USDT",
        DEFAULT_BRACKETS["ETHUSDT"],
        Decimal("3000"),
        price_precision=2,
        quantity_precision=3,
        tick_size=Decimal("0.01"),
        step_size=Decimal("0.001"),
        min_qty=Decimal("0.001"),
        max_qty=Decimal("10000"),
        market_max_qty=Decimal("2000"),
        min_notional=Decimal("20"),
        min_price=Decimal("39.86"),
        max_price=Decimal("306177"),
    ),
}


def _bracket(row: Mapping[str, Any]) -> Bracket:
    return Bracket(
        bracket=int(row["bracket"]),
        initial_leverage=int(row["initialLeverage"]),
        notional_floor=Decimal(str(row["notionalFloor"])),
        notional_cap=Decimal(str(row["notionalCap"])),
        maint_margin_ratio=Decimal(str(row["maintMarginRatio"])),
        cum=Decimal(str(row.get("cum", "0"))),
    )


def symbol_from_mapping(symbol: str, data: Mapping[str, Any]) -> SymbolSpec:
    """One symbol from the YAML file. ``brackets`` use Binance's leverageBracket field names."""
    brackets = tuple(_bracket(b) for b in data["brackets"])
    # A tier without ``cum`` gets the derived one; a given ``cum`` is kept, so validate_brackets
    # rejects a wrong one instead of it being silently replaced.
    cums = derive_cum((b.notional_floor, b.maint_margin_ratio) for b in brackets)
    brackets = tuple(
        b if "cum" in row else replace(b, cum=cum) for b, row, cum in zip(brackets, data["brackets"], cums, strict=True)
    )
    validate_brackets(brackets)
    known = {f for f in SymbolSpec.__dataclass_fields__ if f not in {"symbol", "brackets", "extra"}}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        snake = "".join("_" + c.lower() if c.isupper() else c for c in key)
        if snake in known:
            default = SymbolSpec.__dataclass_fields__[snake].default
            kwargs[snake] = (
                Decimal(str(value)) if isinstance(default, Decimal) or snake == "default_mark_price" else value
            )
    kwargs.setdefault("default_mark_price", Decimal("1"))
    return SymbolSpec(symbol=symbol, brackets=brackets, **kwargs)


def load_symbols(path: Path) -> dict[str, SymbolSpec]:
    """Read a symbols file: ``{SYMBOL: {baseAsset, quoteAsset, defaultMarkPrice, brackets: [...]}}``."""
    raw = yaml.safe_load(path.read_text())
    if not isinstance(raw, Mapping) or not raw:
        raise ValueError(f"{path}: expected a mapping of symbol names to settings")
    symbols = {}
    for name, body in raw.items():
        symbol = str(name).upper()
        try:
            if not isinstance(body, Mapping):
                raise ValueError("expected a mapping of settings")
            symbols[symbol] = symbol_from_mapping(symbol, body)
        except KeyError as exc:  # a missing field: one line naming it, not a traceback at start-up
            raise ValueError(f"{path}: {symbol}: missing {exc}") from None
        except (TypeError, ValueError, ArithmeticError) as exc:  # ArithmeticError: decimal's InvalidOperation
            raise ValueError(f"{path}: {symbol}: {exc}") from None
    return symbols
