"""HMAC secrets at rest: sealed with a master key kept outside the database, never logged.

A copy of the database alone must not hand out working secrets (docs/security.md).
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
import stat
import time
from pathlib import Path

import httpx
import pytest

from isomargin.api.app import create_app
from isomargin.auth.keystore import MasterKeyError, new_master_key
from isomargin.config import Settings
from isomargin.store.migrate import upgrade
from tests.support import CONTROL, Api, Creds, LiveServer, asgi_api, hmac_hex, in_process_api


async def _account_with_secret(app_settings: Settings, secret: str) -> tuple[str, Api]:
    async with in_process_api(app_settings) as api:
        creds = await api.account("100", apiKey="k-sealed-0001", secretKey=secret)
        assert (await api.history(creds)).status_code == 200
    return creds.api_key, api


async def test_the_database_holds_no_secret_and_the_key_file_is_private(tmp_path: Path) -> None:
    secret = "s3cret-" + "q" * 40
    await _account_with_secret(Settings(db_url=f"sqlite:///{tmp_path}/a.db"), secret)
    for path in tmp_path.glob("a.db*"):
        if path.suffix != ".key":
            assert secret.encode() not in path.read_bytes(), path
    with sqlite3.connect(tmp_path / "a.db") as db:
        (stored,) = db.execute("SELECT secret FROM api_keys").fetchone()
    assert stored.startswith("aesgcm1:") and secret not in stored
    key_file = tmp_path / "a.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.b64decode(key_file.read_text().strip())) == 32


async def test_a_copy_of_the_database_without_its_key_is_refused(tmp_path: Path) -> None:
    await _account_with_secret(Settings(db_url=f"sqlite:///{tmp_path}/a.db"), "x" * 32)
    stolen = tmp_path / "elsewhere"
    stolen.mkdir()
    shutil.copy(tmp_path / "a.db", stolen / "a.db")
    # a server started on the copy makes itself a new key, which cannot open the secrets
    with pytest.raises(MasterKeyError, match="wrong master key"):
        create_app(Settings(db_url=f"sqlite:///{stolen}/a.db"))
    # with the original key (here through ISOMARGIN_MASTER_KEY's setting) it works
    original = (tmp_path / "a.db.key").read_text().strip()
    app = create_app(Settings(db_url=f"sqlite:///{stolen}/a.db", master_key=original))
    app.state.store.close()


def test_serve_refuses_to_start_with_a_wrong_master_key(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/s.db"
    env = {"ISOMARGIN_MASTER_KEY": new_master_key()}
    with LiveServer(db, env=env) as server, httpx.Client(base_url=server.base_url) as http:
        assert http.post(f"{CONTROL}/accounts", json={"balance": "1"}).status_code == 201
    wrong = LiveServer(db, env={"ISOMARGIN_MASTER_KEY": new_master_key()}, log_path=tmp_path / "wrong.log")
    with pytest.raises(RuntimeError, match="exited with 2"):
        wrong.start(timeout=20)
    assert "wrong master key" in (tmp_path / "wrong.log").read_text()
    assert not (tmp_path / "s.db.key").exists()  # the env key was used; no key file was made


async def test_plaintext_secrets_from_before_are_sealed_at_start(tmp_path: Path) -> None:
    """A database at the initial schema with a plaintext secret migrates and keeps working."""
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url, "0001")
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute(
            "INSERT INTO accounts (dual_side_position, cross_wallet, created_at, update_time) VALUES (0, '5', 1, 1)"
        )
        db.execute(
            "INSERT INTO api_keys (api_key, account_id, key_type, secret, can_trade, enabled, ip_whitelist, created_at)"
            " VALUES ('old-key', 1, 'HMAC_SHA256', 'old-plaintext-secret-0000', 1, 1, NULL, 1)"
        )
    app = create_app(Settings(db_url=url))
    with sqlite3.connect(tmp_path / "old.db") as db:
        stored, futures = db.execute("SELECT secret, futures_enabled FROM api_keys").fetchone()
    assert stored.startswith("aesgcm1:") and futures == 1
    async with asgi_api(app) as api:
        r = await api.history(Creds(1, "old-key", "old-plaintext-secret-0000"))
        assert r.status_code == 200, r.text
    app.state.store.close()


def test_no_secret_reaches_the_logs_of_a_full_server_run(tmp_path: Path) -> None:
    """Debug logging and the access log on; every secret this run created is searched for."""
    master = new_master_key()
    log_path = tmp_path / "server.log"
    server = LiveServer(
        f"sqlite:///{tmp_path}/logs.db",
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
