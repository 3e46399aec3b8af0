"""A Python client for isolated margin on Binance USDⓈ-M Futures — and on isomargin, unchanged.

>>> from isomargin.client import Client
>>> with Client("http://127.0.0.1:8765", api_key, api_secret) as client:   # doctest: +SKIP
...     client.add_margin("BTCUSDT", "100")

:class:`Client` (blocking) and :class:`AsyncClient` (asyncio) share every line of request logic
(:mod:`isomargin.client.core`, :mod:`isomargin.client.ops`); they differ only in how bytes move.
The client never retries a call on its own; see :class:`ExecutionStatusUnknown`.
"""

from isomargin.auth.signing import KeyType
from isomargin.client.aio import AsyncClient
from isomargin.client.core import BINANCE_TESTNET_URL, BINANCE_URL
from isomargin.client.errors import (
    AmountMustBePositive,
    ApiKeyFormatInvalid,
    ApiKeyRejected,
    AuthError,
    BinanceAPIError,
    ClientError,
    CrossBalanceInsufficient,
    ExecutionStatusUnknown,
    InvalidSignature,
    IPBanned,
    IsolatedBalanceInsufficient,
    IsolatedMarginOnly,
    MarginError,
    MissingCredentials,
    NoPositionToAddMargin,
    RateLimitError,
    RequestInfo,
    TimestampOutsideRecvWindow,
    TransportError,
)
from isomargin.client.models import (
    Account,
    AccountAsset,
    AccountPosition,
    Ack,
    Balance,
    LeverageChange,
    MarginChange,
    MarginChangeType,
    MarginHistoryEntry,
    MarginType,
    MarkPrice,
    PositionRisk,
    SymbolBrackets,
)
from isomargin.client.ops import MarginPreview
from isomargin.client.sync import Client
from isomargin.client.trading import Income, Order, Trade
from isomargin.domain.position import PositionSide

__all__ = [
    "BINANCE_TESTNET_URL",
    "BINANCE_URL",
    "Account",
    "AccountAsset",
    "AccountPosition",
    "Ack",
    "AmountMustBePositive",
    "ApiKeyFormatInvalid",
    "ApiKeyRejected",
    "AsyncClient",
    "AuthError",
    "Balance",
    "BinanceAPIError",
    "Client",
    "ClientError",
    "CrossBalanceInsufficient",
    "ExecutionStatusUnknown",
    "IPBanned",
    "Income",
    "InvalidSignature",
    "IsolatedBalanceInsufficient",
    "IsolatedMarginOnly",
    "KeyType",
    "LeverageChange",
    "MarginChange",
    "MarginChangeType",
    "MarginError",
    "MarginHistoryEntry",
    "MarginPreview",
    "MarginType",
    "MarkPrice",
    "MissingCredentials",
    "NoPositionToAddMargin",
    "Order",
    "PositionRisk",
    "PositionSide",
    "RateLimitError",
    "RequestInfo",
    "SymbolBrackets",
    "TimestampOutsideRecvWindow",
    "Trade",
    "TransportError",
]
