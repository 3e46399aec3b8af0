"""Settings refuse what would only fail later, per request."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from isomargin.cli.main import app
from isomargin.config import Settings


def test_a_malformed_trusted_proxy_is_refused_at_start() -> None:
    # it used to be parsed per request, so every request with X-Forwarded-For answered a plain-text 500
    with pytest.raises(ValueError, match="trusted proxy 'garbage' is not an IP address or network"):
        Settings(trusted_proxies=("10.0.0.0/8", "garbage"))
    assert Settings(trusted_proxies=("10.0.0.0/8", "::1", "192.168.1.7")).trusted_proxies


def test_serve_stops_with_one_line_on_a_malformed_trusted_proxy(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--db", f"sqlite:///{tmp_path}/s.db", "--trusted-proxy", "10.0.0.300"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 2
    assert "trusted proxy '10.0.0.300' is not an IP address or network" in result.output
    assert "Traceback" not in result.output
