"""HMAC secrets at rest: sealed with a master key kept outside the database, never logged.

A copy of the database alone must not hand out working secrets (docs/security.md), on SQLite
and on PostgreSQL alike. "A copy" is what a thief has: SQLite's files, or PostgreSQL's tables
read directly (psycopg, bypassing isomargin). Every test runs in a directory of its own, so
PostgreSQL's default key file ``./isomargin-master.key`` lands there too.
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from isomargin.api.app import create_app
from isomargin.auth.keystore import MasterKeyError, new_master_key
from isomargin.config import Settings
from isomargin.store.migrate import upgrade
from tests.backends import postgres_schema, postgres_server_url
from tests.support import CONTROL, Creds, LiveServer, asgi_api, hmac_hex, in_process_api


@pytest.fixture(autouse=True)
def in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths (PostgreSQL's default key file) resolve in the test's own directory."""
    monkeypatch.chdir(tmp_path)


def sqlite_path(url: str) -> Path | None:
    return Path(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else None


def default_key_file(url: str) -> Path:
    """Where docs/security.md says the key is made: ``<db>.key``, or ``./isomargin-master.key``."""
    path = sqlite_path(url)
    return Path(f"{path}.key") if path else Path.cwd() / "isomargin-master.key"


@contextmanager
def raw_db(url: str) -> Iterator[Any]:
    """A plain DB-API connection to the database itself, bypassing isomargin."""
    path = sqlite_path(url)
    if path is not None:
        conn = sqlite3.connect(path)
        try:
            with conn:
                yield conn
        finally:
            conn.close()
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=5) as pg:
            yield pg


def tables(conn: Any) -> list[str]:
    if isinstance(conn, sqlite3.Connection):
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    else:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        ).fetchall()
    return sorted(str(name) for (name,) in rows)


def everything_stored(url: str) -> str:
    """Every row of every table, as text: all a copy of the database holds."""
    with raw_db(url) as conn:
        names = tables(conn)
        assert "api_keys" in names, names
        return "\n".join(repr(row) for name in names for row in conn.execute(f'SELECT * FROM "{name}"').fetchall())


def stored_secret(url: str, api_key: str) -> str:
    with raw_db(url) as conn:
        (secret,) = conn.execute(f"SELECT secret FROM api_keys WHERE api_key = '{api_key}'").fetchone()
    return str(secret)


@contextmanager
def copy_of_database(url: str, elsewhere: Path) -> Iterator[str]:
    """A copy of the database at ``url`` (its key left behind); yields the copy's URL.

    SQLite: the file, copied into the directory ``elsewhere``. PostgreSQL: every table, rows and
    all, copied into a fresh schema.
    """
    elsewhere.mkdir()
    path = sqlite_path(url)
    if path is not None:
        shutil.copy(path, elsewhere / path.name)
        yield f"sqlite:///{elsewhere / path.name}"
        return
    import psycopg

    with postgres_schema("copy_") as copy_url:
        with raw_db(url) as conn:
            (source,) = conn.execute("SELECT current_schema()").fetchone()
            names = tables(conn)
        with raw_db(copy_url) as conn:
            (target,) = conn.execute("SELECT current_schema()").fetchone()
        assert source != target
        with psycopg.connect(postgres_server_url(), autocommit=True, connect_timeout=5) as pg, pg.transaction():
            for name in names:
                pg.execute(f'CREATE TABLE "{target}"."{name}" (LIKE "{source}"."{name}" INCLUDING ALL)')
                pg.execute(f'INSERT INTO "{target}"."{name}" SELECT * FROM "{source}"."{name}"')
        yield copy_url


async def _account_with_secret(settings: Settings, secret: str, api_key: str = "k-sealed-0001") -> Creds:
    async with in_process_api(settings) as api:
        creds = await api.account("100", apiKey=api_key, secretKey=secret)
        assert (await api.history(creds)).status_code == 200
    return creds


async def test_the_database_holds_no_secret_and_the_key_file_is_private(db_url: str) -> None:
    secret = "s3cret-" + "q" * 40
    await _account_with_secret(Settings(db_url=db_url), secret)
    path = sqlite_path(db_url)
    if path is not None:  # every file of it, the WAL included
        files = [p for p in path.parent.glob(f"{path.name}*") if p.suffix != ".key"]
        assert files
        for file in files:
            assert secret.encode() not in file.read_bytes(), file
    assert secret not in everything_stored(db_url)
    stored = stored_secret(db_url, "k-sealed-0001")
    assert stored.startswith("aesgcm1:") and secret not in stored
    key_file = default_key_file(db_url)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.b64decode(key_file.read_text().strip())) == 32


