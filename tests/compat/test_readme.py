"""The README's examples, extracted from README.md and run as written, so they cannot rot.

They run against ``isomargin serve --scenario examples/demo.yaml`` (what ``make serve`` starts);
the only change made to them is the base URL, since the test server listens on a free port (and
that URL is written back as ``http://127.0.0.1:8765`` in output that shows it).

* the official-SDK example ("Use it from Python with the official Binance SDK");
* the ``isomargin.client`` example ("Manage margin from Python"): its stdout must be the output
  block under it, character for character;
* the terminal transcript ("Manage margin from the terminal"): each ``$ command`` is run by bash
  with the README's ``[default]`` profile and ``COLUMNS=100``; its output (stderr included) must
  be the README's, the margin history's timestamp alone excepted;
* the liquidation walkthrough ("Liquidation"): its terminal blocks and its official-SDK block run
  in order (each terminal block in one bash, the key exported as the README does); each output
  must be the README's, the fills' times and the minute's used weight excepted.

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


def frozen_weight_window(server: LiveServer) -> int:
    """Freeze the server's clock where it is and return that time.

    The examples show the used weight, counted per server-time minute: a run that crossed a
    minute's end (a loaded host takes over 25 s for four CLI starts) restarted the count. Frozen,
    every request of the run falls in one minute; a frozen clock checks no client's recvWindow,
    so the clients sign with their own clocks as before, and nothing shown depends on the freeze.
    """
    r = httpx.put(f"{server.base_url}{CONTROL}/clock", json={"frozen": True})
    assert r.status_code == 200, r.text
    return int(r.json()["serverTime"])


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

    frozen_weight_window(fresh_demo)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)

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

    started = frozen_weight_window(fresh_demo)
    outputs = [
        subprocess.run(
            ["bash", "-c", command], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60
        ).stdout
        for command, _ in steps
    ]

    for (command, shown), output in zip(steps, outputs, strict=True):
        actual = normalized(output.replace(fresh_demo.base_url, README_URL))
        expected = normalized(shown)
        if command == "isomargin margin history BTCUSDT":
            # The variables: when the demo's position was opened (its TRADE row, written as the
            # server loaded the demo, before this run) and when the margin was added (this run's
            # add), in UTC.
            opened, added = (
                dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.UTC).timestamp() * 1000
                for when in HISTORY_TIME.findall(actual)
            )
            assert opened <= started and started - 1 <= added <= server_ms(fresh_demo)
            assert len(HISTORY_TIME.findall(expected)) == 2
            actual, expected = HISTORY_TIME.sub("<time>", actual), HISTORY_TIME.sub("<time>", expected)
        assert actual == expected, f"$ {command}"


# --- "Liquidation" ---------------------------------------------------------------------------------
STEP_MARK = "@@isomargin-readme-step@@"
CLOCK_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
USED_WEIGHT = re.compile(r"used weight \d+")


def transcript_steps(body: str) -> list[tuple[str, str]]:
    """``(command, output shown)`` of each ``$ command`` of a terminal block."""
    return [
        (chunk.split("\n", 1)[0], chunk.split("\n", 1)[1] if "\n" in chunk else "")
        for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]
    ]


def run_in_one_shell(commands: list[str], env: dict[str, str]) -> list[str]:
    """Each command's output (stderr included), run one after the other in one bash, as typed."""
    script = "".join(f"echo {STEP_MARK}\n{command}\n" for command in commands)
    done = subprocess.run(
        ["bash", "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300
    )
    outputs = done.stdout.split(f"{STEP_MARK}\n")
    assert outputs[0] == "", outputs[0]
    return outputs[1:]


def liquidation_walkthrough(server: LiveServer, name: str = "Liquidation") -> list[tuple[str, str, str]]:
    """Run the README's Liquidation section (or another of its shape, ``name``) against ``server``:
    ``(command, shown, printed)`` per step.

    Its blocks run in order: each terminal block in one bash (after the ``export`` lines of the
    blocks before it), the SDK block with Python. What a command prints names the README's URL.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISOMARGIN_") and k != "FORCE_COLOR"}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "ISOMARGIN_BASE_URL": server.base_url,
        "ISOMARGIN_PROFILES": "/nonexistent/profiles.toml",
        "COLUMNS": "100",
    }
    exports: list[str] = []
    steps: list[tuple[str, str, str]] = []
    for info, body in fenced(section(name)):
        if info == "python":
            assert body.count(README_URL) == 1, "the SDK block should name the server's URL exactly once"
            code = body.replace(README_URL, server.base_url)
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
            assert done.returncode == 0, done.stderr
            continue
        shown = transcript_steps(body)
        assert shown, f"a terminal block of the {name} section holds no $ command: {body!r}"
        outputs = run_in_one_shell(exports + [command for command, _ in shown], env)[len(exports) :]
        exports += [command for command, _ in shown if command.startswith("export ")]
        steps += [
            (command, expected, printed.replace(server.base_url, README_URL))
            for (command, expected), printed in zip(shown, outputs, strict=True)
        ]
    return steps


def test_readme_liquidation_walkthrough_is_what_the_commands_print(fresh_demo: LiveServer) -> None:
    steps = liquidation_walkthrough(fresh_demo)

    assert [command for command, _, _ in steps] == [
        "isomargin account create --balance 1000 --api-key liq-demo-key --secret-key liq-demo-secret",
        "isomargin mark BTCUSDT 50000",
        "export ISOMARGIN_API_KEY=liq-demo-key ISOMARGIN_API_SECRET=liq-demo-secret",
        "isomargin positions",
        "isomargin mark BTCUSDT 47760",
        "isomargin mark BTCUSDT 47715.86 --dry-run",
        "isomargin mark BTCUSDT 47715.86",
        "isomargin positions",
        "isomargin liquidations",
        "isomargin trades BTCUSDT",
        "isomargin mark BTCUSDT 50000",
        "isomargin order buy BTCUSDT 0.01",
        "isomargin mark BTCUSDT 47760",
        "isomargin margin add BTCUSDT 10",
        "isomargin mark BTCUSDT 47715.86",
        "isomargin positions",
    ]
    for command, shown, printed in steps:
        # The walkthrough's variables: when the orders filled, and the weight the IP used this minute
        # (a reader at the keyboard crosses minutes; the terminal transcript above pins it instead).
        actual = USED_WEIGHT.sub("used weight N", CLOCK_TIME.sub("<time>", normalized(printed)))
        expected = USED_WEIGHT.sub("used weight N", CLOCK_TIME.sub("<time>", normalized(shown)))
        assert actual == expected, f"$ {command}\n{printed}"
    # what the walkthrough is for: the move just below the liquidation price kills the long and
    # positionRisk shows it gone; the long topped up at the margin call survives the same move
    assert "positions liquidated" in steps[6][2] and steps[7][2].strip() == "no open positions"
    assert "nothing happened" in steps[-2][2] and "16.03%" in steps[-1][2]


# --- "Stop-loss and take-profit" -------------------------------------------------------------------
SERVER_MS = re.compile(r"\b1\d{12}\b")


def test_readme_stop_loss_walkthrough_is_what_the_commands_print(fresh_demo: LiveServer) -> None:
    """Issue 13's "done when": a frozen clock, a long with a stop-loss placed through the official
    SDK, a falling path played with ``isomargin path play`` and an advance; the stop closes the
    long at the first point at or below it, before the path reaches the liquidation price."""
    steps = liquidation_walkthrough(fresh_demo, "Stop-loss and take-profit")

    assert [command for command, _, _ in steps] == [
        "isomargin account create --balance 1000 --api-key stop-demo-key --secret-key stop-demo-secret",
        "isomargin mark BTCUSDT 50000",
        "export ISOMARGIN_API_KEY=stop-demo-key ISOMARGIN_API_SECRET=stop-demo-secret",
        "isomargin clock freeze",
        "isomargin path play BTCUSDT examples/falling-path.csv --from-now --no-wait",
        "isomargin clock advance 181000",
        "isomargin positions",
        "isomargin trades BTCUSDT",
    ]
    for command, shown, printed in steps:
        # the variables: the server's time in ms (the clock is frozen where the run found it) and
        # the fills' times
        actual = SERVER_MS.sub("<ms>", CLOCK_TIME.sub("<time>", normalized(printed)))
        expected = SERVER_MS.sub("<ms>", CLOCK_TIME.sub("<time>", normalized(shown)))
        assert actual == expected, f"$ {command}\n{printed}"
    # the times themselves: frozen at T, the points at T + 500 + one minute each, the advance to
    # T + 181000, the last point 500 ms before it
    (frozen,) = [int(t) for t in SERVER_MS.findall(steps[3][2])]
    advanced, *points = [int(t) for t in SERVER_MS.findall(steps[5][2])]
    assert advanced == frozen + 181_000
    assert points == [frozen + 500 + n * 60_000 for n in range(4)]
    assert httpx.get(f"{fresh_demo.base_url}{CONTROL}/clock").json()["frozen"] is True
