"""The control plane's own error (not a Binance error): a message and an HTTP status."""

from __future__ import annotations

from collections.abc import Mapping

from isomargin.symbols import SymbolSpec


class AdminError(Exception):
    """A control-plane request that cannot be carried out; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def control_symbol(symbols: Mapping[str, SymbolSpec], name: str, status: int = 404) -> SymbolSpec:
    """A symbol the control plane names (a path segment: 404; a body field: the caller's 400),
    or an error listing the configured ones."""
    spec = symbols.get(name)
    if spec is None:
        raise AdminError(f"unknown symbol {name!r}; configured: {', '.join(sorted(symbols))}", status)
    return spec
