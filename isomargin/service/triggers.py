"""Keeping every position's stored trigger keys true to what they are computed from (issue 12).

``write_change`` recomputes a position's liquidation and margin-call keys whenever the position
changes. Two things change them without touching a position: the symbol table's brackets (a
symbols file edited between runs) and the margin-call ratio (``PUT /_isomargin/v1/settings``);
and a database migrated from before the keys existed has none. :func:`refresh_if_stale` compares a
fingerprint of both with the one stored when the keys were last computed, and recomputes every
open position's keys when they differ — at start-up, and after the ratio changes. O(n) in open
positions, rare by construction.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal

from isomargin.domain.changes import Holding
from isomargin.domain.position import PositionSide
from isomargin.money import ASSET_PLACES, significant_places
from isomargin.service.context import ServiceContext
from isomargin.service.errors import AdminError
from isomargin.service.shared_settings import MARGIN_CALL_RATIO_KEY
from isomargin.service.symbol_state import DEFAULT_MARGIN_TYPE
from isomargin.store import Tx, repo, risk
from isomargin.store.changes import RiskTerms, keys_of

FINGERPRINT_KEY = "trigger_keys_fingerprint"


def fingerprint(ctx: ServiceContext) -> str:
    """What the keys depend on besides the positions: every symbol's brackets and the ratio."""
    parts = [repr((name, ctx.symbols[name].brackets)) for name in sorted(ctx.symbols)]
    parts.append(str(ctx.margin_call_ratio))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def refresh_if_stale(tx: Tx, ctx: ServiceContext) -> int:
    """Recompute every open position's keys unless they were computed from the same inputs; how many changed."""
    current = fingerprint(ctx)
    if repo.get_state(tx, FINGERPRINT_KEY) == current:
        return 0
    changed = refresh_all(tx, ctx)
    repo.set_state(tx, FINGERPRINT_KEY, current)
    return changed


def refresh_all(tx: Tx, ctx: ServiceContext) -> int:
    """Recompute the keys of every open position (the mark plays no part in a key); how many changed."""
    changed = 0
    for row in risk.open_positions(tx, DEFAULT_MARGIN_TYPE):
        spec = ctx.symbols.get(row.symbol)
        if spec is None:  # a symbol no longer configured: nothing can move its price
            continue
        holding = Holding(row.symbol, PositionSide(row.position_side), row.position_amt, row.entry_price, row.wallet)
        keys = keys_of(holding, RiskTerms(spec.brackets, row.isolated, Decimal(0), ctx.margin_call_ratio))
        if (keys.liquidation, keys.margin_call) != (row.liquidation_key, row.margin_call_key):
            risk.set_keys(tx, row.account_id, row.symbol, row.position_side, keys.liquidation, keys.margin_call)
            changed += 1
    return changed


def set_margin_call_ratio(tx: Tx, ctx: ServiceContext, ratio: Decimal) -> int:
    """``PUT /_isomargin/v1/settings`` ``{"marginCallRatio": "0.8"}``: store it for every worker and
    recompute every open position's margin-call key with it; how many keys changed.

    Between 0 and 1, both excluded: at 1 the call would coincide with liquidation, which runs first.
    """
    if not 0 < ratio < 1:
        raise AdminError("marginCallRatio must be above 0 and below 1")
    if significant_places(ratio) > ASSET_PLACES:
        raise AdminError(f"marginCallRatio has more than {ASSET_PLACES} decimals")
    repo.set_state(tx, MARGIN_CALL_RATIO_KEY, str(ratio))
    return refresh_if_stale(tx, replace(ctx, margin_call_ratio=ratio))
