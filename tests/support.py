"""Test helpers: a signing HTTP harness around an app or a live server, and a live-server runner."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from isomargin.api.app import IsomarginApp, create_app
from isomargin.config import Settings

CONTROL = "/_isomargin/v1"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class Creds:
    account_id: int
    api_key: str
    secret_key: str


def hmac_hex(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


class Api:
    """Speaks to isomargin like a Binance client would, plus control-plane shortcuts.

    ``signed()`` builds the exact bytes it signs, in the query string (the official SDK's way)
    or the form body (python-binance's and ccxt's way).
    """

    def __init__(self, http: httpx.AsyncClient, now_ms: Any = None) -> None:
        self.http = http
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))

    async def account(self, balance: str = "10000", dual: bool = False, **extra: Any) -> Creds:
        r = await self.http.post(f"{CONTROL}/accounts", json={"balance": balance, "dualSidePosition": dual, **extra})
        assert r.status_code == 201, r.text
        data = r.json()
        return Creds(data["accountId"], data["apiKey"], data["secretKey"])

    async def position(
        self,
        creds: Creds,
        symbol: str = "BTCUSDT",
        amt: str = "0.01",
        entry: str = "50000",
        leverage: int = 10,
        side: str = "BOTH",
        **extra: Any,
    ) -> dict[str, Any]:
        body = {
            "accountId": creds.account_id,
            "symbol": symbol,
            "positionSide": side,
            "positionAmt": amt,
            "entryPrice": entry,
            "leverage": leverage,
            **extra,
        }
        r = await self.http.post(f"{CONTROL}/positions", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def mark(self, symbol: str, price: str) -> None:
        r = await self.http.put(f"{CONTROL}/markPrices/{symbol}", json={"markPrice": price})
        assert r.status_code == 200, r.text

    async def summary(self, creds: Creds) -> dict[str, Any]:
        r = await self.http.get(f"{CONTROL}/accounts/{creds.account_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def sign_params(
        self,
        creds: Creds,
        params: Sequence[tuple[str, str]] | dict[str, Any],
        *,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> str:
        items = list(params.items()) if isinstance(params, dict) else list(params)
        items.append(("timestamp", str(self._now_ms() if timestamp is None else timestamp)))
        payload = urlencode(items)
        return f"{payload}&signature={hmac_hex(secret or creds.secret_key, payload)}"

    async def signed(
        self,
        method: str,
        path: str,
        creds: Creds | None,
        params: Sequence[tuple[str, str]] | dict[str, Any] = (),
        *,
        where: str = "query",
        timestamp: int | None = None,
        secret: str | None = None,
        api_key: str | None = None,
    ) -> httpx.Response:
        headers = {"X-MBX-APIKEY": api_key if api_key is not None else creds.api_key if creds else ""}
        query = self.sign_params(creds, params, timestamp=timestamp, secret=secret) if creds else urlencode(params)
        if where == "body":
            return await self.http.request(method, path, content=query.encode(), headers={**headers, **FORM})
        return await self.http.request(method, f"{path}?{query}", headers=headers)

    async def raw(
        self,
        method: str,
        path: str,
        creds: Creds | None,
        query: str = "",
        body: str = "",
        *,
        sign: bool = True,
        uppercase: bool = False,
        api_key: str | None = None,
        send_key: bool = True,
        secret: str | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        """Send exactly ``query`` and ``body``; when ``sign``, HMAC ``query + body`` as Binance does and
        append ``signature=`` to the body if there is one, else to the query [GI]."""
        if sign and creds is not None:
            signature = hmac_hex(secret or creds.secret_key, query + body)
            signature = signature.upper() if uppercase else signature
            if body:
                body = f"{body}&signature={signature}"
            else:
                query = f"{query}&signature={signature}" if query else f"signature={signature}"
        headers: dict[str, str] = {}
        key = api_key if api_key is not None else creds.api_key if creds else None
        if key is not None and send_key:
            headers["X-MBX-APIKEY"] = key
        if body or content_type:
            headers["Content-Type"] = content_type or FORM["Content-Type"]
        url = f"{path}?{query}" if query else path
        return await self.http.request(method, url, content=body.encode(), headers=headers)

    def now(self) -> int:
        return int(self._now_ms())

    async def margin(
        self,
        creds: Creds,
        amount: str,
        type_: int,
        symbol: str = "BTCUSDT",
        side: str | None = None,
        where: str = "query",
        recv_window: int | None = None,
    ) -> httpx.Response:
        params = [("symbol", symbol), ("amount", amount), ("type", str(type_))]
        if side is not None:
            params.append(("positionSide", side))
        if recv_window is not None:
            params.append(("recvWindow", str(recv_window)))
        return await self.signed("POST", "/fapi/v1/positionMargin", creds, params, where=where)

    async def history(self, creds: Creds, symbol: str = "BTCUSDT", **params: Any) -> httpx.Response:
        return await self.signed(
            "GET",
            "/fapi/v1/positionMargin/history",
            creds,
            {"symbol": symbol, **{k: str(v) for k, v in params.items()}},
        )


@contextlib.asynccontextmanager
async def asgi_api(app: IsomarginApp) -> AsyncIterator[Api]:
    """An Api speaking to ``app`` in process (no sockets), on the app's own clock."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield Api(http, now_ms=app.state.clock.now_ms)


@contextlib.asynccontextmanager
async def in_process_api(settings: Settings) -> AsyncIterator[Api]:
    """A new app on ``settings`` and an Api speaking to it; the app's store is closed afterwards."""
    app = create_app(settings)
    try:
        async with asgi_api(app) as api:
            yield api
    finally:
        app.state.store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``isomargin serve`` in a subprocess, as a user runs it."""

    #: what start() polls until it answers 200
    ready_path = "/fapi/v1/ping"

    def __init__(
        self,
        db_url: str,
        *,
        workers: int = 1,
        extra_args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.db_url = db_url
        self.args = [
            sys.executable,
            "-m",
            "isomargin.cli.main",
            "serve",
            "--db",
            db_url,
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            *extra_args,
        ]
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> LiveServer:
        # 60 s: on a 2-CPU host busy with other test workers a start has taken over 30 s
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        # Its own process group, so a crash test can kill uvicorn's supervisor and workers at once.
        try:
            self.proc = subprocess.Popen(
                self.args, stdout=out, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
            )
        finally:
            if out is not subprocess.DEVNULL:
                out.close()  # the child holds its own copy of the descriptor
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"isomargin serve exited with {self.proc.returncode}: {self.args}")
            try:
                if httpx.get(f"{self.base_url}{self.ready_path}", timeout=0.5).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"isomargin serve did not answer within {timeout}s")

    def stop(self, sig: int | None = None) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            # Already gone (e.g. killed): make sure no orphaned worker keeps the port or the database.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc.poll() is None:
            if sig is None:
                self.proc.terminate()
            else:
                self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode

    def kill_group(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (``--workers N``: the supervisor and every worker)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=15)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
