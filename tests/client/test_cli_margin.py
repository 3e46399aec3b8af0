"""``isomargin margin|positions|balance`` against a live isomargin, through Typer's CliRunner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from typer.testing import CliRunner

from isomargin.cli.main import app
from isomargin.client import Client, ClientError, MissingCredentials
from tests.client.conftest import Clients
from tests.support import CONTROL, Api, Creds, LiveServer

runner = CliRunner()


def run(server: LiveServer, creds: Creds | None, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    flags = ["--base-url", server.base_url]
    if creds is not None:
        flags += ["--api-key", creds.api_key, "--api-secret", creds.secret_key]
    base = {"ISOMARGIN_PROFILES": "/nonexistent/profiles.toml", "COLUMNS": "200"}
    result = runner.invoke(app, [*args, *flags], env={**base, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


async def one_way(api: Api) -> Creds:
    creds = await api.account("10000")
    await api.position(creds, amt="0.01", entry="50000", leverage=10)  # iw 50, liq 45180.72289157
    await api.mark("BTCUSDT", "51000")
    return creds


def only_the_open(client: Client) -> bool:
    """The history holds the open's TRADE row (0.01 × 50000 / 10 = 50) and nothing else."""
    return [(h.delta_type, h.amount) for h in client.margin_history("BTCUSDT")] == [("TRADE", Decimal("50"))]


async def test_history_table_and_json(live_api: Api, live_server: LiveServer, clients: Clients) -> None:
    creds = await one_way(live_api)
    client = clients.sync(creds)
    client.add_margin("BTCUSDT", "100")
    client.reduce_margin("BTCUSDT", "30.5")

    code, table, _ = run(live_server, creds, "margin", "history", "BTCUSDT")
    code_json, out, _ = run(live_server, creds, "margin", "history", "BTCUSDT", "--json", "--type", "reduce")

    assert code == 0 and code_json == 0
    # the open's TRADE row (0.01 × 50000 / 10 = 50), then the two margin changes
    assert "+50" in table and "+100" in table and "-30.5" in table and "3 changes" in table
    assert table.count("TRADE") == 1 and table.count("USER_ADJUST") == 2
    rows = json.loads(out)
    assert [(r["type"], r["amount"], r["positionSide"]) for r in rows] == [(2, "-30.50000000", "BOTH")]


async def test_refusals_are_one_line_with_the_binance_code(live_api: Api, live_server: LiveServer) -> None:
    creds = await one_way(live_api)
    wrong = Creds(creds.account_id, creds.api_key, "wrong-secret")

    code, out, err = run(live_server, wrong, "margin", "history", "BTCUSDT")
    code_json, out_json, _ = run(live_server, wrong, "margin", "history", "BTCUSDT", "--json")

    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0
    assert err.startswith("error -1022: Signature for this request is not valid. (HTTP 400")
    assert code_json == 1 and json.loads(out_json) == {"code": -1022, "msg": "Signature for this request is not valid."}


async def test_unreachable_server_and_bad_usage(live_api: Api) -> None:
    result = runner.invoke(
        app,
        ["margin", "history", "BTCUSDT", "--base-url", "http://127.0.0.1:9", "--api-key", "k", "--api-secret", "s"],
        env={"ISOMARGIN_PROFILES": "/nonexistent"},
    )
    bad_type = runner.invoke(app, ["margin", "history", "BTCUSDT", "--type", "sideways"])

    assert result.exit_code == 1 and result.stderr.startswith("error: cannot reach http://127.0.0.1:9")
    assert bad_type.exit_code == 2 and "--type must be add or reduce" in bad_type.stderr


async def test_env_and_profile_file_supply_the_connection(
    live_api: Api, live_server: LiveServer, tmp_path: Path, clients: Clients
) -> None:
    creds = await one_way(live_api)
    clients.sync(creds).add_margin("BTCUSDT", "7")
    # An Ed25519 key in a key file, named by a profile; the key type is read from the PEM.
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    r = await live_api.http.post(
        f"{CONTROL}/accounts/{creds.account_id}/apiKeys", json={"type": "ED25519", "publicKey": public.decode()}
    )
    (tmp_path / "ed25519.pem").write_bytes(pem)
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(
        f'[local-ed]\nbase_url = "{live_server.base_url}"\napi_key = "{r.json()["apiKey"]}"\n'
        f'key_file = "{tmp_path / "ed25519.pem"}"\n'
    )
    env_only = {
        "ISOMARGIN_BASE_URL": live_server.base_url,
        "ISOMARGIN_API_KEY": creds.api_key,
        "ISOMARGIN_API_SECRET": creds.secret_key,
        "ISOMARGIN_PROFILES": "/nonexistent",
    }

    by_env = runner.invoke(app, ["margin", "history", "BTCUSDT", "--json"], env=env_only)
    by_profile = runner.invoke(
        app,
        ["margin", "history", "BTCUSDT", "--json", "--profile", "local-ed"],
        env={"ISOMARGIN_PROFILES": str(profiles)},
    )
    missing = runner.invoke(
        app, ["margin", "history", "BTCUSDT", "--profile", "nope"], env={"ISOMARGIN_PROFILES": str(profiles)}
    )

    # the open's TRADE row (0.01 × 50000 / 10 = 50), then the add
    assert by_env.exit_code == 0
    assert [row["amount"] for row in json.loads(by_env.stdout)] == ["50.00000000", "7.00000000"]
    assert by_profile.exit_code == 0, by_profile.stderr
    assert json.loads(by_profile.stdout) == json.loads(by_env.stdout)
    assert missing.exit_code == 1 and "no [nope] profile" in missing.stderr


