"""A benchmark database: N trading accounts, optionally a large pre-loaded population, pre-signed requests.

Bench account ``i`` (1-based) has API key ``bench-key-i`` and secret :func:`bench_secret`, a
1,000,000 USDT cross wallet and one BTCUSDT long (0.01 at 50000, 10x, ISOLATED) whose isolated
wallet holds 1000 above its initial margin, so alternating add/reduce of 1 USDT always succeeds.
The pre-load (accounts with keys and positions, history rows spread over 29 days) is one bulk
``INSERT … SELECT`` per table over a generated series: seconds, not minutes, for a million rows.
Column lists come from the schema source (``store/schema.py``) and money literals from its
encoding (``store/money_sql.py``), so the loader cannot drift from the tables it fills.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from isomargin.store import Store, Tx, schema
from isomargin.store.money_sql import encode_money

MARK = "50000"
DAY_MS = 86_400_000
RECV_WINDOW_MS = 60_000


def bench_key(i: int) -> str:
    return f"bench-key-{i}"


def bench_secret(api_key: str) -> str:
    return hashlib.sha256(b"isomargin-bench:" + api_key.encode()).hexdigest()


def _series(tx: Tx, first: int, last: int) -> str:
    """A ``FROM`` clause producing integers ``i`` from first to last on either dialect."""
    if tx.dialect == "postgresql":
        return f"generate_series({int(first)}, {int(last)}) AS s(i)"
    recursive = f"SELECT {int(first)} UNION ALL SELECT i + 1 FROM s WHERE i < {int(last)}"
    return f"(WITH RECURSIVE s(i) AS ({recursive}) SELECT i FROM s) AS s"


def _bool(tx: Tx, value: bool) -> str:
    if tx.dialect == "postgresql":
        return "true" if value else "false"
    return "1" if value else "0"


def _money(literal: str) -> str:
    """A money value as the SQL literal of its stored form (a scaled integer, on either dialect)."""
    return str(encode_money(Decimal(literal)))


def _key_expr(tx: Tx) -> str:
    return "'bench-key-' || CAST(i AS TEXT)"


def _insert_select(tx: Tx, table: sa.Table, values: Mapping[str, str], source: str = "") -> None:
    """``INSERT INTO table (…) SELECT …``: one SQL expression per column, checked against the schema.

    A column the schema requires (not nullable, no server default, not a generated id) that
    ``values`` leaves out fails here, naming it, instead of as a constraint error mid-load.
    """
    unknown = set(values) - set(table.columns.keys())
    required = {
        c.name
        for c in table.columns
        if not c.nullable and c.server_default is None and not (c.primary_key and c.autoincrement is True)
    }
    if unknown or required - set(values):
        raise KeyError(f"{table.name}: unknown columns {sorted(unknown)}, missing {sorted(required - set(values))}")
    names = [c.name for c in table.columns if c.name in values]
    select = ", ".join(values[n] for n in names)
    tx.run(f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {select}" + (f" FROM {source}" if source else ""))


@dataclass(frozen=True)
class Population:
    accounts: int  # all accounts, bench accounts first
    history_rows: int


def populate(store: Store, bench_accounts: int, population: Population, now_ms: int | None = None) -> None:
    """Insert accounts 1..max(bench, population) with keys, positions, configs; then history rows.

    Secrets are computed in SQL-free Python only for the bench accounts; pre-loaded accounts get
    a placeholder secret (they are never signed for), which keeps the pre-load pure bulk SQL.
    """
    now = now_ms or int(time.time() * 1000)
    total = max(bench_accounts, population.accounts)

    def run(tx: Tx) -> None:
        tr, fa = _bool(tx, True), _bool(tx, False)
        series = _series(tx, 1, total)
        account = {"id": "i", "dual_side_position": fa, "cross_wallet": _money("1000000")}
        _insert_select(tx, schema.accounts, {**account, "created_at": f"{now}", "update_time": f"{now}"}, series)
        key = {"api_key": _key_expr(tx), "account_id": "i", "key_type": "'HMAC_SHA256'", "secret": "'preloaded'"}
        flags = {"can_trade": tr, "enabled": tr, "ip_whitelist": "NULL", "created_at": f"{now}"}
        _insert_select(tx, schema.api_keys, {**key, **flags}, series)
        config = {"account_id": "i", "symbol": "'BTCUSDT'", "margin_type": "'ISOLATED'", "leverage": "10"}
        _insert_select(tx, schema.symbol_configs, config, series)
        position = {"account_id": "i", "symbol": "'BTCUSDT'", "position_side": "'BOTH'", "update_time": f"{now}"}
        amounts = {"position_amt": _money("0.01"), "entry_price": _money(MARK), "isolated_wallet": _money("1050")}
        _insert_select(tx, schema.positions, {**position, **amounts}, series)
        for i in range(1, bench_accounts + 1):
            tx.run("UPDATE api_keys SET secret = ? WHERE api_key = ?", (bench_secret(bench_key(i)), bench_key(i)))
        mark = {"symbol": "'BTCUSDT'", "mark_price": _money(MARK), "update_time": f"{now}"}
        _insert_select(tx, schema.mark_prices, mark)
        if population.history_rows:
            # Spread over every account and the last 29 days (inside the 30-day history window).
            row = {"account_id": f"1 + (i % {total})", "symbol": "'BTCUSDT'", "position_side": "'BOTH'"}
            change = {"type": "1 + (i % 2)", "amount": _money("1"), "asset": "'USDT'"}
            when = {"time": f"{now} - (i % {29 * DAY_MS // 1000}) * 1000"}
            _insert_select(
                tx, schema.margin_history, {**row, **change, **when}, _series(tx, 1, population.history_rows)
            )
        if tx.dialect == "postgresql":
            # explicit ids above: move the sequence past them so new accounts get fresh ids
            tx.one("SELECT setval(pg_get_serial_sequence('accounts', 'id'), (SELECT max(id) FROM accounts))")

    store.write_sync(run)


def _sign(api_key: str, params: list[tuple[str, str]], timestamp: int) -> str:
    query = urlencode([*params, ("recvWindow", str(RECV_WINDOW_MS)), ("timestamp", str(timestamp))])
    signature = hmac.new(bench_secret(api_key).encode(), query.encode(), hashlib.sha256).hexdigest()
    return f"{query}&signature={signature}"


def write_margin_requests(path: Path, bench_accounts: int, timestamp: int) -> int:
    """Alternating add/reduce of 1 USDT per bench account, signed in the form body; the count."""
    lines = []
    for i in range(1, bench_accounts + 1):
        for type_ in ("1", "2"):
            body = _sign(bench_key(i), [("symbol", "BTCUSDT"), ("amount", "1"), ("type", type_)], timestamp)
            lines.append(f"POST\t/fapi/v1/positionMargin\t{bench_key(i)}\t{body}")
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def write_order_requests(path: Path, bench_accounts: int, timestamp: int) -> int:
    """Alternating MARKET BUY/SELL of 0.01 ETHUSDT per bench account (a cross position that opens
    and closes; the accounts' isolated BTCUSDT positions stay as they are), signed in the form
    body; the count. Each account's orders stay far below the ORDERS limits at bench rates."""
    lines = []
    for i in range(1, bench_accounts + 1):
        for side in ("BUY", "SELL"):
            order = [("symbol", "ETHUSDT"), ("side", side), ("type", "MARKET"), ("quantity", "0.01")]
            lines.append(f"POST\t/fapi/v1/order\t{bench_key(i)}\t{_sign(bench_key(i), order, timestamp)}")
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def write_get_requests(path: Path, endpoint: str, params: list[tuple[str, str]], bench_accounts: int, ts: int) -> int:
    """Signed GETs (query string) for every bench account; the count."""
    lines = [
        f"GET\t{endpoint}?{_sign(bench_key(i), params, ts)}\t{bench_key(i)}\t" for i in range(1, bench_accounts + 1)
    ]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)
