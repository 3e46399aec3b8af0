"""``isomargin``: serve, set up state through the control plane, manage the database and margin, watch the stream."""

from __future__ import annotations

import typer

from isomargin.cli import bench, control, db, depth, liquidation, margin, market, serve, trading, watch

app = typer.Typer(
    name="isomargin",
    help="A self-hostable, Binance-compatible server for USDⓈ-M Futures isolated margin.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.add_typer(control.account_app, name="account")
app.add_typer(control.position_app, name="position")
app.command("mark")(control.mark)
app.command("reset")(control.reset)
app.add_typer(db.db_app, name="db")
app.command("bench")(bench.bench)
app.add_typer(margin.margin_app, name="margin")
app.command("positions")(margin.positions)
app.command("balance")(margin.balance)
app.add_typer(trading.order_app, name="order")
app.command("orders")(trading.orders)
app.command("trades")(trading.trades)
app.command("liquidations", epilog=margin.CONNECTION_HELP)(liquidation.liquidations)
app.command("watch")(watch.watch)
app.add_typer(market.path_app, name="path")
app.add_typer(market.clock_app, name="clock")
app.command("depth")(depth.depth)


if __name__ == "__main__":
    app()