async def test_add_shows_liquidation_before_and_after(live_api: Api, live_server: LiveServer) -> None:
    creds = await one_way(live_api)

    code, table, err = run(live_server, creds, "margin", "add", "BTCUSDT", "100")
    code_json, out, _ = run(live_server, creds, "margin", "reduce", "BTCUSDT", "30", "--json")

    assert code == 0, err
    # Long 0.01 @ 50000, MMR 0.004: LP = (500 − iw) / (0.01 × 0.996); iw 50 → 45180.72289157,
    # iw 150 → 35140.56224900 (shown to 8 significant digits); distance from mark 51000: 11.41% → 31.10%.
    assert "45,180.723" in table and "35,140.562" in table
    assert "11.41%" in table and "31.10%" in table
    assert code_json == 0
    data = json.loads(out)
    assert data["result"] == {"amount": 30.0, "code": 200, "msg": "Successfully modify position margin.", "type": 2}
    wallets = (Decimal(data["before"]["isolatedWallet"]), Decimal(data["after"]["isolatedWallet"]))
    assert wallets == (Decimal("150"), Decimal("120"))
    assert data["after"]["liquidationPrice"] == "38152.61044177"  # (500 − 120) / 0.00996


async def test_dry_run_sends_nothing(live_api: Api, live_server: LiveServer, clients: Clients) -> None:
    creds = await one_way(live_api)

    code, table, err = run(live_server, creds, "margin", "reduce", "BTCUSDT", "5", "--dry-run")

    assert code == 0, err
    assert "dry run" in table and "45,180.723" in table
    assert only_the_open(clients.sync(creds))


async def test_positions_and_balance(live_api: Api, live_server: LiveServer) -> None:
    creds = await one_way(live_api)

    code, table, err = run(live_server, creds, "positions")
    code_json, out, _ = run(live_server, creds, "positions", "--json")
    code_bal, balance, _ = run(live_server, creds, "balance", "--json")

    assert code == 0, err
    assert "45,180.723" in table and "11.41%" in table and "10x" in table
    (row,) = json.loads(out)
    # Max removable [FAQ-ADJ]: min(50 − 510×0.004, 50 + 10 − 51) = min(47.96, 9) = 9
    assert (row["symbol"], row["positionSide"], row["maxRemovable"]) == ("BTCUSDT", "BOTH", "9.00000000")
    assert code_json == 0 and code_bal == 0
    (usdt,) = [b for b in json.loads(balance) if b["asset"] == "USDT"]
    assert Decimal(usdt["crossWalletBalance"]) == Decimal("9950")


async def test_hedge_mode_needs_a_side_when_both_legs_are_open(live_api: Api, live_server: LiveServer) -> None:
    creds = await live_api.account("5000", dual=True)
    await live_api.position(creds, symbol="ETHUSDT", amt="1", entry="2900", leverage=20, side="LONG")
    await live_api.position(creds, symbol="ETHUSDT", amt="-0.5", entry="3100", leverage=20, side="SHORT")

    code, _, err = run(live_server, creds, "margin", "add", "ETHUSDT", "10")
    code_side, table, err_side = run(live_server, creds, "margin", "add", "ETHUSDT", "10", "--side", "SHORT")

    assert code == 1 and "pass side LONG or SHORT" in err
    assert code_side == 0, err_side
    assert "ETHUSDT SHORT" in table


@pytest.mark.slow
async def test_the_installed_command_adds_margin(live_api: Api, live_server: LiveServer) -> None:
    """As a user runs it: the `isomargin` entry point, the key in the environment."""
    creds = await one_way(live_api)
    env = {
        **os.environ,
        "ISOMARGIN_BASE_URL": live_server.base_url,
        "ISOMARGIN_API_KEY": creds.api_key,
        "ISOMARGIN_API_SECRET": creds.secret_key,
        "ISOMARGIN_PROFILES": "/nonexistent",
        "COLUMNS": "100",
    }
    command = [str(Path(sys.executable).with_name("isomargin")), "margin", "add", "BTCUSDT", "100"]

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    assert "45,180.723" in done.stdout and "35,140.562" in done.stdout
    assert "Successfully modify position margin." in done.stdout


