"""What every use case needs besides its transaction: the symbol table and the time."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from isomargin import errors
from isomargin.auth.keystore import SecretBox
from isomargin.domain.value import value
from isomargin.service.shared_settings import DEFAULT_ADL_REFRESH_MS, DEFAULT_MARGIN_CALL_RATIO
from isomargin.symbols import SymbolSpec

WALLET_ASSET = "USDT"


def find_symbol(symbols: Mapping[str, SymbolSpec], name: str) -> SymbolSpec:
    """The symbol, or Binance's -1121 Invalid symbol."""
    spec = symbols.get(name)
    if spec is None:
        raise errors.BAD_SYMBOL.error()
    return spec


@value
class ServiceContext:
    symbols: Mapping[str, SymbolSpec]
    now_ms: int
    #: seals HMAC secrets before they are stored (control plane and scenarios create keys)
    secrets: SecretBox | None = None
    #: ``--order-response 2024``: placement and cancel answers carry avgPrice and cumQuote
    order_response_2024: bool = False
    #: the margin ratio that triggers MARGIN_CALL (service.shared_settings; shared by every worker)
    margin_call_ratio: Decimal = DEFAULT_MARGIN_CALL_RATIO
    #: ADL quantiles are ranked at most once per this many ms of server time (service.adl; shared)
    adl_refresh_ms: int = DEFAULT_ADL_REFRESH_MS

    def symbol(self, name: str) -> SymbolSpec:
        """The symbol, or Binance's -1121 Invalid symbol."""
        return find_symbol(self.symbols, name)
