"""``isomargin account|position|mark|reset``: drive a running server's control plane."""

from __future__ import annotations

import json
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from isomargin.cli.common import fail, http_json
from isomargin.cli.liquidation import print_move
from isomargin.cli.profile import DEFAULT_BASE_URL

# --base-url / ISOMARGIN_BASE_URL too, as the trading commands (isomargin margin …) spell it.
UrlOption = Annotated[
    str,
    typer.Option("--url", "--base-url", envvar=["ISOMARGIN_URL", "ISOMARGIN_BASE_URL"], help="Server base URL."),
]
TokenOption = Annotated[str | None, typer.Option("--admin-token", envvar="ISOMARGIN_ADMIN_TOKEN")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the raw JSON reply (for scripts).")]
PREFIX = "/_isomargin/v1"

account_app = typer.Typer(help="Create and inspect accounts (control plane).", no_args_is_help=True)
position_app = typer.Typer(help="Open isolated positions (control plane).", no_args_is_help=True)


def _call(method: str, url: str, path: str, token: str | None, body: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    target = url.rstrip("/") + PREFIX + path
    status, data = http_json(lambda: httpx.request(method, target, json=body, headers=headers, timeout=10), url)
    if status >= 400:
        fail(f"error {status}: {data.get('error', data) if isinstance(data, dict) else data}")
    return data


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right" if column not in ("symbol", "positionSide", "apiKey") else "left")
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in columns))
    return table


POSITION_COLUMNS = [
    "symbol",
    "positionSide",
    "positionAmt",
    "entryPrice",
    "markPrice",
    "isolatedWallet",
    "isolatedMargin",
    "unRealizedProfit",
    "liquidationPrice",
    "leverage",
]


def _print_positions(console: Console, title: str, rows: list[dict[str, Any]]) -> None:
    table = _table(title, rows, POSITION_COLUMNS)
    if Measurement.get(console, console.options.update_width(10_000), table).maximum <= console.width:
        console.print(table)
        return
    # Too narrow for ten columns, which Rich would cut to "4518…": one field/value table per position.
    for row in rows:
        one = Table(title=f"{title}: {row.get('symbol')} {row.get('positionSide')}", show_header=False)
        one.add_column("field")
        one.add_column("value", justify="right")
        for column in POSITION_COLUMNS[2:]:
            one.add_row(column, str(row.get(column, "")))
        console.print(one)


def _print_account(data: dict[str, Any]) -> None:
    console = Console()
    console.print(
        f"account [bold]{data['accountId']}[/bold]  mode: {'hedge' if data['dualSidePosition'] else 'one-way'}  "
        f"wallet: {data['walletBalance']}  cross wallet: {data['crossWalletBalance']}"
    )
    if data.get("positions"):
        _print_positions(console, "isolated positions", data["positions"])


@account_app.command("create")
def account_create(
    balance: Annotated[str, typer.Option(help="Starting USDT wallet balance.")] = "10000",
    hedge: Annotated[bool, typer.Option("--hedge", help="Hedge mode (dualSidePosition).")] = False,
    api_key: Annotated[str | None, typer.Option(help="Fixed API key (default: generated).")] = None,
    secret_key: Annotated[str | None, typer.Option(help="Fixed secret (default: generated).")] = None,
    url: UrlOption = DEFAULT_BASE_URL,
    admin_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an account with an HMAC key; prints its id, key and secret."""
    body: dict[str, Any] = {"balance": balance, "dualSidePosition": hedge}
    if api_key:
        body["apiKey"] = api_key
    if secret_key:
        body["secretKey"] = secret_key
    data = _call("POST", url, "/accounts", admin_token, body)
    if as_json:
        typer.echo(json.dumps(data))
        return
    # Plain lines, not a table: a table folds or cuts the 64-character key and secret on a narrow terminal.
    typer.echo(f"account {data['accountId']} created\napiKey:    {data['apiKey']}\nsecretKey: {data['secretKey']}")


@account_app.command("show")
def account_show(
    account_id: int, url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None, as_json: JsonOption = False
) -> None:
    """Wallet, cross wallet, positions and keys of one account."""
    data = _call("GET", url, f"/accounts/{account_id}", admin_token)
    if as_json:
        typer.echo(json.dumps(data))
    else:
        _print_account(data)


@account_app.command("list")
def account_list(
    url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None, as_json: JsonOption = False
) -> None:
    """Every account with its balances."""
    data = _call("GET", url, "/accounts", admin_token)
    if as_json:
        typer.echo(json.dumps(data))
        return
    rows = [
        {**a, "mode": "hedge" if a["dualSidePosition"] else "one-way", "positions": len(a["positions"])} for a in data
    ]
    Console().print(_table("accounts", rows, ["accountId", "mode", "walletBalance", "crossWalletBalance", "positions"]))


@position_app.command("open")
def position_open(
    account_id: int,
    symbol: str,
    amount: Annotated[str, typer.Argument(help="positionAmt, negative for a short.")],
    entry_price: str,
    leverage: Annotated[int, typer.Option(help="Initial leverage.")] = 10,
    side: Annotated[str, typer.Option(help="BOTH (one-way) or LONG/SHORT (hedge).")] = "BOTH",
    isolated_wallet: Annotated[str | None, typer.Option(help="Margin to put in (default: initial margin).")] = None,
    url: UrlOption = DEFAULT_BASE_URL,
    admin_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open an isolated position; its margin comes out of the cross wallet."""
    body: dict[str, Any] = {
        "accountId": account_id,
        "symbol": symbol.upper(),
        "positionSide": side.upper(),
        "positionAmt": amount,
        "entryPrice": entry_price,
        "leverage": leverage,
    }
    if isolated_wallet is not None:
        body["isolatedWallet"] = isolated_wallet
    data = _call("POST", url, "/positions", admin_token, body)
    if as_json:
        typer.echo(json.dumps(data))
    else:
        _print_positions(Console(), "position opened", [data])


def mark(
    symbol: str,
    price: str,
    bid: Annotated[str | None, typer.Option("--bid", help="Book bid (default: the mark).")] = None,
    ask: Annotated[str | None, typer.Option("--ask", help="Book ask (default: the mark).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what the move would do; change nothing.")] = False,
    url: UrlOption = DEFAULT_BASE_URL,
    admin_token: TokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move a symbol's mark price (and book top); print the fills, liquidations and margin calls it caused."""
    body: dict[str, Any] = {"markPrice": price}
    if bid is not None:
        body["bidPrice"] = bid
    if ask is not None:
        body["askPrice"] = ask
    query = "?dryRun=true" if dry_run else ""
    data = _call("PUT", url, f"/markPrices/{symbol.upper()}{query}", admin_token, body)
    if as_json:
        typer.echo(json.dumps(data))
    else:
        print_move(Console(), data)


def reset(url: UrlOption = DEFAULT_BASE_URL, admin_token: TokenOption = None) -> None:
    """Delete every account, key, position, price and history row."""
    _call("POST", url, "/reset", admin_token)
    Console().print("state reset")
