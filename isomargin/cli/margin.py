"""``isomargin margin add|reduce|history``, ``isomargin positions`` and ``isomargin balance``.

Binance's own API through :class:`isomargin.client.Client`, so they work unchanged against
``https://fapi.binance.com``, the testnet and a local isomargin. Where the server and key come
from: :mod:`isomargin.cli.profile`. Exit status: 0 done, 1 refused (one line with Binance's code),
2 bad usage, 3 outcome unknown (never retried: check the history).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from isomargin.cli.common import (
    GIVEN_ON_COMMAND_LINE,
    AsJson,
    Connection,
    distance_text,
    emit,
    fail,
    number_text,
    price_text,
    ratio_text,
    reported,
    with_connection,
)
from isomargin.client import Client, MarginChangeType, MarginPreview, PositionRisk
from isomargin.client.ops import margin_ratios, removable_now

CONNECTION_HELP = (
    "Server and key: flags, else ISOMARGIN_BASE_URL / ISOMARGIN_API_KEY / ISOMARGIN_API_SECRET /"
    " ISOMARGIN_KEY_FILE / ISOMARGIN_KEY_TYPE, else a profile in ~/.config/isomargin/profiles.toml"
    " (\\[default] or --profile),"
    " else http://127.0.0.1:8765. Exit status: 0 done, 1 refused, 2 bad usage, 3 outcome unknown."
)
margin_app = typer.Typer(
    help="Add, reduce and list isolated margin through Binance's API (Binance or isomargin).",
    epilog=CONNECTION_HELP,
    no_args_is_help=True,
)

Symbol = Annotated[str, typer.Argument(help="e.g. BTCUSDT", show_default=False)]
Amount = Annotated[str, typer.Argument(help="USDT amount, e.g. 100 or 25.5", show_default=False)]
SideOpt = Annotated[
    str | None,
    typer.Option("--side", help="LONG or SHORT in hedge mode (default: the only open leg); none in one-way mode."),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show the effect without sending anything.")]


def _is_long(row: PositionRisk) -> bool:
    return row.position_amt > 0


def _change_table(before: MarginPreview, after: PositionRisk | None, sign: str, amount: str) -> Table:
    row = before.position
    long = _is_long(row)
    title = f"{row.symbol} {row.position_side.value} — margin {sign}{amount} USDT"
    table = Table(title=title + ("" if after else " (dry run)"))
    table.add_column("")
    table.add_column("before", justify="right")
    table.add_column("after" if after else "after (computed)", justify="right")
    liq_after = after.liquidation_price if after else before.liquidation_price_after
    wallet_after = after.isolated_wallet if after else before.isolated_wallet_after
    mark_after = after.mark_price if after else row.mark_price
    table.add_row("isolated wallet", number_text(row.isolated_wallet), number_text(wallet_after))
    table.add_row("liquidation price", price_text(row.liquidation_price), price_text(liq_after))
    table.add_row(
        "distance from mark",
        distance_text(row.liquidation_price, row.mark_price, long),
        distance_text(liq_after, mark_after, long),
    )
    table.add_row("mark price", price_text(row.mark_price), price_text(mark_after))
    return table


def _change(
    kind: MarginChangeType,
    symbol: str,
    amount: str,
    side: str | None,
    dry_run: bool,
    as_json: bool,
    client: Client,
) -> None:
    try:
        delta = Decimal(amount)
    except ArithmeticError:
        fail(f"error: amount must be a decimal number, not {amount!r}", 2)
    sign = "+" if kind is MarginChangeType.ADD else "-"
    with reported(client, as_json):
        before = client.preview_margin_change(symbol, delta if sign == "+" else -delta, side)
        row = before.position
        if dry_run:
            if as_json:
                # liquidationPriceAfter is ours: a decimal string, as Binance writes liquidationPrice.
                after_text = _opt_plain(before.liquidation_price_after)
                emit({"before": row.raw, "liquidationPriceAfter": after_text, "dryRun": True})
            else:
                Console().print(_change_table(before, None, sign, amount))
            return
        # The side as resolved from positionRisk: BOTH means "leave positionSide out" (one-way).
        send_side = None if row.position_side.value == "BOTH" else row.position_side
        result = client.modify_isolated_position_margin(symbol, amount, kind, send_side)
        after = client.position_risk(symbol)
        after_row = next(r for r in after if r.position_side is row.position_side)
        if as_json:
            emit({"result": result.raw, "before": row.raw, "after": after_row.raw})
            return
        console = Console()
        console.print(_change_table(before, after_row, sign, amount))
        console.print(f"[green]{result.msg}[/green]  used weight {client.used_weight}")


@margin_app.command("add")
@with_connection
def add(
    symbol: Symbol,
    amount: Amount,
    side: SideOpt = None,
    dry_run: DryRun = False,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Move AMOUNT USDT from the cross wallet into the isolated SYMBOL position (type 1)."""
    client = connection.client()
    _change(MarginChangeType.ADD, symbol, amount, side, dry_run, as_json, client)


