"""``isomargin watch``: open the user-data stream for a key and print each event as it arrives.

Binance's own protocol end to end, so it works against isomargin, Binance and its testnet alike:
``POST /fapi/v1/listenKey`` with the API key, then ``/private/ws?listenKey=…`` on the stream host
(the REST host itself for isomargin), a keepalive ``PUT`` every 30 minutes. One Rich line per
event, or the raw frames with ``--json``. Stops at ``listenKeyExpired`` (no more events can come
on that key) or Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import httpx
import orjson
import typer
from rich.console import Console
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

from isomargin.cli.common import ApiKey, BaseUrl, Profile, fail, http_json
from isomargin.cli.profile import ProfileError, resolve

#: Binance asks for a keepalive every 60 minutes at most; its connectors send one every 30
KEEPALIVE_S = 30 * 60
#: REST host → stream host, for Binance itself (isomargin serves both on one port)
STREAM_HOSTS = {
    "fapi.binance.com": "wss://fstream.binance.com",
    "testnet.binancefuture.com": "wss://fstream.binancefuture.com",
    "demo-fapi.binance.com": "wss://demo-fstream.binance.com",
}

Events = Annotated[
    str | None,
    typer.Option("--events", help="Only these events, /-separated (e.g. ACCOUNT_UPDATE/ACCOUNT_CONFIG_UPDATE)."),
]
StreamUrl = Annotated[
    str | None,
    typer.Option("--stream-url", help="Stream host (default: fstream for Binance, else the server itself)."),
]
RawJson = Annotated[bool, typer.Option("--json", help="Print each frame as Binance sent it.")]


def stream_base(base_url: str) -> str:
    parts = urlsplit(base_url)
    known = STREAM_HOSTS.get(parts.hostname or "")
    if known:
        return known
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def _time(ms: Any) -> str:
    try:
        stamp = dt.datetime.fromtimestamp(int(ms) / 1000, tz=dt.UTC)
    except (TypeError, ValueError):
        return "?"
    return stamp.strftime("%H:%M:%S.%f")[:-3]


def describe(frame: dict[str, Any]) -> str:
    """One line (Rich markup) for a frame."""
    name = str(frame.get("e"))
    when = f"[dim]{_time(frame.get('E'))}[/dim]"
    if name == "ACCOUNT_UPDATE":
        account = frame.get("a", {})
        parts = [f"{when} [bold]ACCOUNT_UPDATE[/bold] [cyan]{account.get('m')}[/cyan]"]
        for b in account.get("B", []):
            parts.append(
                f"{b['a']} wallet {b['wb']} cross {b['cw']}" + (f" change {b['bc']}" if b["bc"] != "0" else "")
            )
        for p in account.get("P", []):
            side = "" if p["ps"] == "BOTH" else f" {p['ps']}"
            margin = f"isolated wallet {p['iw']}" if p["mt"] == "isolated" else "cross"
            parts.append(f"{p['s']}{side} {p['pa']} @ {p['ep']} {margin} uPnL {p['up']}")
        return " | ".join(parts)
    if name == "ACCOUNT_CONFIG_UPDATE":
        config = frame.get("ac") or {}
        return f"{when} [bold]ACCOUNT_CONFIG_UPDATE[/bold] {config.get('s')} leverage {config.get('l')}"
    if name == "listenKeyExpired":
        return f"{when} [bold red]listenKeyExpired[/bold red] no more events on this key"
    return f"{when} [bold]{name}[/bold] {orjson.dumps(frame).decode()}"


def watch(
    events: Events = None,
    as_json: RawJson = False,
    stream_url: StreamUrl = None,
    base_url: BaseUrl = None,
    api_key: ApiKey = None,
    profile: Profile = None,
) -> None:
    """Print the user-data stream's events for the key (ACCOUNT_UPDATE, ACCOUNT_CONFIG_UPDATE, …)."""
    try:
        conn = resolve(
            base_url=base_url, api_key=api_key, api_secret=None, key_file=None, key_type=None, profile=profile
        )
    except ProfileError as exc:
        fail(f"error: {exc}")
    if not conn.api_key:
        fail("error: an API key is needed: --api-key, ISOMARGIN_API_KEY or a profile")
    out, err = Console(highlight=False, soft_wrap=True), Console(stderr=True, highlight=False, soft_wrap=True)
    headers = {"X-MBX-APIKEY": conn.api_key}
    with httpx.Client(base_url=conn.base_url, headers=headers, timeout=10) as http:
        key = _key_call(http, "POST")
        query = {"listenKey": key, **({"events": events} if events else {})}
        url = f"{stream_url or stream_base(conn.base_url)}/private/ws?{urlencode(query)}"
        try:
            with ws_connect(url, open_timeout=10) as ws:
                err.print(f"watching the user-data stream of {conn.base_url} (Ctrl-C to stop)")
                kept_alive = time.monotonic()
                while True:
                    try:
                        text = ws.recv(timeout=60)
                    except TimeoutError:
                        text = None
                    if time.monotonic() - kept_alive > KEEPALIVE_S:
                        _key_call(http, "PUT")
                        kept_alive = time.monotonic()
                    if text is None:
                        continue
                    frame = orjson.loads(text)
                    if as_json:
                        print(text if isinstance(text, str) else text.decode(), flush=True)
                    else:
                        out.print(describe(frame))
                    if frame.get("e") == "listenKeyExpired":
                        return
        except KeyboardInterrupt:
            return
        except ConnectionClosed as exc:
            fail(f"the stream closed: {exc.rcvd.reason if exc.rcvd else 'no close frame'}")
        except OSError as exc:
            fail(f"error: cannot open the stream at {url}: {exc}")


def _key_call(http: httpx.Client, method: str) -> str:
    status, body = http_json(lambda: http.request(method, "/fapi/v1/listenKey"), str(http.base_url))
    if status != 200 or not isinstance(body, dict) or "listenKey" not in body:
        answer = body if not isinstance(body, dict) else f"{body.get('code')}: {body.get('msg')}"
        fail(f"error {answer} (HTTP {status}, {method} /fapi/v1/listenKey)")
    return str(body["listenKey"])
