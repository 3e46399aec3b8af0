"""What every use case needs besides its transaction: the symbol table and the time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from isomargin import errors
from isomargin.auth.keystore import SecretBox
from isomargin.domain.brackets import max_leverage
from isomargin.store import Tx, repo
from isomargin.symbols import SymbolSpec

#: Leverage of a symbol the account never configured: 20x, Binance's usual default for new
#: accounts (assumed: the docs give none; the symbolConfig example shows an account's own 21).
DEFAULT_LEVERAGE = 20
#: Margin type of a symbol the account never configured: Binance accounts start CROSSED.
DEFAULT_MARGIN_TYPE = "CROSSED"
WALLET_ASSET = "USDT"


@dataclass(frozen=True, slots=True)
class ServiceContext:
    symbols: Mapping[str, SymbolSpec]
    now_ms: int
    #: seals HMAC secrets before they are stored (control plane and scenarios create keys)
    secrets: SecretBox | None = None

    def symbol(self, name: str) -> SymbolSpec:
        """The symbol, or Binance's -1121 Invalid symbol."""
        spec = self.symbols.get(name)
        if spec is None:
            raise errors.BAD_SYMBOL.error()
        return spec

    def mark_price(self, tx: Tx, spec: SymbolSpec) -> Decimal:
        price = repo.get_mark_price(tx, spec.symbol)
        return spec.default_mark_price if price is None else price

    def symbol_config(self, tx: Tx, account_id: int, symbol: str) -> repo.SymbolConfig:
        config = repo.get_symbol_config(tx, account_id, symbol)
        return self.within_limits(config) if config else self.default_symbol_config(symbol)

    def within_limits(self, config: repo.SymbolConfig) -> repo.SymbolConfig:
        """A stored config with its leverage capped at the symbol's current maximum.

        When Binance lowers a symbol's maximum leverage, its users' leverage comes down with it;
        here the same happens when a symbols file lowers a maximum under a stored leverage
        (which would otherwise have no max notional, and no answer).
        """
        top = max_leverage(self.symbol(config.symbol).brackets)
        return config if config.leverage <= top else replace(config, leverage=top)

    def default_symbol_config(self, symbol: str) -> repo.SymbolConfig:
        """CROSSED at 20x, or at the symbol's maximum when that is lower (a configured symbol may cap at 10x)."""
        spec = self.symbol(symbol)
        return repo.SymbolConfig(symbol, DEFAULT_MARGIN_TYPE, min(DEFAULT_LEVERAGE, max_leverage(spec.brackets)))
