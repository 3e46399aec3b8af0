"""Settings: declared once, read flag > variable > default, handed to workers whole, secrets kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isomargin.cli.main import app
from isomargin.cli.serve import _banner
from isomargin.config import Settings, declared_settings, settings_from_env, worker_environ
from isomargin.config_doc import settings_table
from isomargin.symbols import load_symbols


def test_a_malformed_trusted_proxy_is_refused_at_start() -> None:
    # it used to be parsed per request, so every request with X-Forwarded-For answered a plain-text 500
    with pytest.raises(ValueError, match="trusted proxy 'garbage' is not an IP address or network"):
        Settings(trusted_proxies=("10.0.0.0/8", "garbage"))
    assert Settings(trusted_proxies=("10.0.0.0/8", "::1", "192.168.1.7")).trusted_proxies


def test_serve_stops_with_one_line_on_a_malformed_trusted_proxy(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--db", f"sqlite:///{tmp_path}/s.db", "--trusted-proxy", "10.0.0.300"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 2
    assert "trusted proxy '10.0.0.300' is not an IP address or network" in result.output
    assert "Traceback" not in result.output


# --- one declaration per setting (isomargin.config) --------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SYMBOLS_FILE = ROOT / "examples" / "symbols.yaml"

#: fields of Settings that are deliberately not settings: a derived value and two Binance constants
NOT_SETTINGS = {"symbols", "orders_limit_per_minute", "recv_window_max_ms"}

#: names users and tests already rely on: a rename would break their command lines and deployments
KNOWN_FLAGS = {
    "--db", "--host", "--port", "--workers", "--admin-token", "--scenario", "--symbols", "--weight-limit",
    "--sqlite-synchronous", "--pool-max", "--redis-url", "--redis-prefix", "--ban-after-429s",
    "--master-key-file", "--trusted-proxy", "--max-body-bytes", "--log-level", "--access-log",
}  # fmt: skip
KNOWN_ENV = {
    "ISOMARGIN_DB_URL", "ISOMARGIN_HOST", "ISOMARGIN_PORT", "ISOMARGIN_WORKERS", "ISOMARGIN_ADMIN_TOKEN",
    "ISOMARGIN_SCENARIO", "ISOMARGIN_SYMBOLS", "ISOMARGIN_WEIGHT_LIMIT", "ISOMARGIN_SQLITE_SYNCHRONOUS",
    "ISOMARGIN_POOL_MAX", "ISOMARGIN_REDIS_URL", "ISOMARGIN_REDIS_PREFIX", "ISOMARGIN_BAN_AFTER_429S",
    "ISOMARGIN_MASTER_KEY", "ISOMARGIN_MASTER_KEY_FILE", "ISOMARGIN_TRUSTED_PROXIES",
    "ISOMARGIN_MAX_BODY_BYTES", "ISOMARGIN_LOG_LEVEL",
}  # fmt: skip

#: per setting: (variable text, the value it parses to, a flag value that must beat it)
SAMPLES: dict[str, tuple[str, object, object]] = {
    "db_url": ("sqlite:///env.db", "sqlite:///env.db", "sqlite:///flag.db"),
    "host": ("127.0.0.2", "127.0.0.2", "127.0.0.3"),
    "port": ("9001", 9001, 9002),
    "workers": ("3", 3, 4),
    "admin_token": ("env-token", "env-token", "flag-token"),
    "scenario": ("env.yaml", Path("env.yaml"), Path("flag.yaml")),
    "symbols_file": (str(SYMBOLS_FILE), SYMBOLS_FILE, SYMBOLS_FILE.with_name("symbols-copy.yaml")),
    "weight_limit_per_minute": ("77", 77, 78),
    "sqlite_synchronous": ("FULL", "FULL", "OFF"),
    "pool_max": ("3", 3, 4),
    "redis_url": ("redis://env:6379/0", "redis://env:6379/0", "redis://flag:6379/0"),
    "redis_prefix": ("env:", "env:", "flag:"),
    "ban_after_429s": ("7", 7, 8),
    "master_key": ("ZW52", "ZW52", "ZmxhZw=="),
    "master_key_file": ("/env.key", Path("/env.key"), Path("/flag.key")),
    "trusted_proxies": ("10.0.0.0/8, ::1", ("10.0.0.0/8", "::1"), ("192.168.0.0/16",)),
    "max_body_bytes": ("1000", 1000, 2000),
    "user_stream_urls": ("legacy", "legacy", "current"),
    "log_level": ("debug", "debug", "warning"),
    "access_log": ("true", True, False),
    "order_response": ("2024", "2024", "2026"),
    "price_history_days": ("7", 7, 90),
}


def test_every_field_is_a_declared_setting_or_deliberately_not() -> None:
    names = {d.name for d in declared_settings()}
    assert names | NOT_SETTINGS == {f.name for f in dataclasses.fields(Settings)}
    assert set(SAMPLES) == names, "give each new setting a sample row here"


def test_flag_and_variable_names_are_unique_and_the_old_ones_kept() -> None:
    flags = [d.spec.flag for d in declared_settings() if d.spec.flag]
    envs = [d.spec.env for d in declared_settings()]
    assert len(set(flags)) == len(flags) and len(set(envs)) == len(envs)
    assert set(flags) >= KNOWN_FLAGS and set(envs) >= KNOWN_ENV
    assert all(env.startswith("ISOMARGIN_") for env in envs)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_flag_beats_its_variable_which_beats_the_default(name: str, tmp_path: Path) -> None:
    declared = next(d for d in declared_settings() if d.name == name)
    text, parsed, flag = SAMPLES[name]
    if name == "symbols_file":
        assert isinstance(flag, Path)
        flag = tmp_path / flag.name
        flag.write_text(SYMBOLS_FILE.read_text().replace("BTCUSDT:", "XBTUSDT:", 1))

    default = settings_from_env(environ={})
    from_env = settings_from_env(environ={declared.spec.env: text})
    from_flag = settings_from_env(environ={declared.spec.env: text}, **{name: flag})
    empty = settings_from_env(environ={declared.spec.env: ""})

    assert getattr(default, name) == declared.default == getattr(Settings(), name) == getattr(empty, name)
    assert getattr(from_env, name) == parsed != declared.default
    assert getattr(from_flag, name) == flag != parsed


def test_the_symbols_file_is_loaded_from_flag_or_variable(tmp_path: Path) -> None:
    from_env = settings_from_env(environ={"ISOMARGIN_SYMBOLS": str(SYMBOLS_FILE)})
    assert from_env.symbols == load_symbols(SYMBOLS_FILE) != Settings().symbols
    with pytest.raises(OSError):
        settings_from_env(environ={}, symbols_file=tmp_path / "absent.yaml")


def test_worker_environment_round_trips_every_setting(tmp_path: Path) -> None:
    parent = settings_from_env(environ={}, **{name: sample[1] for name, sample in SAMPLES.items()})
    environ = {"ISOMARGIN_REDIS_URL": "redis://stale:6379/0", "ISOMARGIN_WEIGHT_LIMIT": "1", "PATH": "/bin"}
    worker_environ(parent, environ)
    assert settings_from_env(environ=environ) == parent

    # a setting the parent left unset is removed, not inherited from a stale variable
    unset = dataclasses.replace(parent, redis_url=None, admin_token=None)
    worker_environ(unset, environ)
    assert "ISOMARGIN_REDIS_URL" not in environ and settings_from_env(environ=environ) == unset
    assert environ["PATH"] == "/bin"


def test_secrets_stay_out_of_repr_and_banner_and_passwords_out_of_urls() -> None:
    settings = Settings(
        admin_token="tok-SECRET-1",
        master_key="key-SECRET-2",
        db_url="postgresql://isomargin:pw-SECRET-3@db.internal:5432/prod",
        redis_url="redis://:pw-SECRET-4@cache:6379/0",
    )
    assert not [s for s in ("SECRET",) if s in repr(settings)]
    assert "SECRET" not in _banner(settings, None)
    assert settings.shown("db_url") == "postgresql://isomargin:***@db.internal:5432/prod"
    assert settings.shown("redis_url") == "redis://:***@cache:6379/0"
    assert settings.shown("admin_token") == "***" and Settings().shown("admin_token") == "none"
    # a cast error quotes the variable's value: a secret must be text, whose cast cannot fail
    assert all(d.kind.parse is str for d in declared_settings() if d.spec.secret)


def test_a_bad_variable_is_one_line_naming_it(tmp_path: Path) -> None:
    env = {"COLUMNS": "200", "ISOMARGIN_PORT": "eighty"}
    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path}/s.db"], env=env)
    assert result.exit_code == 2
    assert "Config 'ISOMARGIN_PORT' has value 'eighty'. Not a valid int." in result.output
    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path}/s.db"], env={"ISOMARGIN_POOL_MAX": "0"})
    assert result.exit_code == 2 and "--pool-max / ISOMARGIN_POOL_MAX must be at least 1, not 0" in result.output


def test_readme_lists_every_setting_as_declared() -> None:
    assert settings_table() in (ROOT / "README.md").read_text(), (
        "README.md's configuration table is out of date: replace it with `.venv/bin/python -m isomargin.config_doc`"
    )