@margin_app.command("reduce")
@with_connection
def reduce(
    symbol: Symbol,
    amount: Amount,
    side: SideOpt = None,
    dry_run: DryRun = False,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Move AMOUNT USDT out of the isolated SYMBOL position back to the cross wallet (type 2)."""
    client = connection.client()
    _change(MarginChangeType.REDUCE, symbol, amount, side, dry_run, as_json, client)


@margin_app.command("history")
@with_connection
def history(
    symbol: Symbol,
    days: Annotated[int, typer.Option(help="How many days back (Binance keeps 30).")] = 30,
    kind: Annotated[str | None, typer.Option("--type", help="add or reduce (default: both).")] = None,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Margin added to and taken from SYMBOL's isolated positions, oldest first: margin changes,
    fills' opens and closes, funding."""
    kinds = {"add": MarginChangeType.ADD, "reduce": MarginChangeType.REDUCE}
    if kind is not None and kind.lower() not in kinds:
        fail("error: --type must be add or reduce", 2)
    client = connection.client()
    with reported(client, as_json):
        now = client.server_time()
        rows = client.margin_history(
            symbol, type=kinds[kind.lower()] if kind else None, start_time=now - days * 86_400_000, end_time=now
        )
        if as_json:
            emit([r.raw for r in rows])
            return
        table = Table(
            title=f"{symbol.upper()} margin history: {len(rows)} change{'' if len(rows) == 1 else 's'} in {days} days"
        )
        # deltaType tells a margin change (USER_ADJUST) from what a fill (TRADE) or funding moved
        for column in ("time (UTC)", "side", "type", "deltaType", "amount", "asset"):
            table.add_column(column, justify="right" if column == "amount" else "left")
        for r in rows:
            when = dt.datetime.fromtimestamp(r.time / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
            # Binance signs type-2 amounts itself ("-4.04422425"); the table signs by type, as before.
            amount = f"{'+' if r.type is MarginChangeType.ADD else '-'}{number_text(abs(r.amount))}"
            table.add_row(when, r.position_side.value, r.type.name.lower(), r.delta_type, amount, r.asset)
        Console().print(table)


def _opt_plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _opt_ratio(value: Decimal | None) -> str | None:
    """A margin ratio with 8 decimals, as the control plane's marginCalls show it."""
    return None if value is None else format(value.quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP), "f")


@with_connection
def positions(
    symbol: Annotated[str | None, typer.Argument(help="Only this symbol.")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Include empty sides.")] = False,
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Open positions: liquidation price and its distance from the mark, margin ratio, max removable margin."""
    client = connection.client()
    with reported(client, as_json):
        # Every row, even for one symbol: a cross position's margin ratio is the account's, over all of them.
        every = client.position_risk()
        wanted = symbol.upper() if symbol else None
        rows = [r for r in every if (wanted is None or r.symbol == wanted) and (show_all or r.position_amt != 0)]
        brackets = {b.symbol: b.brackets for b in client.leverage_brackets()} if rows else {}
        removable = {(r.symbol, r.position_side): removable_now(r, brackets.get(r.symbol)) for r in rows}
        opened = any(r.position_amt != 0 for r in rows)
        ratios = margin_ratios(every, client.account(version=3)) if opened else {}
        if as_json:
            # maxRemovable and marginRatio are ours (not Binance's): decimal strings like Binance's amounts, or null.
            emit(
                [
                    {
                        **r.raw,
                        "maxRemovable": _opt_plain(removable[(r.symbol, r.position_side)]),
                        "marginRatio": _opt_ratio(ratios.get((r.symbol, r.position_side))),
                    }
                    for r in rows
                ]
            )
            return
        columns = ["position", "size", "entry", "mark", "wallet", "PnL", "liq. price", "to liq.", "margin ratio"]
        columns += ["lev.", "removable"]
        cells = [
            [
                r.symbol if r.position_side.value == "BOTH" else f"{r.symbol} {r.position_side.value}",
                str(r.raw["positionAmt"]),
                price_text(r.entry_price),
                price_text(r.mark_price),
                number_text(r.isolated_wallet)
                if r.margin_type is None or r.margin_type.value == "ISOLATED"
                else "cross",
                number_text(r.unrealized_profit),
                price_text(r.liquidation_price),
                distance_text(r.liquidation_price, r.mark_price, _is_long(r)),
                ratio_text(ratios.get((r.symbol, r.position_side))),
                f"{r.leverage}x" if r.leverage else "-",
                number_text(removable[(r.symbol, r.position_side)]),
            ]
            for r in rows
        ]
        console = Console()
        if not rows:
            console.print("no open positions")
            return
        # No edge padding, and "margin ratio" stacked on two lines: eleven columns of a demo-sized
        # position fit in 100 columns.
        table = Table(title="positions", box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False, show_edge=False)
        for column in columns:
            # Fold rather than cut: a truncated number ("45,180.…") would be worse than none.
            header = "margin\nratio" if column == "margin ratio" else column
            table.add_column(header, justify="left" if column == "position" else "right", overflow="fold")
        for row in cells:
            table.add_row(*row)
        if Measurement.get(console, console.options.update_width(10_000), table).maximum <= console.width:
            console.print(table)
            return
        # Too narrow: the wide table would fold every number in two. One small table per position instead.
        for row in cells:
            table = Table(title=row[0], box=box.SIMPLE_HEAD, show_header=False)
            table.add_column("field")
            table.add_column("value", justify="right")
            for column, value in zip(columns[1:], row[1:], strict=True):
                table.add_row(column, value)
            console.print(table)


@with_connection
def balance(
    as_json: AsJson = False,
    connection: Connection = GIVEN_ON_COMMAND_LINE,
) -> None:
    """Futures wallet balances: wallet (incl. isolated margin), cross wallet, available."""
    client = connection.client()
    with reported(client, as_json):
        rows = client.balance()
        if as_json:
            emit([r.raw for r in rows])
            return
        table = Table(title="balance")
        for column in ("asset", "wallet balance", "cross wallet", "available", "cross unPnL", "max withdraw"):
            table.add_column(column, justify="left" if column == "asset" else "right")
        for r in rows:
            table.add_row(
                r.asset,
                number_text(r.balance),
                number_text(r.cross_wallet_balance),
                number_text(r.available_balance),
                number_text(r.cross_un_pnl),
                number_text(r.max_withdraw_amount),
            )
        Console().print(table)
