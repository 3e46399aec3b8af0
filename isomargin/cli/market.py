"""``isomargin path …`` and ``isomargin clock …``: drive the market in time (issue 13).

- ``isomargin path play SYMBOL FILE.csv [--speed 60] [--from-now]`` loads a mark-price path from a
  CSV of ``time,markPrice[,bidPrice,askPrice]`` (``time`` in ms, e.g. recorded Binance mark-price
  klines' open times) and shows its progress while it plays.
- ``isomargin path show SYMBOL`` prints what is left of a path; ``isomargin path drop SYMBOL`` drops it.
- ``isomargin clock show|freeze|run|advance MS``.
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from isomargin.cli.control import JsonOption, TokenOption, UrlOption, _call, _table
from isomargin.cli.profile import DEFAULT_BASE_URL

path_app = typer.Typer(help="Schedule mark-price paths (control plane).", no_args_is_help=True)
clock_app = typer.Typer(help="Show, freeze, run and advance the server's clock.", no_args_is_help=True)

#: a path point at most this far ahead of the one before it is "now" enough to start playing
START_DELAY_MS = 500


def read_points(file: Path, *, speed: float, from_now: bool) -> list[dict[str, Any]]:
    """The CSV's rows as path points: times as recorded (``at``), or from now, ``speed`` times faster."""
    points: list[dict[str, Any]] = []
    first: int | None = None
    with file.open(newline="") as handle:
        for n, row in enumerate(csv.reader(handle), start=1):
            if not row or row[0].strip().lower() in ("time", "opentime", "open_time"):
                continue  # blank lines and a header
            if len(row) not in (2, 4):
                raise typer.BadParameter(f"{file}:{n}: expected time,markPrice[,bidPrice,askPrice]")
            try:
                at = int(row[0])
            except ValueError:
                raise typer.BadParameter(f"{file}:{n}: time must be an integer of milliseconds") from None
            first = at if first is None else first
            point: dict[str, Any] = {"markPrice": row[1].strip()}
            if len(row) == 4:
                point["bidPrice"], point["askPrice"] = row[2].strip(), row[3].strip()
            if from_now:
                point["afterMs"] = START_DELAY_MS + int((at - first) / speed)
            else:
                point["at"] = at
            points.append(point)
    if not points:
        raise typer.BadParameter(f"{file} holds no points")
    return points


@path_app.command("play")
def play(
    symbol: str,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV: time,markPrice[,bidPrice,askPrice]")],
    speed: Annotated[float, typer.Option(help="Play this many times faster (with --from-now).")] = 1.0,
    from_now: Annotated[bool, typer.Option("--from-now", help="Start now instead of at the recorded times.")] = False,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Show progress until it has played.")] = True,
    url: UrlOption = DEFAULT_BASE_URL,
    admin_token: TokenOption = None,
) -> None:
    """Schedule a path from a CSV and watch it play."""
    if speed <= 0 or (speed != 1 and not from_now):
        raise typer.BadParameter("--speed must be positive, and needs --from-now")
    points = read_points(file, speed=speed, from_now=from_now)
    symbol = symbol.upper()
    stored = _call("PUT", url, f"/markPrices/{symbol}/path", admin_token, {"points": points})
    total = len(stored["points"])
    console = Console()
    console.print(f"{symbol}: {total} points scheduled, the last at server time {stored['points'][-1]['at']}")
    if not wait:
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"{symbol} path", total=total)
        while True:
            left = len(_call("GET", url, f"/markPrices/{symbol}/path", admin_token)["points"])
            progress.update(task, completed=total - left)
            if left == 0:
                break
            clock = _call("GET", url, "/clock", admin_token)
            frozen = " (clock frozen: `isomargin clock advance MS` plays it)" if clock["frozen"] else ""
            progress.update(task, description=f"{symbol} path{frozen}")
            time.sleep(0.5)
    console.print(f"{symbol}: path played")


@path_app.command("show")
def show(
    symbol: str, url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None, as_json: JsonOption = False
) -> None:
    """What is left of a symbol's path."""
    data = _call("GET", url, f"/markPrices/{symbol.upper()}/path", admin_token)
    if as_json:
        typer.echo(json.dumps(data))
        return
    Console().print(_table(f"{data['symbol']} path", data["points"], ["at", "markPrice", "bidPrice", "askPrice"]))


@path_app.command("drop")
def drop(symbol: str, url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None) -> None:
    """Drop what is left of a symbol's path."""
    data = _call("DELETE", url, f"/markPrices/{symbol.upper()}/path", admin_token)
    Console().print(f"{data['symbol']}: {data['deleted']} points dropped")


def _print_clock(data: dict[str, Any]) -> None:
    state = "frozen" if data["frozen"] else "running"
    Console().print(f"server time [bold]{data['serverTime']}[/bold] ({state}, offset {data['offsetMs']} ms)")


@clock_app.command("show")
def clock_show(url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None) -> None:
    """The server's time, and whether it runs."""
    _print_clock(_call("GET", url, "/clock", admin_token))


@clock_app.command("freeze")
def clock_freeze(url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None) -> None:
    """Stop the server's time where it is."""
    _print_clock(_call("PUT", url, "/clock", admin_token, {"frozen": True}))


@clock_app.command("run")
def clock_run(url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None) -> None:
    """Let a frozen clock run again from where it stands."""
    _print_clock(_call("PUT", url, "/clock", admin_token, {"frozen": False}))


@clock_app.command("advance")
def clock_advance(
    ms: int, url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None, as_json: JsonOption = False
) -> None:
    """Move time forward, applying every path point and funding time it passes."""
    data = _call("POST", url, "/clock/advance", admin_token, {"ms": ms})
    if as_json:
        typer.echo(json.dumps(data))
        return
    _print_clock(data)
    # the stops and take-profits a point fired: a column only when one did, so the usual table
    # still fits an 80-column terminal
    fired = any(e.get("triggers") for e in data["events"])
    rows = [
        {
            "time": e["time"],
            "type": e["type"],
            "symbol": e["symbol"],
            "markPrice": e.get("markPrice", ""),
            **({"triggers": len(e.get("triggers", []))} if fired else {}),
            "liquidations": len(e["liquidations"]),
            "marginCalls": len(e["marginCalls"]),
        }
        for e in data["events"]
    ]
    if rows:
        Console().print(_table("what the advance applied", rows, list(rows[0])))
    else:
        Console().print("no scheduled event in that time")
