"""WebSocket requests reach the WebSocket endpoint, never the HTTP-only Binance path.

A path no stream serves (or a user-data path whose listenKey does not exist) is refused as
Binance's stream servers refuse a path they do not serve: HTTP 400, text/plain, "Invalid
request path" (api/websocket.py has the evidence). Checked with a real WebSocket client against
``isomargin serve``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from isomargin.api.app import IsomarginApp
from tests.support import LiveServer

PATHS = [
    "/ws/0123456789abcdef",  # legacy user-data form
    "/private/ws?listenKey=unknown&events=ORDER_TRADE_UPDATE/ACCOUNT_UPDATE",
    "/stream?streams=btcusdt@markPrice",
    "/fapi/v1/ping",  # a Binance REST path: HTTP only
    "/_isomargin/v1/health",  # the control plane: HTTP only
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("ws")
    with LiveServer(f"sqlite:///{tmp}/ws.db", log_path=tmp / "server.log") as live:
        yield live


@pytest.mark.parametrize("path", PATHS)
async def test_an_unknown_stream_is_refused_like_binance(server: LiveServer, path: str) -> None:
    ws_url = server.base_url.replace("http://", "ws://") + path
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url, open_timeout=5):
            pass
    response = refused.value.response
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain"
    assert response.body == b"Invalid request path"
    # the server is unharmed and HTTP on the same path still gets its HTTP answer
    assert httpx.get(f"{server.base_url}/fapi/v1/ping").json() == {}


async def test_nothing_is_logged_as_an_error(server: LiveServer) -> None:
    ws_url = server.base_url.replace("http://", "ws://") + "/ws/x"
    with pytest.raises(InvalidStatus):
        async with connect(ws_url, open_timeout=5):
            pass
    assert server.log_path is not None
    log = Path(server.log_path).read_text()
    assert "Traceback" not in log and "Exception in ASGI application" not in log


async def run_websocket(app: IsomarginApp, extensions: dict[str, Any]) -> list[dict[str, Any]]:
    scope = {"type": "websocket", "path": "/fapi/v1/positionMargin", "headers": [], "extensions": extensions}
    incoming = [{"type": "websocket.connect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop() if incoming else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def test_a_websocket_never_reaches_the_binance_path(app: IsomarginApp, monkeypatch: pytest.MonkeyPatch) -> None:
    async def must_not_run(*args: object) -> None:
        raise AssertionError("a WebSocket reached the HTTP-only Binance path")

    monkeypatch.setattr(app, "binance", must_not_run)
    sent = await run_websocket(app, {"websocket.http.response": {}})
    assert [m["type"] for m in sent] == ["websocket.http.response.start", "websocket.http.response.body"]
    assert sent[0]["status"] == 400
    # a server without the denial-response extension can only close the handshake (403 there)
    assert await run_websocket(app, {}) == [{"type": "websocket.close", "code": 1008}]
