"""What an account's symbol is set to, and where its price stands: stored, else the default.

The one place that decides both rules; every read of a mark price or of a symbol's margin type
and leverage goes through these functions (the positionMargin hot path reads the stored values
with its position in one joined statement and applies the same rules to them).

- Mark price: the last price set through the control plane or a scenario, else the symbol's
  configured default (``SymbolSpec.default_mark_price``).
- Symbol settings: what the account set, with its leverage capped at the symbol's current
  maximum; else CROSSED at 20x, or at the symbol's maximum when that is lower.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

from isomargin.domain.brackets import max_leverage
from isomargin.service.context import ServiceContext
from isomargin.store import Tx, repo
from isomargin.symbols import SymbolSpec

#: Leverage of a symbol the account never configured: 20x, Binance's usual default for new
#: accounts (assumed: the docs give none; the symbolConfig example shows an account's own 21).
DEFAULT_LEVERAGE = 20
#: Margin type of a symbol the account never configured: Binance accounts start CROSSED.
DEFAULT_MARGIN_TYPE = "CROSSED"


# --- mark price -------------------------------------------------------------------------------


def mark_or_default(spec: SymbolSpec, stored: Decimal | None) -> Decimal:
    """The rule: a stored mark price wins; a symbol never priced shows its configured default."""
    return spec.default_mark_price if stored is None else stored


def mark_price(tx: Tx, spec: SymbolSpec) -> Decimal:
    return mark_or_default(spec, repo.get_mark_price(tx, spec.symbol))


def mark_prices(tx: Tx, specs: Iterable[SymbolSpec]) -> dict[str, Decimal]:
    """Every symbol of ``specs`` → its mark price, in one statement."""
    stored = repo.all_mark_prices(tx)
    return {s.symbol: mark_or_default(s, stored[s.symbol][0] if s.symbol in stored else None) for s in specs}


# --- symbol settings (margin type, leverage) --------------------------------------------------


def config_or_default(ctx: ServiceContext, symbol: str, stored: repo.SymbolConfig | None) -> repo.SymbolConfig:
    """The rule: the account's stored settings within today's limits, else the default.

    When Binance lowers a symbol's maximum leverage, its users' leverage comes down with it;
    here the same happens when a symbols file lowers a maximum under a stored leverage
    (which would otherwise have no max notional, and no answer).
    """
    top = max_leverage(ctx.symbol(symbol).brackets)
    if stored is None:
        return repo.SymbolConfig(symbol, DEFAULT_MARGIN_TYPE, min(DEFAULT_LEVERAGE, top))
    return stored if stored.leverage <= top else replace(stored, leverage=top)


def symbol_config(tx: Tx, ctx: ServiceContext, account_id: int, symbol: str) -> repo.SymbolConfig:
    return config_or_default(ctx, symbol, repo.get_symbol_config(tx, account_id, symbol))


def symbol_configs(
    tx: Tx, ctx: ServiceContext, account_id: int, symbols: Iterable[str]
) -> Mapping[str, repo.SymbolConfig]:
    """Every symbol of ``symbols`` → the account's settings for it, in one statement."""
    stored = {c.symbol: c for c in repo.list_symbol_configs(tx, account_id)}
    return {name: config_or_default(ctx, name, stored.get(name)) for name in symbols}
