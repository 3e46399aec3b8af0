"""What every use case needs besides its transaction: the symbol table and the time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from isomargin import errors
from isomargin.store import Tx, repo
from isomargin.symbols import SymbolSpec

#: Binance's default leverage for a symbol the account never configured (symbolConfig shows 20).
DEFAULT_LEVERAGE = 20
#: Margin type of a symbol the account never configured: Binance accounts start CROSSED.
DEFAULT_MARGIN_TYPE = "CROSSED"
WALLET_ASSET = "USDT"


@dataclass(frozen=True, slots=True)
class ServiceContext:
    symbols: Mapping[str, SymbolSpec]
    now_ms: int

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
        return repo.get_symbol_config(tx, account_id, symbol) or self.default_symbol_config(symbol)

    def default_symbol_config(self, symbol: str) -> repo.SymbolConfig:
        return repo.SymbolConfig(symbol, DEFAULT_MARGIN_TYPE, DEFAULT_LEVERAGE)
