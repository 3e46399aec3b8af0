"""The README's Python example, extracted from README.md and run as written, so it cannot rot.

It runs against ``isomargin serve --scenario examples/demo.yaml`` (what ``make serve`` starts); the
only change made to the code is the base URL, since the test server listens on a free port.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.support import CONTROL, LiveServer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
README_URL = "http://127.0.0.1:8765"


def readme_python_example() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Use it from Python with the official Binance SDK", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README.md has no ```python block in its SDK section"
    return match.group(1)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("readme")
    server = LiveServer(
        f"sqlite:///{tmp}/demo.db",
        extra_args=["--scenario", str(ROOT / "examples" / "demo.yaml")],
        log_path=tmp / "server.log",
    )
    with server:
        yield server


def test_readme_python_example_runs_as_written(demo_server: LiveServer) -> None:
    code = readme_python_example()
    assert code.count(README_URL) == 1, "the example should name the server's URL exactly once"
    code = code.replace(README_URL, demo_server.base_url)
    before = httpx.get(f"{demo_server.base_url}{CONTROL}/accounts/1").json()

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)

    assert done.returncode == 0, done.stderr
    assert "amount=100.0 code=200 msg='Successfully modify position margin.' type=1" in done.stdout
    after = httpx.get(f"{demo_server.base_url}{CONTROL}/accounts/1").json()
    assert Decimal(after["crossWalletBalance"]) == Decimal(before["crossWalletBalance"]) - 100
    assert Decimal(after["walletBalance"]) == Decimal(before["walletBalance"])
    # what the README promises to print is what the example prints
    readme = (ROOT / "README.md").read_text()
    assert "# amount=100.0 code=200 msg='Successfully modify position margin.' type=1" in readme