@pytest.mark.parametrize(("columns", "wide"), [("120", True), ("80", False)])
async def test_positions_fit_the_terminal(live_api: Api, live_server: LiveServer, columns: str, wide: bool) -> None:
    """A wide terminal gets one table; a narrow one a small table per position, numbers never folded."""
    creds = await one_way(live_api)

    code, out, err = run(live_server, creds, "positions", env={"COLUMNS": columns})

    assert code == 0, err
    # iw 50 → liquidation 45180.72289157 (see one_way), shown whole on one line either way
    assert "45,180.72" in out and "11.41%" in out
    assert ("liq. price" in out.splitlines()[2]) is wide  # the header row of the wide table
    assert all(len(line) <= int(columns) for line in out.splitlines())


async def test_a_key_file_flag_beats_a_secret_in_the_environment(
    live_api: Api, live_server: LiveServer, tmp_path: Path
) -> None:
    """Flags, then env: ``--key-file`` must not lose to ``ISOMARGIN_API_SECRET`` (a different option)."""
    creds = await one_way(live_api)
    env = {
        "ISOMARGIN_PROFILES": "/nonexistent",
        "ISOMARGIN_BASE_URL": live_server.base_url,
        "ISOMARGIN_API_KEY": creds.api_key,
        "ISOMARGIN_API_SECRET": creds.secret_key,
    }
    (tmp_path / "wrong.txt").write_text("wrong-secret\n")
    (tmp_path / "right.txt").write_text(creds.secret_key + "\n")

    by_env = runner.invoke(app, ["balance", "--json"], env=env)
    wrong = runner.invoke(app, ["balance", "--key-file", str(tmp_path / "wrong.txt")], env=env)
    missing = runner.invoke(app, ["balance", "--key-file", str(tmp_path / "absent.txt")], env=env)
    right = runner.invoke(
        app, ["balance", "--json", "--key-file", str(tmp_path / "right.txt")], env={**env, "ISOMARGIN_API_SECRET": "x"}
    )

    assert by_env.exit_code == 0, by_env.stderr
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error -1022: Signature for this request is not valid.")
    assert missing.exit_code == 1 and "cannot read key file" in missing.stderr
    assert right.exit_code == 0, right.stderr
    assert json.loads(right.stdout) == json.loads(by_env.stdout)


def test_help_names_the_environment_variables() -> None:
    result = runner.invoke(app, ["balance", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    for name in ("BASE_URL", "API_KEY", "API_SECRET", "KEY_FILE", "KEY_TYPE", "PROFILE"):
        assert f"ISOMARGIN_{name}" in result.stdout


async def test_no_key_says_how_to_give_one(live_api: Api, live_server: LiveServer, tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.toml"
    env = {"ISOMARGIN_PROFILES": str(profiles), "ISOMARGIN_BASE_URL": live_server.base_url}

    result = runner.invoke(app, ["positions"], env=env)
    key_only = runner.invoke(app, ["balance", "--api-key", "k"], env=env)

    assert result.exit_code == 1 and result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith("error: GET /fapi/v2/positionRisk needs an API key and secret")
    for way in ("--api-key", "--api-secret", "--key-file", "ISOMARGIN_API_KEY", "ISOMARGIN_API_SECRET", str(profiles)):
        assert way in line
    assert key_only.exit_code == 1 and "(no API secret given)" in key_only.stderr


def test_the_library_error_names_no_cli_flag() -> None:
    with pytest.raises(MissingCredentials) as caught, Client("http://127.0.0.1:9", "key") as client:
        client.position_risk("BTCUSDT")

    assert str(caught.value) == "GET /fapi/v2/positionRisk needs an API key and secret (no API secret given)"
    assert caught.value.missing == ("API secret",) and isinstance(caught.value, ClientError)


async def test_dry_run_json_has_decimal_strings(live_api: Api, live_server: LiveServer, clients: Clients) -> None:
    creds = await one_way(live_api)

    code, out, err = run(live_server, creds, "margin", "add", "BTCUSDT", "100", "--dry-run", "--json")

    assert code == 0, err
    data = json.loads(out)
    # Binance style: every decimal a string. iw 50 + 100 = 150 → (500 − 150) / 0.00996
    assert data["liquidationPriceAfter"] == "35140.56224900"
    assert data["before"]["liquidationPrice"] == "45180.72289157" and data["dryRun"] is True
    assert only_the_open(clients.sync(creds))
