"""``isomargin account create`` against a live isomargin, through Typer's CliRunner."""

from __future__ import annotations

import re

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
