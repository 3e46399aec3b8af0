"""Helpers for stream tests: a listenKey, a WebSocket URL on a live server, frames with a timeout."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection

from tests.support import Api, Creds

#: how long a test waits for a frame that must come
FRAME_TIMEOUT_S = 5.0


async def listen_key(api: Api, creds: Creds) -> str:
    r = await api.raw("POST", "/fapi/v1/listenKey", creds, sign=False)
    assert r.status_code == 200, r.text
    return str(r.json()["listenKey"])


def ws_url(base_url: str, path: str) -> str:
    return base_url.replace("http://", "ws://") + path


async def next_frame(ws: ClientConnection, timeout: float = FRAME_TIMEOUT_S) -> dict[str, Any]:
    text = await asyncio.wait_for(ws.recv(), timeout)
    assert isinstance(text, str)
    data: dict[str, Any] = json.loads(text)
    return data


async def raw_frame(ws: ClientConnection, timeout: float = FRAME_TIMEOUT_S) -> str:
    text = await asyncio.wait_for(ws.recv(), timeout)
    assert isinstance(text, str)
    return text


async def nothing_within(ws: ClientConnection, seconds: float = 0.5) -> bool:
    """True when no frame arrives within ``seconds``."""
    try:
        await asyncio.wait_for(ws.recv(), seconds)
    except TimeoutError:
        return True
    return False
