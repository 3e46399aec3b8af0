"""What docs/control-plane.md promises: scenario files load in one transaction and are idempotent by
apiKey; without an admin token the server will not listen on a public address."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from isomargin.auth.keystore import SecretBox
from isomargin.scenario import ScenarioError, load_scenario
from isomargin.service import ServiceContext
from isomargin.store import open_store, repo
from isomargin.symbols import DEFAULT_SYMBOLS

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.yaml"


def test_demo_loads_once_then_keeps_accounts_and_resets_mark_prices(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    try:
        ctx = ServiceContext(DEFAULT_SYMBOLS, 1_700_000_000_000, SecretBox(os.urandom(32)))
        first = load_scenario(store, ctx, DEMO)
        assert (len(first.accounts_created), first.positions_opened, first.mark_prices_set) == (2, 3, 2)
        store.write_sync(lambda tx: repo.set_mark_price(tx, "BTCUSDT", Decimal("1"), 1))
        second = load_scenario(store, ctx, DEMO)
        assert (second.accounts_created, second.accounts_kept, second.positions_opened) == ([], [1, 2], 0)
        assert store.read_sync(lambda tx: repo.get_mark_price(tx, "BTCUSDT")) == Decimal("51000")
    finally:
        store.close()


def test_a_bad_scenario_loads_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "markPrices: {BTCUSDT: '50000'}\n"
        "accounts:\n"
        "  - {balance: '100', positions: [{symbol: BTCUSDT, positionAmt: '1', entryPrice: '50000', leverage: 1}]}\n"
    )
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    try:
        with pytest.raises(ScenarioError, match="cannot pay"):
            load_scenario(store, ServiceContext(DEFAULT_SYMBOLS, 1, SecretBox(os.urandom(32))), bad)
        assert store.read_sync(repo.list_accounts) == []
        assert store.read_sync(lambda tx: repo.get_mark_price(tx, "BTCUSDT")) is None
    finally:
        store.close()


def test_a_scenario_position_without_leverage_takes_the_symbols_leverage(tmp_path: Path) -> None:
    """As POST /positions: the second hedge leg shares the first leg's 10x (a fixed 20x would conflict)."""
    scenario = tmp_path / "hedge.yaml"
    scenario.write_text(
        "accounts:\n"
        "  - balance: '10000'\n"
        "    dualSidePosition: true\n"
        "    positions:\n"
        "      - {symbol: ETHUSDT, positionSide: LONG, positionAmt: '1', entryPrice: '3000', leverage: 10}\n"
        "      - {symbol: ETHUSDT, positionSide: SHORT, positionAmt: '-1', entryPrice: '3000'}\n"
    )
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    try:
        ctx = ServiceContext(DEFAULT_SYMBOLS, 1_700_000_000_000, SecretBox(os.urandom(32)))
        assert load_scenario(store, ctx, scenario).positions_opened == 2
        rows = store.read_sync(lambda tx: repo.list_positions(tx, 1))
        assert sorted((r.position_side, r.isolated_wallet) for r in rows) == [
            ("LONG", Decimal("300")),
            ("SHORT", Decimal("300")),
        ]
    finally:
        store.close()


@pytest.mark.slow
def test_serve_refuses_a_public_address_without_an_admin_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ISOMARGIN_ADMIN_TOKEN"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "isomargin.cli.main",
            "serve",
            "--host",
            "0.0.0.0",
            "--db",
            f"sqlite:///{tmp_path}/x.db",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2
    assert "ISOMARGIN_ADMIN_TOKEN" in done.stderr


def test_a_quoted_boolean_is_refused(tmp_path: Path) -> None:
    """``dualSidePosition: "false"`` must not open a hedge-mode account (bool("false") is True)."""
    bad = tmp_path / "quoted.yaml"
    bad.write_text("accounts:\n  - {balance: '100', dualSidePosition: 'false'}\n")
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    try:
        with pytest.raises(ScenarioError, match=r"accounts\[0\]\.dualSidePosition: expected true or false"):
            load_scenario(store, ServiceContext(DEFAULT_SYMBOLS, 1, SecretBox(os.urandom(32))), bad)
        assert store.read_sync(repo.list_accounts) == []
    finally:
        store.close()
