"""``isomargin order buy|sell``, ``isomargin orders`` and ``isomargin trades`` (issue 11).

Binance's own order endpoints through :class:`isomargin.client.Client`, so they work against
Binance, its testnet and a local isomargin alike. After a fill the table shows the position as it
stands, with its liquidation price and its distance from the mark. Exit status as ``margin``'s.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from isomargin.cli.common import (
    GIVEN_ON_COMMAND_LINE,
    AsJson,
    Connection,
    distance_text,
    emit,
    number_text,
    price_text,
    reported,
    with_connection,
)
from isomargin.cli.margin import CONNECTION_HELP
from isomargin.client import Client, Order

order_app = typer.Typer(
    help="Place a MARKET or LIMIT order through Binance's API (Binance or isomargin).",
    epilog=CONNECTION_HELP,
    no_args_is_help=True,
)

Symbol = Annotated[str, typer.Argument(help="e.g. BTCUSDT", show_default=False)]
Quantity = Annotated[str, typer.Argument(help="quantity in the base asset, e.g. 0.01", show_default=False)]
LimitOpt = Annotated[str | None, typer.Option("--limit", help="LIMIT price (GTC); MARKET without it.")]
ReduceOnly = Annotated[bool, typer.Option("--reduce-only", help="Only reduce the position (one-way mode).")]
SideOpt = Annotated[str | None, typer.Option("--side", help="LONG or SHORT in hedge mode.")]


def _place(
    side: str,
    symbol: str,
    quantity: str,
    limit: str | None,
    reduce_only: bool,
    position_side: str | None,
    client: Client,
    as_json: bool,
) -> None:
    with reported(client, as_json):
        order = client.new_order(
            symbol, side, quantity, price=limit, reduce_only=reduce_only, position_side=position_side
        )
        if as_json:
            emit(order.raw)
            return
        rows = [r for r in client.position_risk(symbol) if r.position_amt != 0]
        console = Console()
        table = Table(title=f"{order.symbol} {order.side} {order.type} #{order.order_id}: {order.status}")
        table.add_column("")
        table.add_column("value", justify="right")
        table.add_row("filled", f"{order.executed_qty} of {order.orig_qty}")
        if order.avg_price:
            table.add_row("average price", price_text(order.avg_price))
        elif order.price:
            table.add_row("limit price", price_text(order.price))
        for row in rows:
            side_text = "" if row.position_side.value == "BOTH" else f" {row.position_side.value}"
            table.add_row(f"position{side_text}", str(row.raw["positionAmt"]))
            table.add_row("entry price", price_text(row.entry_price))
            table.add_row("liquidation price", price_text(row.liquidation_price))
            table.add_row(
                "distance from mark", distance_text(row.liquidation_price, row.mark_price, row.position_amt > 0)
            )
        if not rows:
            table.add_row("position", "flat")
        console.print(table)


@order_app.command("buy", epilog=CONNECTION_HELP)
@with_connection
def buy(
    symbol: Symbol,
    quantity: Quantity,
    limit: LimitOpt = None,
    reduce_only: ReduceOnly = False,
    side: SideOpt = None,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Buy: MARKET (at the ask), or LIMIT with --limit PRICE."""
    client = connection.client()
    _place("BUY", symbol, quantity, limit, reduce_only, side, client, as_json)


@order_app.command("sell", epilog=CONNECTION_HELP)
@with_connection
def sell(
    symbol: Symbol,
    quantity: Quantity,
    limit: LimitOpt = None,
    reduce_only: ReduceOnly = False,
    side: SideOpt = None,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Sell: MARKET (at the bid), or LIMIT with --limit PRICE."""
    client = connection.client()
    _place("SELL", symbol, quantity, limit, reduce_only, side, client, as_json)


def _time(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@with_connection
def orders(
    symbol: Annotated[str | None, typer.Argument(help="Only this symbol.")] = None,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Open orders."""
    client = connection.client()
    with reported(client, as_json):
        rows: list[Order] = client.open_orders(symbol)
        if as_json:
            emit([o.raw for o in rows])
            return
        if not rows:
            Console().print("no open orders")
            return
        table = Table(title="open orders", box=box.SIMPLE_HEAD)
        for column in ("id", "symbol", "side", "type", "price", "quantity", "filled", "reduce-only", "time"):
            table.add_column(column)
        for o in rows:
            table.add_row(
                str(o.order_id), o.symbol, o.side, o.type, price_text(o.price), str(o.raw["origQty"]),
                str(o.raw["executedQty"]), "yes" if o.reduce_only else "", _time(o.update_time),
            )  # fmt: skip
        Console().print(table)


@with_connection
def trades(
    symbol: Symbol,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Fills of the last 7 days on one symbol, oldest first."""
    client = connection.client()
    with reported(client, as_json):
        rows = client.user_trades(symbol)
        if as_json:
            emit([t.raw for t in rows])
            return
        if not rows:
            Console().print("no trades")
            return
        table = Table(title=f"{symbol.upper()} trades", box=box.SIMPLE_HEAD)
        for column in ("id", "order", "side", "price", "qty", "realized PnL", "fee", "maker", "time"):
            table.add_column(column)
        for t in rows:
            table.add_row(
                str(t.id), str(t.order_id), t.side, price_text(t.price), str(t.raw["qty"]),
                number_text(t.realized_pnl), number_text(t.commission), "yes" if t.maker else "", _time(t.time),
            )  # fmt: skip
        Console().print(table)
