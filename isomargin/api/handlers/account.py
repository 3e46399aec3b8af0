"""Account reads: balances, account information, account and symbol configuration, brackets.

``GET /fapi/v2/balance`` ``/fapi/v3/balance`` [BAL2][BAL3], ``GET /fapi/v2/account``
``/fapi/v3/account`` [ACC2][ACC3], ``GET /fapi/v1/accountConfig`` [ACFG], ``GET /fapi/v1/symbolConfig``
[SCFG], ``GET /fapi/v1/leverageBracket`` [LB], ``GET /fapi/v1/positionSide/dual`` [PSDG].
Reference §4.4, §4.6, §4.7. Renderers of the service reads in ``service/reads.py``; leverage
brackets are configuration, answered by the ``local`` service :func:`brackets`.
"""

from __future__ import annotations

from isomargin.api import render_account
from isomargin.config import Settings
from isomargin.service.account import WalletView
from isomargin.service.context import find_symbol
from isomargin.service.reads import AccountWithPositions, NoParams, SymbolQuery, SymbolSetting
from isomargin.symbols import SymbolSpec


def balance(req: NoParams, wallet: WalletView) -> object:
    return render_account.balances(wallet)


def account_v3(req: NoParams, wallet: WalletView) -> object:
    return render_account.account_v3(wallet)


def account_v2(req: NoParams, account: AccountWithPositions) -> object:
    return render_account.account_v2(account.wallet, account.positions)


def account_config(req: NoParams, wallet: WalletView) -> object:
    return render_account.account_config(wallet.dual_side_position, wallet.update_time)


def position_mode(req: NoParams, dual_side_position: bool) -> object:
    """``{"dualSidePosition": true}`` — a JSON boolean [PSDG]."""
    return {"dualSidePosition": dual_side_position}


def symbol_config(req: SymbolQuery, settings: list[SymbolSetting]) -> object:
    """Every listed symbol, or the one asked for; always an array [SCFG]."""
    return [render_account.symbol_config(s.config, s.max_notional) for s in settings]


def brackets(settings: Settings, now_ms: int, req: SymbolQuery) -> list[SymbolSpec]:
    """The symbol asked for (-1121 when unknown), or every symbol in name order."""
    if req.symbol:
        return [find_symbol(settings.symbols, req.symbol)]
    return [settings.symbols[name] for name in sorted(settings.symbols)]


def leverage_bracket(req: SymbolQuery, specs: list[SymbolSpec]) -> object:
    """Always an array: with ``symbol`` a one-element one, whatever the doc's "OR (if symbol sent)"
    object example shows. The real server answered ``[{"symbol": "GALAUSDT", "brackets": […]}]``
    (ccxt #16667, 2023-01); Binance.Net always deserializes a list; bots index ``response[0]``
    (audit #1: the object broke those clients)."""
    return [render_account.leverage_brackets(spec.symbol, spec.brackets) for spec in specs]
