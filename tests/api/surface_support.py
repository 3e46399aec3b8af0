"""Shortcuts for the account/position surface tests: signed calls, custom symbol tables, SDK models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from binance_sdk_derivatives_trading_usds_futures.rest_api import models

from isomargin.config import Settings
from isomargin.symbols import load_symbols
from tests.support import Api, Creds, in_process_api


async def call(api: Api, creds: Creds, method: str, path: str, **params: Any) -> httpx.Response:
    return await api.signed(method, path, creds, {k: str(v) for k, v in params.items()})


async def ok(api: Api, creds: Creds, method: str, path: str, **params: Any) -> Any:
    """The JSON of a call that must succeed."""
    r = await call(api, creds, method, path, **params)
    assert r.status_code == 200, r.text
    return r.json()


async def risk(api: Api, creds: Creds, version: int, symbol: str | None = None) -> list[dict[str, Any]]:
    params = {"symbol": symbol} if symbol else {}
    rows = await ok(api, creds, "GET", f"/fapi/v{version}/positionRisk", **params)
    assert isinstance(rows, list)
    return rows


@asynccontextmanager
async def api_with_symbols(tmp_path: Path, symbols_yaml: str) -> AsyncIterator[Api]:
    """An in-process app whose symbol table comes from a YAML file, as ``--symbols FILE`` loads it."""
    path = tmp_path / "symbols.yaml"
    path.write_text(symbols_yaml)
    async with in_process_api(Settings(db_url=f"sqlite:///{tmp_path}/isomargin.db", symbols=load_symbols(path))) as api:
        yield api


def sdk_model(name: str) -> Any:
    return getattr(models, name)


def sdk_fields(name: str) -> list[str]:
    """The JSON field names the official SDK's model declares, in its order."""
    cls = sdk_model(name)
    return list(getattr(cls, f"_{cls.__name__}__properties"))


def sdk_parse(name: str, data: Any) -> Any:
    """Deserialize with the official SDK's strict pydantic model; raises on any JSON type mismatch."""
    return sdk_model(name).from_dict(data)
