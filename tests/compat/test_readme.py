"""The README's examples, extracted from README.md and run as written, so they cannot rot.

They run against ``isomargin serve --scenario examples/demo.yaml`` (what ``make serve`` starts);
the only change made to them is the base URL, since the test server listens on a free port (and
that URL is written back as ``http://127.0.0.1:8765`` in output that shows it).

* the official-SDK example ("Use it from Python with the official Binance SDK");
* the ``isomargin.client`` example ("Manage margin from Python"): its stdout must be the output
  block under it, character for character;
* the terminal transcript ("Manage margin from the terminal"): each ``$ command`` is run by bash
  with the README's ``[default]`` profile and ``COLUMNS=100``; its output (stderr included) must
  be the README's, the margin history's timestamp alone excepted.

Lines are compared without trailing spaces (Rich pads table lines to the table's width; a
terminal shows nothing there and the README cannot keep them) and without trailing blank lines.

Request weight is shown in both outputs ("used weight 20", ``client.used_weight``); Binance and
isomargin count it per IP in fixed one-minute windows, so each example runs in ONE window of a
server that has counted nothing yet: the server is started without the usual ``/fapi/v1/ping``
readiness probe (the control plane's health check costs no weight), and a run that could reach
the end of the current minute first waits for the next one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import yaml

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


def demo_at(directory: Path, kind: type[LiveServer] = LiveServer) -> LiveServer:
    """A server on a new SQLite file in ``directory``, loaded with examples/demo.yaml as make serve does."""
    return kind(
        f"sqlite:///{directory}/demo.db",
        extra_args=["--scenario", str(ROOT / "examples" / "demo.yaml")],
        log_path=directory / "server.log",
    )


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with demo_at(tmp_path_factory.mktemp("readme")) as server:
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


# --- "Manage margin from Python" and "Manage margin from the terminal" ---------------------------
MINUTE_MS = 60_000
HISTORY_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}")


class WeightlessStart(LiveServer):
    """A LiveServer that waits on the control plane's health check, which counts no request weight.

    LiveServer's readiness probe is ``GET /fapi/v1/ping``, 1 weight in the current minute: a user's
    fresh ``make serve`` has no such request, and the README shows the used weight.
    """

    ready_path = f"{CONTROL}/health"


@pytest.fixture
def fresh_demo(tmp_path: Path) -> Iterator[LiveServer]:
    """A new demo server for one test: the examples start from the demo's initial state."""
    with demo_at(tmp_path, WeightlessStart) as server:
        yield server


def server_ms(server: LiveServer) -> int:
    """The server's clock, read through the control plane (no request weight)."""
    return int(httpx.get(f"{server.base_url}{CONTROL}/clock").json()["serverTime"])


def one_minute_window(server: LiveServer, needed_s: float) -> int:
    """Wait, if need be, until ``needed_s`` seconds fit in the server's current weight window."""
    now = server_ms(server)
    left_ms = MINUTE_MS - now % MINUTE_MS
    if left_ms < needed_s * 1000:
        time.sleep(left_ms / 1000 + 0.2)
        now = server_ms(server)
    return now


def assert_same_window(server: LiveServer, started_ms: int) -> None:
    assert server_ms(server) // MINUTE_MS == started_ms // MINUTE_MS, (
        "the run crossed a minute boundary, so the used weight restarted: the machine was too slow for the wait"
    )


def section(name: str) -> str:
    text = (ROOT / "README.md").read_text()
    return text.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]


def fenced(text: str) -> list[tuple[str, str]]:
    """``(info string, body)`` of each ``` block, in order."""
    blocks: list[tuple[str, str]] = []
    info: str | None = None
    body: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            if info is None:
                info, body = line[3:].strip(), []
            else:
                blocks.append((info, "".join(body)))
                info = None
        elif info is not None:
            body.append(line)
    return blocks


def normalized(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n")


def demo_one_way_key() -> tuple[str, str]:
    scenario = yaml.safe_load((ROOT / "examples" / "demo.yaml").read_text())
    account = scenario["accounts"][0]
    assert account["dualSidePosition"] is False
    return account["apiKey"], account["secretKey"]


def test_readme_client_example_prints_what_the_readme_shows(fresh_demo: LiveServer) -> None:
    text = section("Manage margin from Python")
    blocks = fenced(text)
    (at,) = [i for i, (info, _) in enumerate(blocks) if info == "python"]
    code, (info, shown) = blocks[at][1], blocks[at + 1]
    assert info == "", "the example's output block should follow it"
    key, secret = demo_one_way_key()
    # Copy-pasteable: the snippet defines the demo key itself.
    assert f'KEY = "{key}"' in code and f'SECRET = "{secret}"' in code
    assert code.count(README_URL) == 1, "the example should name the server's URL exactly once"
    code = code.replace(README_URL, fresh_demo.base_url)

    started = one_minute_window(fresh_demo, needed_s=15)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert_same_window(fresh_demo, started)

    assert done.returncode == 0, done.stderr
    assert normalized(done.stdout) == normalized(shown)


def test_readme_terminal_transcript_is_what_the_commands_print(fresh_demo: LiveServer, tmp_path: Path) -> None:
    text = section("Manage margin from the terminal")
    (profile_toml,) = [body for info, body in fenced(text) if info == "toml"]
    (transcript,) = [body for info, body in fenced(text) if body.startswith("$ ")]
    # The README's own profile file, pointed at the test server.
    assert profile_toml.count(f'base_url = "{README_URL}"') == 1
    (tmp_path / "profiles.toml").write_text(profile_toml.replace(README_URL, fresh_demo.base_url))
    steps = [
        (chunk.split("\n", 1)[0], chunk.split("\n", 1)[1] if "\n" in chunk else "")
        for chunk in re.split(r"^\$ ", transcript, flags=re.M)[1:]
    ]
    assert [command for command, _ in steps] == [
        "isomargin positions",
        "isomargin margin add BTCUSDT 100",
        'isomargin margin reduce BTCUSDT 500; echo "exit $?"',
        "isomargin margin history BTCUSDT",
    ]
    # As a user's shell runs them: the installed entry point, no ISOMARGIN_* of the test runner's
    # own, output to a pipe (no colours), a terminal COLUMNS wide.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISOMARGIN_") and k != "FORCE_COLOR"}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "ISOMARGIN_PROFILES": str(tmp_path / "profiles.toml"),
        "COLUMNS": "100",
    }

    started = one_minute_window(fresh_demo, needed_s=25)
    outputs = [
        subprocess.run(
            ["bash", "-c", command], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60
        ).stdout
        for command, _ in steps
    ]
    assert_same_window(fresh_demo, started)

    for (command, shown), output in zip(steps, outputs, strict=True):
        actual = normalized(output.replace(fresh_demo.base_url, README_URL))
        expected = normalized(shown)
        if command == "isomargin margin history BTCUSDT":
            # The one variable: when the margin was added. It must be this run's add, in UTC.
            (when,) = HISTORY_TIME.findall(actual)
            at = dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.UTC).timestamp() * 1000
            assert started - 1 <= at <= server_ms(fresh_demo)
            assert len(HISTORY_TIME.findall(expected)) == 1
            actual, expected = HISTORY_TIME.sub("<time>", actual), HISTORY_TIME.sub("<time>", expected)
        assert actual == expected, f"$ {command}"
