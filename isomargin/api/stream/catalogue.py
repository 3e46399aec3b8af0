"""What the user-data stream serves, and what it does not yet: the rows of docs/COVERAGE.md's
"Streams" section (``isomargin.coverage`` renders them; a test keeps the file current)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StreamItem:
    kind: str  # URL | event | command | rule
    name: str
    served: bool
    note: str


STREAM_ITEMS: tuple[StreamItem, ...] = (
    StreamItem("URL", "/private/ws/<listenKey>", True, "raw frames"),
    StreamItem("URL", "/private/ws?listenKey=…&events=A/B", True, "raw frames; events is an allow-list [obs MAXT]"),
    StreamItem("URL", "/private/stream?listenKey=…&events=…", True, "several keys; frames wrapped {stream, data}"),
    StreamItem(
        "URL",
        "/market/ws/<stream>, /market/stream?streams=…",
        True,
        "mark-price, bookTicker, forceOrder; SUBSCRIBE too",
    ),
    StreamItem("URL", "/public/…", True, "accepted, commands answered; <symbol>@bookTicker only"),
    StreamItem(
        "URL", "/ws/<listenKey>, /stream?streams=…, /ws + SUBSCRIBE", True, "silent unless --user-stream-urls legacy"
    ),
    StreamItem("command", "SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS", True, "bare key or <key>@<EVENT> (assumed)"),
    StreamItem("command", "SET_PROPERTY / GET_PROPERTY combined", True, ""),
    StreamItem(
        "event",
        "ACCOUNT_UPDATE",
        True,
        "ORDER, MARGIN_TRANSFER, MARGIN_TYPE_CHANGE, DEPOSIT, WITHDRAW",
    ),
    StreamItem("event", "ACCOUNT_CONFIG_UPDATE", True, "leverage"),
    StreamItem("event", "listenKeyExpired", True, "on DELETE and when a key runs out by the server clock"),
    StreamItem("event", "ORDER_TRADE_UPDATE, TRADE_LITE", True, "fills, resting orders, cancels, expiries"),
    StreamItem("event", "MARGIN_CALL", False, "with liquidation"),
    StreamItem(
        "event",
        "ALGO_UPDATE",
        True,
        "NEW, TRIGGERED, FINISHED, REJECTED, CANCELED, EXPIRED (no TRIGGERING: the trigger places at once)",
    ),
    StreamItem("event", "<symbol>@markPrice(@1s), !markPrice@arr(@1s)", True, "premiumIndex's values, every 3 s / 1 s"),
    StreamItem("event", "<symbol>@bookTicker", True, "the control plane's book top, on change; B/A assumed"),
    StreamItem(
        "event",
        "<symbol>@forceOrder, !forceOrder@arr",
        True,
        "each symbol's latest liquidation of the second [doc LOS]",
    ),
    StreamItem("command", "ws-fapi userDataStream.start / .ping / .stop", True, "/ws-fapi/v1; the same key as REST"),
    StreamItem("rule", "ping every 3 min, closed after 10 min without pong", True, "uvicorn's ws ping"),
    StreamItem("rule", "24-hour connection limit by the server clock", True, "close 1000 (code assumed)"),
    StreamItem("rule", "slow client closed with a reason, never skipped", True, "1008 past 1000 queued frames"),
    StreamItem("rule", "every worker and host: exactly once, in order per account", True, "outbox seq"),
)
