"""Which stream a WebSocket URL asks for: every form clients use (trading reference §4.2).

2026 forms (Binance's mainnet since the URL split of 2026-04-23):
- ``/private/ws/<listenKey>`` and ``/private/ws?listenKey=<k>&events=A/B``: raw frames;
- ``/private/stream?listenKey=<k1>&events=A&listenKey=<k2>&events=B``: several keys, frames wrapped
  ``{"stream","data"}``; each ``events`` belongs to the ``listenKey`` before it;
- ``/private/ws`` or ``/private/stream`` alone, then JSON ``SUBSCRIBE`` (the official SDK's way);
- ``/market/ws/<stream>``, ``/market/stream?streams=a/b`` and SUBSCRIBE on ``/market/…``: the
  mark-price and bookTicker streams (``api/stream/market.py``); ``/public/…`` is accepted (the official
  SDK opens it before ``/private`` and gives up at the first refusal), answers commands and serves
  ``<symbol>@bookTicker``, the book data Binance moved there.

Legacy forms, fed only with ``--user-stream-urls legacy`` (like Binance's testnet); with
``current`` they connect and stay silent, as mainnet's do: ``/ws/<listenKey>``, ``/stream?streams=<k>``
(``/``-separated) and ``/ws`` or ``/stream`` followed by ``SUBSCRIBE``; and the market streams
on ``/ws/<stream>`` and ``/stream?streams=…`` (refused with ``current``, like an unknown path).

``events`` is an allow-list of frame names (``e``); absent, everything is delivered [obs MAXT].
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl


@dataclass(frozen=True, slots=True)
class KeyRequest:
    listen_key: str
    events: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class StreamUrl:
    #: ``private``, ``market``, ``public`` or ``legacy``
    kind: str
    wrapped: bool
    keys: tuple[KeyRequest, ...]
    #: market stream names (``btcusdt@markPrice``) named in the URL
    streams: tuple[str, ...] = ()

    @property
    def delivers(self) -> bool:
        """Whether user data can flow on it at all (market and public paths carry none)."""
        return self.kind in ("private", "legacy")


def _events(text: str) -> frozenset[str]:
    return frozenset(e for e in text.split("/") if e)


def _private_keys(query: str) -> tuple[KeyRequest, ...]:
    pairs: list[tuple[str, frozenset[str] | None]] = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "listenKey" and value:
            pairs.append((value, None))
        elif name == "events" and pairs and pairs[-1][1] is None:
            pairs[-1] = (pairs[-1][0], _events(value))
    return tuple(KeyRequest(k, e) for k, e in pairs)


def parse(path: str, query: str) -> StreamUrl | None:
    """The stream ``path`` and ``query`` name, or None for a path no Binance stream server serves."""
    parts = path.rstrip("/").split("/")[1:] if path != "/" else []
    if not parts:
        return None
    head, rest = parts[0], parts[1:]
    if head in ("private", "market", "public"):
        if not rest or rest[0] not in ("ws", "stream") or len(rest) > 2:
            return None
        wrapped = rest[0] == "stream"
        if len(rest) == 2 and wrapped:
            return None
        if head != "private":
            named = rest[1:] if len(rest) == 2 else _streams(query)
            return StreamUrl(head, wrapped, (), tuple(named))
        if len(rest) == 2:
            return StreamUrl(head, wrapped, (KeyRequest(rest[1], None),))
        return StreamUrl(head, wrapped, _private_keys(query))
    if head == "ws" and len(rest) <= 1:
        return _legacy(False, rest)
    if head == "stream" and not rest:
        return _legacy(True, _streams(query))
    return None


def _streams(query: str) -> list[str]:
    return [n for n in dict(parse_qsl(query)).get("streams", "").split("/") if n]


def _legacy(wrapped: bool, names: list[str]) -> StreamUrl:
    """Legacy URLs name listenKeys and market streams alike; a market name has ``@`` (or ``!``)."""
    market = tuple(n for n in names if "@" in n or n.startswith("!"))
    keys = tuple(KeyRequest(n, None) for n in names if n not in market)
    return StreamUrl("legacy", wrapped, keys, market)
