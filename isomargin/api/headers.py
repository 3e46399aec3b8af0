"""The headers every Binance answer carries besides its body, and the CORS pre-flight answer.

What the real fapi server sends, from its most recent full header dump (a 400 on
``POST /fapi/v1/leverage``, ccxt #16031, 2022-12-09, RAW): ``Content-Type``, ``Content-Length``,
``Date``, ``Server: Tengine``, ``X-MBX-USED-WEIGHT-1M``, ``x-response-time: 0ms``,
``Access-Control-Allow-Origin: *``, ``Access-Control-Allow-Methods: GET, POST, PUT, DELETE,
OPTIONS``, then the CDN's own (``X-Cache``, ``Via``, ``X-Amz-Cf-*``); a 400 of the same
endpoint on 2021-03-22 (ccxt #6978) shows the same CORS pair and nothing more. A 2025 dump
(binance-futures-connector-python #239) shows the same ``Server`` and ``x-response-time``;
fidelity audit #2 and #21.

- CORS: every answer under ``/fapi/`` carries the two ``Access-Control-Allow-*`` headers, so a
  web page on another origin can read it, as it can read Binance's. Nothing else does: the
  control plane (``/_isomargin/``) and anything mounted beside the Binance API (a dashboard)
  must never be drivable by a web page on another origin, and answer no pre-flight.
- Pre-flight: ``OPTIONS`` on any ``/fapi/`` path is answered 200 with an empty body and the CORS
  headers, before any counting or authentication (assumed: no capture of a fapi pre-flight
  exists; a browser sends it on its own before a signed request, and counting it would charge a
  browser client twice the weight of a server-side one). ``Access-Control-Allow-Headers``
  begins as the one capture that shows it (``*,clienttype,Content-Type,…``, ccxt #9273, 2021;
  the rest is not quoted) and names ``X-MBX-APIKEY``, which every signed request of a browser
  sends (assumed).
- ``x-response-time``: the time isomargin took, in whole milliseconds, as Binance reports its own.
- Not sent (assumed: cosmetic, and each would mislead): ``Server: Tengine`` (isomargin is not
  Tengine; an operator reading it behind a proxy would be sent the wrong way), the 2021 dump's
  ``Access-Control-Allow-Credentials: true`` (gone from the 2022 dump; with ``Allow-Origin: *``
  a browser ignores it anyway), and the CDN's headers.
"""

from __future__ import annotations

from time import perf_counter_ns

FAPI_PREFIX = "/fapi/"

CORS_HEADERS: list[tuple[bytes, bytes]] = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, POST, PUT, DELETE, OPTIONS"),
]
PREFLIGHT_HEADERS: list[tuple[bytes, bytes]] = [
    *CORS_HEADERS,
    (b"access-control-allow-headers", b"*,clienttype,Content-Type,X-MBX-APIKEY"),
    (b"content-length", b"0"),
]


def has_cors(path: str) -> bool:
    """Binance's own API, and only it, answers web pages of other origins."""
    return path.startswith(FAPI_PREFIX)


def is_preflight(method: str, path: str) -> bool:
    return method == "OPTIONS" and has_cors(path)


def response_time(started_ns: int) -> tuple[bytes, bytes]:
    """The time since ``started_ns`` (``time.perf_counter_ns()``), as Binance reports its own."""
    return (b"x-response-time", b"%dms" % ((perf_counter_ns() - started_ns) // 1_000_000))
