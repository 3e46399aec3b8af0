"""Exit status 3, "outcome unknown": the margin change may or may not have been applied.

isomargin itself always answers, so a small proxy in front of the live server plays the network:
it passes every request through, except ``POST /fapi/v1/positionMargin``, where it either

* ``drop``: forwards the change to the server, then closes the connection without answering —
  the change WAS applied, the client cannot know; or
* ``503``: answers Binance's 503 -1007 "Timeout waiting for response from backend server. Send
  status unknown; execution status unknown." without forwarding — the change was NOT applied.

Both must exit 3 with a line saying to check the history before retrying (never exit 1, which
means "refused, nothing moved", and never a retry: the server sees at most one POST).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from typer.testing import CliRunner

from isomargin.cli.common import EXIT_UNKNOWN
from isomargin.cli.main import app
from tests.client.conftest import Clients
from tests.support import Api, LiveServer

runner = CliRunner()
UNKNOWN_1007 = {
    "code": -1007,
    "msg": "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
}
PASSED_HEADERS = ("content-type", "x-mbx-used-weight-1m")


@contextmanager
def faulty_proxy(upstream: str, mode: str) -> Iterator[tuple[str, list[str]]]:
    """``(url, posts)``: a proxy on 127.0.0.1 and the positionMargin bodies it received."""
    posts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _forward(self, body: bytes) -> httpx.Response:
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("x-mbx-apikey", "content-type")}
            return httpx.request(self.command, upstream + self.path, headers=headers, content=body, timeout=10)

        def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _pass(self, body: bytes) -> None:
            answer = self._forward(body)
            headers = {k: answer.headers[k] for k in PASSED_HEADERS if k in answer.headers}
            self._reply(answer.status_code, headers, answer.content)

        def do_GET(self) -> None:
            self._pass(b"")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if not self.path.startswith("/fapi/v1/positionMargin"):
                self._pass(body)
                return
            posts.append(body.decode())
            if mode == "drop":
                self._forward(body)  # applied upstream ...
                self.close_connection = True  # ... and the answer is lost: close without a byte
                return
            self._reply(503, {"Content-Type": "application/json"}, json.dumps(UNKNOWN_1007).encode())

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", posts
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize(("mode", "applied"), [("drop", True), ("503", False)])
async def test_an_unknown_outcome_exits_3_and_says_to_check_the_history(
    live_api: Api, live_server: LiveServer, clients: Clients, mode: str, applied: bool
) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)

    with faulty_proxy(live_server.base_url, mode) as (url, posts):
        result = runner.invoke(
            app,
            ["margin", "add", "BTCUSDT", "100", "--base-url", url, "--api-key", creds.api_key],
            env={"ISOMARGIN_PROFILES": "/nonexistent", "ISOMARGIN_API_SECRET": creds.secret_key, "COLUMNS": "120"},
        )

    assert result.exit_code == EXIT_UNKNOWN == 3, (result.stdout, result.stderr)
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("error -1007: ")
    assert "may or may not have been applied; check `isomargin margin history` before retrying" in line
    assert f"POST /fapi/v1/positionMargin, {url})" in line
    assert result.stdout == ""
    assert len(posts) == 1 and "amount=100" in posts[0]  # sent once, never retried
    history = clients.sync(creds).margin_history("BTCUSDT")
    # the open's TRADE row (0.01 × 50000 / 10 = 50), then the add if it landed
    assert [h.amount for h in history] == ([50, 100] if applied else [50])
