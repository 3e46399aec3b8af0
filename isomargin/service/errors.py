"""The control plane's own error (not a Binance error): a message and an HTTP status."""

from __future__ import annotations


class AdminError(Exception):
    """A control-plane request that cannot be carried out; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
