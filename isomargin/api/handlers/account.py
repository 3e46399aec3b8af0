"""Account reads: balances, account information, account and symbol configuration, brackets.

``GET /fapi/v2/balance`` ``/fapi/v3/balance`` [BAL2][BAL3], ``GET /fapi/v2/account``
``/fapi/v3/account`` [ACC2][ACC3], ``GET /fapi/v1/accountConfig`` [ACFG], ``GET /fapi/v1/symbolConfig``
[SCFG], ``GET /fapi/v1/leverageBracket`` [LB], ``GET /fapi/v1/positionSide/dual`` [PSDG].
Reference §4.4, §4.6, §4.7.
"""

from __future__ import annotations

from isomargin.api import render_account
from isomargin.api.context import RequestContext
from isomargin.api.handlers.market import NoParams, SymbolParam
from isomargin.api.state import AppState
from isomargin.domain.brackets import max_notional_for_leverage
from isomargin.service import account_settings
from isomargin.service.account import wallet_view
from isomargin.service.positions import position_views
from isomargin.store import Tx, repo


async def balance(app: AppState, ctx: RequestContext, req: NoParams) -> object:
    """One row per margin asset; isomargin's only margin asset is USDT (assumed)."""
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)
    wallet = await app.store.read(lambda tx: wallet_view(tx, service, account_id))
    return [render_account.balance_row(wallet)]


async def account_v3(app: AppState, ctx: RequestContext, req: NoParams) -> object:
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)
    wallet = await app.store.read(lambda tx: wallet_view(tx, service, account_id))
    return render_account.account_v3(wallet)


async def account_v2(app: AppState, ctx: RequestContext, req: NoParams) -> object:
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)

    def read(tx: Tx) -> dict[str, object]:
        rows = position_views(tx, service, account_id, None, include_empty=True)
        return render_account.account_v2(wallet_view(tx, service, account_id, rows), rows)

    return await app.store.read(read)


async def account_config(app: AppState, ctx: RequestContext, req: NoParams) -> object:
    account_id = ctx.require_account()
    dual = await app.store.read(lambda tx: account_settings.position_mode(tx, account_id))
    return render_account.account_config(dual)


async def position_mode(app: AppState, ctx: RequestContext, req: NoParams) -> object:
    """``{"dualSidePosition": true}`` — a JSON boolean [PSDG]."""
    account_id = ctx.require_account()
    dual = await app.store.read(lambda tx: account_settings.position_mode(tx, account_id))
    return {"dualSidePosition": dual}


async def symbol_config(app: AppState, ctx: RequestContext, req: SymbolParam) -> object:
    """Every listed symbol, or the one asked for; always an array [SCFG]."""
    account_id = ctx.require_account()
    service = app.service_context(ctx.now_ms)
    names = [service.symbol(req.symbol).symbol] if req.symbol else sorted(service.symbols)

    def read(tx: Tx) -> list[dict[str, object]]:
        stored = {c.symbol: c for c in repo.list_symbol_configs(tx, account_id)}
        rows = []
        for name in names:
            config = service.within_limits(stored[name]) if name in stored else service.default_symbol_config(name)
            cap = max_notional_for_leverage(service.symbol(name).brackets, config.leverage)
            rows.append(render_account.symbol_config(config, cap))
        return rows

    return await app.store.read(read)


async def leverage_bracket(app: AppState, ctx: RequestContext, req: SymbolParam) -> object:
    """With ``symbol`` one object, without it an array of every symbol [LB]."""
    service = app.service_context(ctx.now_ms)
    if req.symbol:
        spec = service.symbol(req.symbol)
        return render_account.leverage_brackets(spec.symbol, spec.brackets)
    return [render_account.leverage_brackets(name, service.symbols[name].brackets) for name in sorted(service.symbols)]
