"""ADL and the insurance fund: adlQuantile [doc ADLQ], symbolAdlRisk [doc ADLR], insuranceBalance [doc IFB].

Renderers only (the parsers are ``market.optional_symbol``); reference §3.5.
"""

from __future__ import annotations

from isomargin.money import decimal_string
from isomargin.service.adl import AdlQuantiles
from isomargin.service.insurance import AdlRisk, FundGroup
from isomargin.service.reads import SymbolQuery


def _quantiles(entry: AdlQuantiles) -> dict[str, int]:
    """One-way or isolated hedge: LONG, SHORT and BOTH; crossed hedge: LONG and SHORT (one value)
    and ``"HEDGE": 0``, "only a sign, ignore the value" [doc ADLQ]."""
    if entry.hedge:
        return {"LONG": entry.long, "SHORT": entry.short, "HEDGE": 0}
    return {"LONG": entry.long, "SHORT": entry.short, "BOTH": entry.both}


def adl_quantile(req: SymbolQuery, entries: list[AdlQuantiles]) -> object:
    """Always an array, with or without ``symbol`` [doc ADLQ]."""
    return [{"symbol": e.symbol, "adlQuantile": _quantiles(e)} for e in entries]


def _risk(risk: AdlRisk) -> dict[str, object]:
    return {"symbol": risk.symbol, "adlRisk": risk.risk, "updateTime": risk.update_time}


def symbol_adl_risk(req: SymbolQuery, risks: list[AdlRisk]) -> object:
    """With ``symbol`` one object, without it an array of every symbol [doc ADLR]."""
    rows = [_risk(r) for r in risks]
    return rows[0] if req.symbol else rows


def _group(group: FundGroup) -> dict[str, object]:
    """``marginBalance`` as a plain decimal string without trailing zeros: the doc's
    ``"793930579.315848"``, ``"61.73143554"`` [doc IFB]."""
    return {
        "symbols": list(group.symbols),
        "assets": [
            {"asset": a.asset, "marginBalance": decimal_string(a.balance), "updateTime": a.update_time}
            for a in group.assets
        ],
    }


def insurance_balance(req: SymbolQuery, groups: list[FundGroup]) -> object:
    """With ``symbol`` the object of its group, without it an array of every group [doc IFB]."""
    rows = [_group(g) for g in groups]
    return rows[0] if req.symbol else rows
