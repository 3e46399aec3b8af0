"""Binance's JSON shapes, built from read models. camelCase lives only here and in handlers.

JSON types follow the official SDK's models [SDK]: decimal strings where Binance sends strings,
numbers where it sends numbers. Number formats follow the doc examples and captured replies:

- balances, PnL, margins: 8 decimals ("0.76427700" [PR3], "195.16329420" [obs I239]);
- a zero shown as "0" where Binance shows "0" (``notional``, ``isolatedWallet``, ``liquidationPrice``
  of an empty row [PR2]; ``isolatedMargin`` of a cross row in v3 [PR3]);
- ``notional``, ``initialMargin`` and ``maintMargin`` cut (not rounded) to 8 decimals: the v2 doc
  row has 0.001 × 21123.05052574 = 21.12305052574 shown as "21.12305052" [PR2]; the v3 doc's
  hedge COMPUSDT row has notional -49.72023376 at 20x and MMR 0.01, i.e. IM 2.486011688 and MM
  0.4972023376, shown as "2.48601168" and "0.49720233" [PR3]; a real /fapi/v2/account row
  (https://github.com/ccxt/ccxt/issues/15833) shows notional 58.95299065 at 2x, MMR 0.0065 as
  IM "29.47649532", MM "0.38319443" — cut both times.
- ``liquidationPrice`` rounded half up to 8 decimals (assumed: no published figure tells rounding
  from cutting apart; the captured GASUSDT row, 10.036543862…, shows "10.03654386" either way).
"""

from __future__ import annotations

from decimal import Decimal

from isomargin.money import decimal_string, fixed, truncate
from isomargin.service.positions import PositionView

EMPTY_PRICE = "0.0"  # entryPrice / breakEvenPrice of an empty row [PR2][PR3]


def margin_type_lower(margin_type: str) -> str:
    """positionRisk v2 spells margin types ``isolated``/``cross`` [PR2]."""
    return "isolated" if margin_type == "ISOLATED" else "cross"


def amount8(value: Decimal) -> str:
    """8 decimals, or "0" for zero (``liquidationPrice`` "0" when there is none [PR2])."""
    return "0" if value == 0 else fixed(value, 8)


def cut8(value: Decimal) -> str:
    """``notional``, ``initialMargin``, ``maintMargin``: 8 decimals cut towards zero, or "0" [PR2][PR3]."""
    return "0" if value == 0 else format(truncate(value, 8), "f")


def java_double_text(value: Decimal) -> str:
    """A price as Binance's Java ``Double.toString`` writes it: shortest digits, ``.0`` when whole —
    ``"37140.0"``, ``"67445.9"``, ``"8.616"`` (Binance.Net #1315, 2023-11; ccxt static test v3,
    2024-07; audit #15). Written from the Decimal, which has the same digits for every price with up
    to 15 significant digits; Java's exponent form (below 0.001 or from 10^7 up) is not copied:
    no captured price shows one (assumed plain)."""
    text = decimal_string(value)
    return text if "." in text else f"{text}.0"


#: Java's ``Double.toString`` writes plain digits from 10^-3 up to (not including) 10^7, an exponent outside
_JAVA_PLAIN_MIN = Decimal("0.001")
_JAVA_PLAIN_MAX = Decimal("1E7")


def java_double_string(value: Decimal) -> str:
    """``value`` as Java's ``Double.toString`` writes it, its exponent form included: ``"0.0"``,
    ``"74457.1"``, ``"7.0E-4"`` for 0.0007, ``"1.0E7"`` — as openAlgoOrders wrote a quantity of 0.0007
    (testnet, 2026-09-14). Written from the Decimal's own digits, which a double keeps for every
    price and quantity a symbol allows (up to 15 significant digits)."""
    if value.is_zero():
        return "0.0"
    if _JAVA_PLAIN_MIN <= abs(value) < _JAVA_PLAIN_MAX:
        return java_double_text(value)
    sign, digits, _exponent = value.normalize().as_tuple()
    text = "".join(map(str, digits))
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{value.adjusted()}"


def entry_price(view: PositionView) -> str:
    return java_double_text(view.entry_price) if view.is_open and view.entry_price else EMPTY_PRICE


def break_even_price(view: PositionView) -> str:
    """``entryPrice × (1 ± takerRate)`` (reference §2.5), written like the entry price; "0.0" when flat."""
    return java_double_text(view.break_even_price) if view.is_open and view.break_even_price else EMPTY_PRICE


def adl_quantile(view: PositionView) -> int:
    """v3 ``adl`` and v2 ``adlQuantile``: the position's ADL quantile 0–4 as last ranked against
    every position of its symbol and side (domain/adl.py, service/adl.py); 0 for a flat row."""
    return view.adl_quantile if view.is_open else 0


def position_amt(view: PositionView) -> str:
    return fixed(view.position_amt, view.spec.quantity_precision)


def position_risk_v2(view: PositionView) -> dict[str, object]:
    """One row of ``GET /fapi/v2/positionRisk`` [PR2], in the doc's hedge-mode field order, then
    ``isolated`` and ``adlQuantile``, which the doc leaves out and every real row ends with
    (Binance.Net #1315, 2023-11; ccxt PR #20895, 2024-01; a 2026-08-08 live note, index id
    68890380806; audit #5)."""
    return {
        "symbol": view.symbol,
        "positionAmt": position_amt(view),
        "entryPrice": entry_price(view),
        "breakEvenPrice": break_even_price(view),
        "markPrice": fixed(view.mark_price, 8),
        "unRealizedProfit": fixed(view.unrealized_pnl, 8),
        "liquidationPrice": amount8(view.liquidation_price),
        "leverage": str(view.leverage),
        "maxNotionalValue": decimal_string(view.max_notional),
        "marginType": margin_type_lower(view.margin_type),
        "isolatedMargin": fixed(view.isolated_margin, 8),
        "isAutoAddMargin": "false",
        "positionSide": view.position_side.value,
        "notional": cut8(view.notional),
        "isolatedWallet": amount8(view.isolated_wallet),
        "updateTime": view.update_time,
        "isolated": view.isolated,
        "adlQuantile": adl_quantile(view),
    }