async def test_a_copy_of_the_database_without_its_key_is_refused(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "x" * 32
    creds = await _account_with_secret(Settings(db_url=db_url), secret)
    original = default_key_file(db_url).read_text().strip()
    with copy_of_database(db_url, tmp_path / "elsewhere") as copy_url:
        # what the copy holds in place of the secret (below: it does not sign a request)
        sealed = stored_secret(copy_url, creds.api_key)
        # a server started on the copy elsewhere (no key there) makes itself a new key, which
        # cannot open the secrets
        monkeypatch.chdir(tmp_path / "elsewhere")
        with pytest.raises(MasterKeyError, match="wrong master key"):
            create_app(Settings(db_url=copy_url))
        assert default_key_file(copy_url).read_text().strip() != original  # a new key, not the original
        # with the original key (here through ISOMARGIN_MASTER_KEY's setting) the copy works:
        # it was complete, so what stopped the first start was the key alone
        app = create_app(Settings(db_url=copy_url, master_key=original))
        try:
            async with asgi_api(app) as api:
                assert (await api.history(creds)).status_code == 200
                r = await api.history(Creds(creds.account_id, creds.api_key, sealed))
                assert (r.status_code, r.json()["code"]) == (400, -1022), r.text
        finally:
            app.state.store.close()


def test_serve_refuses_to_start_with_a_wrong_master_key(db_url: str, tmp_path: Path) -> None:
    env = {"ISOMARGIN_MASTER_KEY": new_master_key()}
    with LiveServer(db_url, env=env) as server, httpx.Client(base_url=server.base_url) as http:
        r = http.post(f"{CONTROL}/accounts", json={"balance": "1"})
        assert r.status_code == 201  # an HMAC key with a sealed secret: what the wrong key must fail to open
    wrong = LiveServer(db_url, env={"ISOMARGIN_MASTER_KEY": new_master_key()}, log_path=tmp_path / "wrong.log")
    with pytest.raises(RuntimeError, match="exited with 2"):
        wrong.start(timeout=20)
    assert "wrong master key" in (tmp_path / "wrong.log").read_text()
    assert not default_key_file(db_url).exists()  # the env key was used; no key file was made


async def test_plaintext_secrets_from_before_are_sealed_at_start(db_url: str) -> None:
    """A database at the initial schema with a plaintext secret migrates and keeps working."""
    upgrade(db_url, "0001")
    with raw_db(db_url) as db:  # TRUE/FALSE: booleans on PostgreSQL, 1/0 on SQLite
        db.execute(
            "INSERT INTO accounts (dual_side_position, cross_wallet, created_at, update_time) VALUES (FALSE, '5', 1, 1)"
        )
        db.execute(
            "INSERT INTO api_keys (api_key, account_id, key_type, secret, can_trade, enabled, ip_whitelist, created_at)"
            " VALUES ('old-key', 1, 'HMAC_SHA256', 'old-plaintext-secret-0000', TRUE, TRUE, NULL, 1)"
        )
    app = create_app(Settings(db_url=db_url))
    try:
        with raw_db(db_url) as db:
            stored, futures = db.execute("SELECT secret, futures_enabled FROM api_keys").fetchone()
        assert stored.startswith("aesgcm1:") and futures == 1
        assert "old-plaintext-secret-0000" not in everything_stored(db_url)
        async with asgi_api(app) as api:
            r = await api.history(Creds(1, "old-key", "old-plaintext-secret-0000"))
            assert r.status_code == 200, r.text
    finally:
        app.state.store.close()


def test_no_secret_reaches_the_logs_of_a_full_server_run(db_url: str, tmp_path: Path) -> None:
    """Debug logging and the access log on; every secret this run created is searched for."""
    master = new_master_key()
    log_path = tmp_path / "server.log"
    server = LiveServer(
        db_url,
        extra_args=["--access-log", "--log-level", "debug"],
        env={"ISOMARGIN_MASTER_KEY": master},
        log_path=log_path,
    )
    secrets: list[str] = [master]
    with server, httpx.Client(base_url=server.base_url) as http:
        given = "given-secret-" + "z" * 30
        for body in ({"balance": "1000"}, {"balance": "1000", "secretKey": given}):
            r = http.post(f"{CONTROL}/accounts", json=body)
            assert r.status_code == 201
            secrets.append(r.json()["secretKey"])
            account_id, api_key, secret = r.json()["accountId"], r.json()["apiKey"], r.json()["secretKey"]
            http.post(
                f"{CONTROL}/positions",
                json={"accountId": account_id, "symbol": "BTCUSDT", "positionAmt": "0.01", "entryPrice": "50000"},
            )
            extra = http.post(f"{CONTROL}/accounts/{account_id}/apiKeys", json={})
            secrets.append(extra.json()["secretKey"])
            # a refused key creation that carried a secret
            http.post(f"{CONTROL}/accounts/{account_id}/apiKeys", json={"apiKey": api_key, "secretKey": "w" * 40})
            secrets.append("w" * 40)
            for amount in ("5", "-1", "abc"):
                q = f"symbol=BTCUSDT&amount={amount}&type=1&timestamp={int(time.time() * 1000)}"
                http.post(
                    f"/fapi/v1/positionMargin?{q}&signature={hmac_hex(secret, q)}", headers={"X-MBX-APIKEY": api_key}
                )
                http.post(f"/fapi/v1/positionMargin?{q}&signature=00", headers={"X-MBX-APIKEY": api_key})
    text = log_path.read_text()
    assert "positionMargin" in text  # the access log did record the requests
    for secret in secrets:
        assert secret not in text
