"""Every table of isomargin, once: the one schema source.

These SQLAlchemy Core definitions drive Alembic (``migrations/env.py`` compares them with the
database, and a test fails when the migrations and this file disagree), the column lists of
the hand-written queries in ``repo.py``, the bench loader, and the control-plane reset
(``repo.delete_everything`` empties every table here, children first). A new table added here
(and by a migration) is therefore reset with the rest without anyone listing it again.

Money, prices and quantities are :class:`Money` columns: BIGINT holding ``value × 10^8``
(``money_sql.py`` says why, and converts).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from isomargin.store.money_sql import decode_money, encode_money

metadata = sa.MetaData()


class Money(sa.TypeDecorator[Decimal]):
    """A Decimal stored as a BIGINT of ``value × 10^8`` (exact; raises instead of rounding).

    The hot path converts with ``money_sql`` itself; this type lets SQLAlchemy statements (tests,
    migrations' checks) convert the same way, and marks which columns hold money.
    """

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else encode_money(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else decode_money(value)


def _account_fk() -> sa.ForeignKey:
    return sa.ForeignKey("accounts.id", ondelete="CASCADE")


accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dual_side_position", sa.Boolean, nullable=False),
    sa.Column("cross_wallet", Money, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("update_time", sa.BigInteger, nullable=False),
    # the last outbox sequence number the account's events were given (store.outbox)
    sa.Column("event_seq", sa.BigInteger, nullable=False, server_default="0"),
    # commission rates (Money: value × 10^8), Binance's VIP0 0.0002 / 0.0005 by default (reference §2.4)
    sa.Column("maker_commission_rate", Money, nullable=False, server_default="20000"),
    sa.Column("taker_commission_rate", Money, nullable=False, server_default="50000"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("api_key", sa.String(128), primary_key=True),
    sa.Column("account_id", sa.Integer, _account_fk(), nullable=False),
    sa.Column("key_type", sa.String(16), nullable=False),
    # HMAC: the secret sealed with the master key (auth.keystore); RSA/Ed25519: the public key PEM.
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("can_trade", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("ip_whitelist", sa.Text, nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("futures_enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Index("ix_api_keys_account", "account_id"),
)

symbol_configs = sa.Table(
    "symbol_configs",
    metadata,
    sa.Column("account_id", sa.Integer, _account_fk(), primary_key=True),
    sa.Column("symbol", sa.String(32), primary_key=True),
    sa.Column("margin_type", sa.String(8), nullable=False),
    sa.Column("leverage", sa.Integer, nullable=False),
)

positions = sa.Table(
    "positions",
    metadata,
    sa.Column("account_id", sa.Integer, _account_fk(), primary_key=True),
    sa.Column("symbol", sa.String(32), primary_key=True),
    sa.Column("position_side", sa.String(8), primary_key=True),
    sa.Column("position_amt", Money, nullable=False),
    sa.Column("entry_price", Money, nullable=False),
    sa.Column("isolated_wallet", Money, nullable=False),
    sa.Column("update_time", sa.BigInteger, nullable=False),
    # ``cr``: pre-fee realized PnL accumulated per symbol and side, across position lifetimes
    # (reference §2.3); written by store.changes.write_change with each fill
    sa.Column("accumulated_realized", Money, nullable=False, server_default="0"),
    # Liquidation engine (issue 12): the mark prices at which the position dies and gets its margin
    # call, stored signed so one index range finds both directions — a long's price as is (it is
    # hit when the mark falls to or below it), a short's negated (hit when −mark ≤ key). Rounded to
    # the safe side (a long's up, a short's down). NULL: flat, CROSSED, or no such price.
    sa.Column("liquidation_key", Money, nullable=True),
    sa.Column("margin_call_key", Money, nullable=True),
    # a MARGIN_CALL was recorded and the ratio has not fallen back below the threshold since
    sa.Column("margin_called", sa.Boolean, nullable=False, server_default=sa.false()),
    # ADL quantile 0–4 (positionRisk ``adl``), ranked when the symbol's price moves
    sa.Column("adl_quantile", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Index("ix_positions_symbol_liquidation", "symbol", "liquidation_key"),
    sa.Index("ix_positions_symbol_margin_call", "symbol", "margin_call_key"),
    # the latched rows only (few), so a tick re-arms margin calls without walking the symbol's
    # positions (store/risk.py rearm spells the same predicate); the literal differs per dialect
    sa.Index(
        "ix_positions_symbol_called",
        "symbol",
        sqlite_where=sa.text("margin_called = 1"),
        postgresql_where=sa.text("margin_called"),
    ),
)

mark_prices = sa.Table(
    "mark_prices",
    metadata,
    sa.Column("symbol", sa.String(32), primary_key=True),
    sa.Column("mark_price", Money, nullable=False),
    sa.Column("update_time", sa.BigInteger, nullable=False),
    # the book top MARKET orders fill at (issue 11); NULL = at the mark price
    sa.Column("bid_price", Money, nullable=True),
    sa.Column("ask_price", Money, nullable=True),
    # a configured ladder behind the top (domain/depth.py, issue 13); NULL = the top alone, unlimited
    sa.Column("depth_step", Money, nullable=True),
    sa.Column("depth_quantity", Money, nullable=True),
)

margin_history = sa.Table(
    "margin_history",
    metadata,
    # INTEGER on SQLite: only an INTEGER PRIMARY KEY is the rowid, and so auto-assigned
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, _account_fk(), nullable=False),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("position_side", sa.String(8), nullable=False),
    sa.Column("type", sa.SmallInteger, nullable=False),
    sa.Column("amount", Money, nullable=False),
    sa.Column("asset", sa.String(16), nullable=False),
    sa.Column("time", sa.BigInteger, nullable=False),
    # USER_ADJUST (positionMargin), TRADE, FUNDING_FEE: what moved the margin (reference §2.2)
    sa.Column("delta_type", sa.String(16), nullable=False, server_default="USER_ADJUST"),
    sa.Index("ix_margin_history_account_symbol_time", "account_id", "symbol", "time"),
)

#: Names of the constraints only PostgreSQL has (:func:`postgresql_only`): the migrations create
#: them there alone, and the schema comparison (migrations/env.py, tests) skips them on SQLite.
POSTGRESQL_ONLY: set[str] = set()


def postgresql_only(item: sa.Constraint) -> sa.Constraint:
    """``item`` is created on PostgreSQL only (``ddl_if``), and left out of SQLite's comparison."""
    assert isinstance(item.name, str)
    POSTGRESQL_ONLY.add(item.name)
    item.ddl_if(dialect="postgresql")
    return item


#: Alembic's ``include_object`` hook: (object, name, type, reflected, compare_to) -> compare it?
IncludeObject = Callable[[Any, str | None, str, bool, Any], bool]


def include_object(dialect: str) -> IncludeObject:
    """Alembic's ``include_object`` hook for a database of ``dialect``: what it compares."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return dialect == "postgresql" or name not in POSTGRESQL_ONLY

    return include


#: The event outbox (store.outbox): events written in the transaction of their change, numbered
#: per account without gaps; ``payload`` is the event's JSON (domain.events.to_payload).
#:
#: ``(account_id, seq)`` is unique and indexed on PostgreSQL only. There a worker woken for an
#: account reads its events by number (ids are taken at INSERT, not in commit order). On SQLite ids
#: are in commit order, so a reader goes by id (``outbox.for_account``), and the index would be a
#: B-tree leaf written at every commit for each account in the batch: 0.141 of the 0.948 WAL pages
#: a margin transfer wrote (benchmarks/wal_pages.py; docs/BENCHMARKS.md, "Issue 9 on 2026-12-03").
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, _account_fk(), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("time", sa.BigInteger, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    postgresql_only(sa.UniqueConstraint("account_id", "seq", name="uq_events_account_seq")),
)

#: Orders (issue 11). ``id`` is the Binance ``orderId``; quantities and prices are Money.
orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, _account_fk(), nullable=False),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("client_order_id", sa.String(36), nullable=False),
    sa.Column("side", sa.String(4), nullable=False),
    sa.Column("position_side", sa.String(8), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("time_in_force", sa.String(8), nullable=False),
    sa.Column("orig_qty", Money, nullable=False),
    sa.Column("price", Money, nullable=False),
    sa.Column("executed_qty", Money, nullable=False),
    sa.Column("cum_quote", Money, nullable=False),
    sa.Column("reduce_only", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("good_till_date", sa.BigInteger, nullable=False),
    sa.Column("time", sa.BigInteger, nullable=False),
    sa.Column("update_time", sa.BigInteger, nullable=False),
    # initial margin a resting order reserves (openOrderInitialMargin); 0 once final
    sa.Column("reserved_margin", Money, nullable=False, server_default="0"),
    # LIQUIDATION or ADL for the orders the engine places (GET /fapi/v1/forceOrders); NULL for a user's
    sa.Column("auto_close_type", sa.String(16), nullable=True),
    sa.Index("ix_orders_account_symbol", "account_id", "symbol", "id"),
    sa.Index("ix_orders_account_auto_close", "account_id", "auto_close_type", "time"),
    sa.Index("ix_orders_account_status", "account_id", "status"),
    # a book move looks for the symbol's resting orders it crosses
    sa.Index("ix_orders_symbol_status", "symbol", "status"),
    # the scheduler finds GTD orders whose time has come (service/scheduler.py)
    sa.Index("ix_orders_status_good_till_date", "status", "good_till_date"),
    # AUTOINCREMENT on SQLite: ids never reused, and sqlite_sequence can seed the next one (nextOrderId)
    sqlite_autoincrement=True,
)

#: Fills (``GET /fapi/v1/userTrades`` rows); ``id`` is the trade id.
trades = sa.Table(
    "trades",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, _account_fk(), nullable=False),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("order_id", sa.BigInteger, nullable=False),
    sa.Column("side", sa.String(4), nullable=False),
    sa.Column("position_side", sa.String(8), nullable=False),
    sa.Column("price", Money, nullable=False),
    sa.Column("qty", Money, nullable=False),
    sa.Column("quote_qty", Money, nullable=False),
    sa.Column("realized_pnl", Money, nullable=False),
    sa.Column("commission", Money, nullable=False),
    sa.Column("maker", sa.Boolean, nullable=False),
    sa.Column("time", sa.BigInteger, nullable=False),
    sa.Index("ix_trades_account_symbol_time", "account_id", "symbol", "time"),
    # the market's trades by time (klines, 24hr ticker): every account's fills of one symbol
    sa.Index("ix_trades_symbol_time", "symbol", "time"),
)

#: ``GET /fapi/v1/income`` rows; ``id`` is ``tranId``; ``symbol``/``trade_id`` "" when none.
income = sa.Table(
    "income",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, _account_fk(), nullable=False),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("income_type", sa.String(32), nullable=False),
    sa.Column("income", Money, nullable=False),
    sa.Column("asset", sa.String(16), nullable=False),
    sa.Column("info", sa.String(64), nullable=False),
    sa.Column("time", sa.BigInteger, nullable=False),
    sa.Column("trade_id", sa.String(32), nullable=False),
    sa.Index("ix_income_account_time", "account_id", "time"),
)

#: User-data stream keys (service.listen_keys): one per account, as on Binance; a key is valid
#: until ``expires_at`` (server clock ms, 60 minutes after its last keepalive); 0 once it has ended.
listen_keys = sa.Table(
    "listen_keys",
    metadata,
    sa.Column("account_id", sa.Integer, _account_fk(), primary_key=True),
    sa.Column("listen_key", sa.String(64), nullable=False, unique=True),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    # the scheduler's "which key runs out next" (store.listen_keys.next_expiry_due)
    sa.Index("ix_listen_keys_expires_at", "expires_at"),
)

#: The insurance fund (issue 12): an append-only ledger, summed on read (no hot balance row).
#: A liquidation's clearance fee comes in (amount > 0); a gap past the bankruptcy price goes out.
insurance_fund = sa.Table(
    "insurance_fund",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("asset", sa.String(16), nullable=False),
    sa.Column("amount", Money, nullable=False),
    # CLEARANCE (the rest of a liquidated isolated wallet) | GAP (a loss past the bankruptcy price)
    sa.Column("kind", sa.String(16), nullable=False),
    # the liquidated account (no foreign key: the ledger outlives nothing but a reset)
    sa.Column("account_id", sa.Integer, nullable=True),
    sa.Column("order_id", sa.BigInteger, nullable=True),
    sa.Column("time", sa.BigInteger, nullable=False),
    sa.Index("ix_insurance_fund_symbol", "symbol"),
)

#: Funding (issue 13): off until a symbol is given a schedule (PUT /_isomargin/v1/funding/{symbol}).
funding_schedules = sa.Table(
    "funding_schedules",
    metadata,
    sa.Column("symbol", sa.String(32), primary_key=True),
    sa.Column("rate", Money, nullable=False),
    sa.Column("interval_ms", sa.BigInteger, nullable=False),
    # the next funding time (server ms), on the interval's UTC grid
    sa.Column("next_time", sa.BigInteger, nullable=False),
)

#: Every funding settlement (GET /fapi/v1/fundingRate): the rate charged and the mark it used.
funding_history = sa.Table(
    "funding_history",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("funding_time", sa.BigInteger, nullable=False),
    sa.Column("rate", Money, nullable=False),
    sa.Column("mark_price", Money, nullable=False),
    sa.Index("ix_funding_history_symbol_time", "symbol", "funding_time"),
)

#: Scheduled mark-price path points (issue 13): each fires once, at ``at_ms``, through the engine.
price_path_points = sa.Table(
    "price_path_points",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("at_ms", sa.BigInteger, nullable=False),
    sa.Column("mark_price", Money, nullable=False),
    sa.Column("bid_price", Money, nullable=True),
    sa.Column("ask_price", Money, nullable=True),
    sa.Index("ix_price_path_points_due", "at_ms", "id"),
    sa.Index("ix_price_path_points_symbol", "symbol", "at_ms"),
)

#: Every price move (issue 13): the mark and book top a symbol had from ``time`` (server ms) on,
#: written by ``store.trading.set_book`` in the move's transaction. Mark and premium-index klines
#: and the ticker's last price are read from it by (symbol, time); housekeeping prunes it to a
#: configurable window (``price_history_days``).
price_history = sa.Table(
    "price_history",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("time", sa.BigInteger, nullable=False),
    sa.Column("mark_price", Money, nullable=False),
    sa.Column("bid_price", Money, nullable=False),
    sa.Column("ask_price", Money, nullable=False),
    sa.Index("ix_price_history_symbol_time", "symbol", "time"),
)

#: Conditional (algo) orders (issue 13): ``id`` is the Binance ``algoId``. An open one (NEW) keeps
#: its ``trigger_key`` — the trigger price, negated for the orders that fire as the price rises — so
#: a price move finds those it reaches as one index range per side (``store.algo_orders``), never a
#: scan; a final one has NULL there and drops out of the index.
algo_orders = sa.Table(
    "algo_orders",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, _account_fk(), nullable=False),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("client_algo_id", sa.String(36), nullable=False),
    sa.Column("order_type", sa.String(24), nullable=False),
    sa.Column("side", sa.String(4), nullable=False),
    sa.Column("position_side", sa.String(8), nullable=False),
    sa.Column("time_in_force", sa.String(8), nullable=False),
    sa.Column("quantity", Money, nullable=False),
    sa.Column("price", Money, nullable=False),
    sa.Column("trigger_price", Money, nullable=False),
    sa.Column("working_type", sa.String(16), nullable=False),
    sa.Column("close_position", sa.Boolean, nullable=False),
    sa.Column("reduce_only", sa.Boolean, nullable=False),
    sa.Column("price_protect", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("actual_order_id", sa.BigInteger, nullable=True),
    # the triggered order's average fill price (``actualPrice``); 0 until it fills
    sa.Column("actual_price", Money, nullable=False),
    sa.Column("create_time", sa.BigInteger, nullable=False),
    sa.Column("update_time", sa.BigInteger, nullable=False),
    sa.Column("trigger_time", sa.BigInteger, nullable=False),
    sa.Column("trigger_key", Money, nullable=True),
    # TRAILING_STOP_MARKET: activatePrice, callbackRate (percent), the best price since activation,
    # and the signed key of the price that next moves it (``store.algo_orders``)
    sa.Column("activate_price", Money, nullable=True),
    sa.Column("callback_rate", Money, nullable=True),
    sa.Column("best_price", Money, nullable=True),
    sa.Column("trail_key", Money, nullable=True),
    sa.Index("ix_algo_orders_account_symbol", "account_id", "symbol", "id"),
    sa.Index("ix_algo_orders_trigger", "symbol", "working_type", "side", "trigger_key"),
    sa.Index("ix_algo_orders_trail", "symbol", "working_type", "side", "trail_key"),
    # the TRIGGERED orders by the order they placed: an order's end finds its algo order (FINISHED)
    sa.Index(
        "ix_algo_orders_triggered_order",
        "actual_order_id",
        sqlite_where=sa.text("status = 'TRIGGERED'"),
        postgresql_where=sa.text("status = 'TRIGGERED'"),
    ),
)

#: When each symbol's ADL quantiles were last ranked (issue 12): at most once per ``adlRefreshMs``
#: of server time (service/adl.py). ``pending``: a price move or funding settlement came since,
#: so the scheduler ranks the symbol again when the interval is up, even if nothing else moves.
adl_refreshes = sa.Table(
    "adl_refreshes",
    metadata,
    sa.Column("symbol", sa.String(32), primary_key=True),
    sa.Column("ranked_at", sa.BigInteger, nullable=False),
    sa.Column("pending", sa.Boolean, nullable=False, server_default=sa.false()),
)

server_state = sa.Table(
    "server_state",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


def money_columns(table: sa.Table) -> list[str]:
    """Names of ``table``'s money columns, in table order."""
    return [c.name for c in table.columns if isinstance(c.type, Money)]


def column_list(table: sa.Table, *names: str, prefix: str = "") -> str:
    """``"a, b, c"`` for a hand-written query, after checking every name is a column of ``table``.

    Checked once, when the query text is built at import: a renamed or dropped column fails
    at start-up, not on the first request that reads it.
    """
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise KeyError(f"{table.name} has no column {', '.join(missing)}")
    return ", ".join(prefix + n for n in names)
