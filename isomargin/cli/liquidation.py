"""What a price move caused (``isomargin mark``'s tables) and ``isomargin liquidations`` (issue 12).

``isomargin mark`` drives the control plane (``PUT /_isomargin/v1/markPrices/{symbol}``), whose
reply lists the resting orders the move filled, the positions it liquidated and the margin calls
it recorded (docs/control-plane.md); this module turns that reply into tables. ``isomargin
liquidations`` reads Binance's own ``GET /fapi/v1/forceOrders`` through
:class:`isomargin.client.Client`, so it works against Binance and isomargin alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from isomargin.cli.common import (
    GIVEN_ON_COMMAND_LINE,
    AsJson,
    Connection,
    emit,
    fail,
    number_text,
    ratio_text,
    reported,
    with_connection,
)

Row = Mapping[str, Any]

#: ``autoCloseType`` of forceOrders: which engine closed the position [doc FO]
AUTO_CLOSE_TYPES = ("LIQUIDATION", "ADL")


def _position(row: Row) -> str:
    side = str(row["positionSide"])
    return str(row["symbol"]) if side == "BOTH" else f"{row['symbol']} {side}"


def _exact(value: object) -> str:
    """Every digit the server sent, grouped: a liquidation's numbers are checked to the last one."""
    return number_text(Decimal(str(value)))


def _table(title: str, columns: Sequence[str]) -> Table:
    # As `isomargin positions`: no edge padding, so nine columns fit a 100-column terminal.
    table = Table(title=title, box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False, show_edge=False)
    for column in columns:
        # Fold rather than cut: a truncated number ("47,715.…") would be worse than none.
        left = column in ("position", "time (UTC)")
        table.add_column(column, justify="left" if left else "right", overflow="fold")
    return table


def _fills(rows: Sequence[Row]) -> Table:
    table = _table("resting orders filled", ("account", "position", "order id", "side", "price", "quantity"))
    for f in rows:
        table.add_row(
            str(f["accountId"]), _position(f), str(f["orderId"]), str(f["side"]), _exact(f["price"]), str(f["quantity"])
        )
    return table


def _triggers(rows: Sequence[Row]) -> Table:
    # the algo orders the move reached, in the engine's order (after fills, before liquidations);
    # "status" is the algo order's (FINISHED: its order filled; TRIGGERED: a limit order resting)
    columns = ("account", "position", "algo id", "type", "side", "trigger", "status", "order id", "quantity")
    table = _table("stop and take-profit orders triggered", columns)
    for t in rows:
        table.add_row(
            str(t["accountId"]), _position(t), str(t["algoId"]), str(t["orderType"]), str(t["side"]),
            _exact(t["triggerPrice"]), str(t["algoStatus"]), "" if t["orderId"] is None else str(t["orderId"]),
            str(t["quantity"]),
        )  # fmt: skip
    return table


def _liquidations(rows: Sequence[Row]) -> Table:
    # "order price" is the bankruptcy price the liquidation order is placed at; it fills at the mark
    # ("fill price") unless the mark is past it. "clearance fee" is what was left of the isolated
    # wallet (INSURANCE_CLEAR); "fund paid" the loss past the bankruptcy price the insurance fund took.
    columns = ("account", "position", "order id", "quantity", "order price", "fill price", "realized PnL")
    table = _table("positions liquidated", (*columns, "clearance fee", "fund paid"))
    for liq in rows:
        table.add_row(
            str(liq["accountId"]), _position(liq), str(liq["orderId"]), str(liq["quantity"]), _exact(liq["price"]),
            _exact(liq["avgPrice"]), _exact(liq["realizedPnl"]), _exact(liq["insuranceClear"]),
            _exact(liq["insuranceGap"]),
        )  # fmt: skip
    return table


def _margin_calls(rows: Sequence[Row]) -> Table:
    table = _table("margin calls", ("account", "position", "margin ratio"))
    for call in rows:
        table.add_row(str(call["accountId"]), _position(call), ratio_text(Decimal(str(call["marginRatio"]))))
    return table


def print_move(console: Console, data: Row) -> None:
    """The move's headline, then one table per kind of consequence (or a line saying there was none)."""
    dry_run = bool(data.get("dryRun"))
    book = f" (bid {data['bidPrice']}, ask {data['askPrice']})" if "bidPrice" in data else ""
    if dry_run:
        console.print(f"dry run: {data['symbol']} mark price would be {data['markPrice']}{book} — nothing applied")
    else:
        console.print(f"{data['symbol']} mark price is now [bold]{data['markPrice']}[/bold]{book}")
    fills, liquidations, calls = data.get("fills", []), data.get("liquidations", []), data.get("marginCalls", [])
    triggers = data.get("triggers", [])
    if not (fills or triggers or liquidations or calls):
        verb = "would happen" if dry_run else "happened"
        console.print(f"nothing {verb}: no order filled, no position liquidated or margin-called")
        return
    steps = ((fills, _fills), (triggers, _triggers), (liquidations, _liquidations), (calls, _margin_calls))
    for rows, render in steps:
        if rows:
            console.print(render(rows))


def _time(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@with_connection
def liquidations(
    symbol: Annotated[str | None, typer.Option("--symbol", help="Only this symbol, e.g. BTCUSDT.")] = None,
    kind: Annotated[
        str | None, typer.Option("--type", help="LIQUIDATION or ADL (default: both).", show_default=False)
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=100, help="At most N orders (server: 50).")] = None,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Orders the exchange placed to close your positions (forceOrders), newest first, last 7 days."""
    if kind is not None and kind.upper() not in AUTO_CLOSE_TYPES:
        fail("error: --type must be LIQUIDATION or ADL", 2)
    client = connection.client()
    with reported(client, as_json):
        rows = client.force_orders(symbol, auto_close_type=kind, limit=limit)
        if as_json:
            emit([o.raw for o in rows])
            return
        what = f"{kind.upper()} orders" if kind else "liquidation or ADL orders"
        if not rows:
            Console().print(f"no {what} in the last 7 days")
            return
        columns = ("time (UTC)", "order id", "position", "side", "order price", "avg price", "quantity", "status")
        table = _table(f"{what}: {len(rows)}", columns)
        for o in rows:
            table.add_row(
                _time(int(o.raw.get("time", o.update_time))), str(o.order_id), _position(o.raw), o.side,
                _exact(o.raw["price"]), _exact(o.raw["avgPrice"]), str(o.raw["executedQty"]), o.status,
            )  # fmt: skip
        Console().print(table)
