"""A benchmark database: N trading accounts, optionally a large pre-loaded population, pre-signed requests.

Bench account ``i`` (1-based) has API key ``bench-key-i`` and secret :func:`bench_secret`, a
1,000,000 USDT cross wallet and one BTCUSDT long (0.01 at 50000, 10x, ISOLATED) whose isolated
wallet holds 1000 above its initial margin, so alternating add/reduce of 1 USDT always succeeds.
The pre-load (accounts with keys and positions, history rows spread over 29 days) is one bulk
``INSERT … SELECT`` per table over a generated series: seconds, not minutes, for a million rows.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from isomargin.store import Store, Tx

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


def _money(tx: Tx, literal: str) -> str:
    return f"CAST('{literal}' AS NUMERIC)" if tx.dialect == "postgresql" else f"'{literal}'"


def _key_expr(tx: Tx) -> str:
    return "'bench-key-' || CAST(i AS TEXT)"


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
        tx.run(
            "INSERT INTO accounts (id, dual_side_position, cross_wallet, created_at, update_time)"
            f" SELECT i, {fa}, {_money(tx, '1000000')}, {now}, {now} FROM {series}"
        )
        tx.run(
            "INSERT INTO api_keys (api_key, account_id, key_type, secret, can_trade, enabled, ip_whitelist, created_at)"
            f" SELECT {_key_expr(tx)}, i, 'HMAC_SHA256', 'preloaded', {tr}, {tr}, NULL, {now} FROM {series}"
        )
        tx.run(
            "INSERT INTO symbol_configs (account_id, symbol, margin_type, leverage)"
            f" SELECT i, 'BTCUSDT', 'ISOLATED', 10 FROM {series}"
        )
        tx.run(
            "INSERT INTO positions (account_id, symbol, position_side, position_amt, entry_price, isolated_wallet,"
            f" update_time) SELECT i, 'BTCUSDT', 'BOTH', {_money(tx, '0.01')}, {_money(tx, MARK)},"
            f" {_money(tx, '1050')}, {now} FROM {series}"
        )
        for i in range(1, bench_accounts + 1):
            tx.run("UPDATE api_keys SET secret = ? WHERE api_key = ?", (bench_secret(bench_key(i)), bench_key(i)))
        tx.run(
            f"INSERT INTO mark_prices (symbol, mark_price, update_time) VALUES ('BTCUSDT', {_money(tx, MARK)}, {now})"
        )
        if population.history_rows:
            # Spread over every account and the last 29 days (inside the 30-day history window).
            tx.run(
                "INSERT INTO margin_history (account_id, symbol, position_side, type, amount, asset, time)"
                f" SELECT 1 + (i % {total}), 'BTCUSDT', 'BOTH', 1 + (i % 2), {_money(tx, '1')}, 'USDT',"
                f" {now} - (i % {29 * DAY_MS // 1000}) * 1000 FROM {_series(tx, 1, population.history_rows)}"
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


def write_get_requests(path: Path, endpoint: str, params: list[tuple[str, str]], bench_accounts: int, ts: int) -> int:
    """Signed GETs (query string) for every bench account; the count."""
    lines = [
        f"GET\t{endpoint}?{_sign(bench_key(i), params, ts)}\t{bench_key(i)}\t" for i in range(1, bench_accounts + 1)
    ]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)
