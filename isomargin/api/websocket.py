"""How a WebSocket path no stream serves is refused (``api/stream`` serves the user-data stream).

What Binance's stream servers answer a path they do not serve: the handshake is refused with
``HTTP 400``, ``Content-Type: text/plain`` and the body ``Invalid request path`` — captured from
``stream.binance.com:9443`` (2022-04-14, https://github.com/deniyuda348/letsbonk-dot-fun-copy-sniper-trading-bot/issues/9),
and ``wss://fstream.binance.com/ws/`` was refused with "Unexpected response code: 400"
(2020-01-06, https://github.com/craysiii/binance/pull/33). That fstream answers every unknown
path (``/ws/<unknown listenKey>``, ``/private/...``) the same way today is assumed: the 2026 URL
split left the legacy ``/ws/<key>`` accepting connections that then receive nothing
(trading reference §4.2), so a real client may see either. isomargin refuses a path form whose
listenKey is unknown or expired the same way (``api/stream/endpoint.py``).
"""

from __future__ import annotations

from isomargin.api.binance import Receive, Scope, Send

UNKNOWN_PATH_STATUS = 400
UNKNOWN_PATH_BODY = b"Invalid request path"


async def unknown_stream(scope: Scope, receive: Receive, send: Send) -> None:
    """Refuse the handshake as Binance does for a path it does not serve."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return  # the client left before its handshake was read
    if "websocket.http.response" in scope.get("extensions", {}):
        headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(UNKNOWN_PATH_BODY)).encode())]
        await send({"type": "websocket.http.response.start", "status": UNKNOWN_PATH_STATUS, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": UNKNOWN_PATH_BODY})
    else:
        # A server without the ASGI denial-response extension can only refuse with 403.
        await send({"type": "websocket.close", "code": 1008})
