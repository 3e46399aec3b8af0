"""Scenario files: accounts (with fixed keys), positions and mark prices loaded at start.

``isomargin serve --scenario FILE.yaml`` applies a scenario through the same use cases as the
control plane, in one transaction. Loading is idempotent: an account whose ``apiKey`` already
exists in the database is left as it is (so restarting ``make serve`` on the same SQLite file
keeps the state the demo reached); mark prices are always set.

Format (examples/demo.yaml)::

    markPrices: {BTCUSDT: "51000"}
    accounts:
      - balance: "10000"
        dualSidePosition: false
        apiKey: ...
        secretKey: ...
        positions:
          - {symbol: BTCUSDT, positionSide: BOTH, positionAmt: "0.01", entryPrice: "50000", leverage: 10}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from isomargin.domain.position import PositionSide
from isomargin.money import parse_decimal
from isomargin.service import ServiceContext, admin
from isomargin.service.admin import OpenPosition
from isomargin.service.errors import AdminError
from isomargin.store import Store, Tx, repo


class ScenarioError(ValueError):
    pass


@dataclass
class LoadReport:
    accounts_created: list[int] = field(default_factory=list)
    accounts_kept: list[int] = field(default_factory=list)
    positions_opened: int = 0
    mark_prices_set: int = 0


def _decimal(value: Any, where: str) -> Decimal:
    number = parse_decimal(str(value)) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
    if number is None:
        raise ScenarioError(f"{where}: expected a decimal number, got {value!r}")
    return number


def _bool(value: Any, where: str) -> bool:
    """A YAML boolean (a quoted "false" would be truthy to ``bool()``)."""
    if not isinstance(value, bool):
        raise ScenarioError(f"{where}: expected true or false, got {value!r}")
    return value


def _apply(tx: Tx, ctx: ServiceContext, data: dict[str, Any]) -> LoadReport:
    report = LoadReport()
    for symbol, price in (data.get("markPrices") or {}).items():
        admin.set_mark_price(tx, ctx, str(symbol), _decimal(price, f"markPrices.{symbol}"))
        report.mark_prices_set += 1
    for index, account in enumerate(data.get("accounts") or []):
        where = f"accounts[{index}]"
        api_key = account.get("apiKey")
        if api_key and (existing := repo.get_api_key(tx, str(api_key))) is not None:
            report.accounts_kept.append(existing.account_id)
            continue
        account_id, _ = admin.create_account(
            tx,
            ctx,
            balance=_decimal(account.get("balance", "0"), f"{where}.balance"),
            dual_side_position=_bool(account.get("dualSidePosition", False), f"{where}.dualSidePosition"),
            api_key=None if api_key is None else str(api_key),
            secret_key=None if account.get("secretKey") is None else str(account["secretKey"]),
        )
        report.accounts_created.append(account_id)
        for p_index, position in enumerate(account.get("positions") or []):
            p_where = f"{where}.positions[{p_index}]"
            try:
                side = PositionSide(position.get("positionSide", "BOTH"))
            except ValueError:
                raise ScenarioError(f"{p_where}.positionSide must be BOTH, LONG or SHORT") from None
            admin.open_position(
                tx,
                ctx,
                OpenPosition(
                    account_id=account_id,
                    symbol=str(position["symbol"]),
                    position_side=side,
                    position_amt=_decimal(position["positionAmt"], f"{p_where}.positionAmt"),
                    entry_price=_decimal(position["entryPrice"], f"{p_where}.entryPrice"),
                    # without "leverage": the symbol's leverage, as POST /_isomargin/v1/positions does
                    leverage=int(position["leverage"]) if "leverage" in position else None,
                    isolated_wallet=(
                        _decimal(position["isolatedWallet"], f"{p_where}.isolatedWallet")
                        if "isolatedWallet" in position
                        else None
                    ),
                ),
            )
            report.positions_opened += 1
    return report


def load_scenario(store: Store, ctx: ServiceContext, path: Path) -> LoadReport:
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario is a mapping with 'accounts' and/or 'markPrices'")
    try:
        return store.write_sync(lambda tx: _apply(tx, ctx, data))
    except AdminError as exc:
        raise ScenarioError(f"{path}: {exc.message}") from exc
    except (KeyError, TypeError) as exc:
        raise ScenarioError(f"{path}: malformed scenario ({exc!r})") from exc
