"""``isomargin account create`` against a live isomargin, through Typer's CliRunner."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from isomargin.cli.main import app
from tests.support import Api, LiveServer


def test_account_create_prints_the_whole_key_and_secret_on_a_narrow_terminal(live_server: LiveServer) -> None:
    result = CliRunner().invoke(app, ["account", "create", "--url", live_server.base_url], env={"COLUMNS": "80"})

    assert result.exit_code == 0, result.output
    found = dict(re.findall(r"^(apiKey|secretKey):\s+(\S+)$", result.stdout, re.MULTILINE))
    assert len(found["apiKey"]) == 64 and len(found["secretKey"]) == 64, result.stdout
    assert re.match(r"account \d+ created$", result.stdout.splitlines()[0])


async def test_account_show_prints_whole_numbers_on_a_narrow_terminal(live_api: Api, live_server: LiveServer) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    await live_api.mark("BTCUSDT", "51000")
    show = ["account", "show", str(creds.account_id), "--url", live_server.base_url]

    for columns in ("80", "200"):
        result = CliRunner().invoke(app, show, env={"COLUMNS": columns})
        assert result.exit_code == 0, result.output
        assert "45180.72289157" in result.stdout and "…" not in result.stdout, result.stdout


class _ErrorPage(BaseHTTPRequestHandler):
    """What a proxy in front of a stopped server answers: HTML, not JSON."""

    def _page(self) -> None:
        body = b"<html><body>502 Bad Gateway</body></html>"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _page

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def error_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ErrorPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "command",
    [["depth", "BTCUSDT"], ["account", "create"], ["watch", "--api-key", "k"]],
    ids=["depth", "control plane", "watch"],
)
def test_a_page_that_is_not_json_ends_the_command_with_one_line(error_page: str, command: list[str]) -> None:
    url = ["--base-url", error_page] if command[0] == "watch" else ["--url", error_page]
    env = {"ISOMARGIN_PROFILES": "/nonexistent/profiles.toml", "COLUMNS": "200"}
    result = CliRunner().invoke(app, [*command, *url], env=env)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.startswith(f"error: HTTP 502 from {error_page}"), result.stderr
    assert "is not JSON: '<html>" in result.stderr and "Traceback" not in result.output


def test_an_unreachable_server_ends_the_command_with_one_line() -> None:
    result = CliRunner().invoke(app, ["depth", "BTCUSDT", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1 and result.stderr.startswith("error: cannot reach http://127.0.0.1:9"), result.stderr
