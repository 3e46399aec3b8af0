"""``isomargin depth SYMBOL [--step S --quantity Q | --off]``: a symbol's book, and the ladder of
levels behind its top (issue 13, ``/_isomargin/v1/depth/{symbol}``).

Without options it prints the book as a bot reads it (``GET /fapi/v1/depth``, five levels a side);
``--step``/``--quantity`` configure the ladder first, ``--off`` puts the book back to its top alone.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from isomargin.cli.common import fail, http_json
from isomargin.cli.control import JsonOption, TokenOption, UrlOption, _call
from isomargin.cli.profile import DEFAULT_BASE_URL

#: levels a side the table shows
SHOWN_LEVELS = 5


def depth(
    symbol: str,
    step: Annotated[str | None, typer.Option(help="Price between levels (a multiple of the tick size).")] = None,
    quantity: Annotated[str | None, typer.Option(help="Quantity at each level (a multiple of the lot step).")] = None,
    off: Annotated[bool, typer.Option("--off", help="Back to the book top alone, of unlimited size.")] = False,
    url: UrlOption = DEFAULT_BASE_URL,
    admin_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a symbol's book; configure the levels behind its top (control plane)."""
    symbol = symbol.upper()
    if off and (step or quantity):
        raise typer.BadParameter("--off takes no --step or --quantity")
    if (step is None) != (quantity is None):
        raise typer.BadParameter("give --step and --quantity together")
    if off:
        _call("DELETE", url, f"/depth/{symbol}", admin_token)
    elif step is not None:
        _call("PUT", url, f"/depth/{symbol}", admin_token, {"step": step, "quantity": quantity})
    book = _book(url, symbol)
    if as_json:
        typer.echo(json.dumps(book))
        return
    Console().print(_table(symbol, book))


def _book(url: str, symbol: str) -> dict[str, Any]:
    """The public ``GET /fapi/v1/depth``: what a bot sees."""
    params: dict[str, str | int] = {"symbol": symbol, "limit": SHOWN_LEVELS}
    status, data = http_json(lambda: httpx.get(url.rstrip("/") + "/fapi/v1/depth", params=params, timeout=10), url)
    if status >= 400 or not isinstance(data, dict):
        fail(f"error {status}: {data.get('msg', data) if isinstance(data, dict) else data}")
    return data


def _table(symbol: str, book: dict[str, Any]) -> Table:
    table = Table(title=f"{symbol} book")
    for column in ("bid qty", "bid", "ask", "ask qty"):
        table.add_column(column, justify="right")
    bids, asks = book["bids"], book["asks"]
    for n in range(max(len(bids), len(asks))):
        bid = bids[n] if n < len(bids) else ["", ""]
        ask = asks[n] if n < len(asks) else ["", ""]
        table.add_row(bid[1], bid[0], ask[0], ask[1])
    return table
