"""Pure isolated-margin math for USDⓈ-M Futures: Decimal in, Decimal out, no I/O.

Formulas and their sources are in each function's docstring; reference §6 of
``binance-usdm-reference.md`` collects them.
"""

from isomargin.domain.brackets import (
    DEFAULT_BRACKETS,
    Bracket,
    bracket_for_notional,
    derive_cum,
    maintenance_margin,
    max_leverage,
    max_notional_for_leverage,
    validate_brackets,
)
from isomargin.domain.liquidation import liquidation_price, liquidation_price_in_bracket, quantize_price
from isomargin.domain.margin import max_addable, max_removable, position_maintenance_margin
from isomargin.domain.position import (
    DECIMAL_CONTEXT,
    IsolatedPosition,
    PositionSide,
    direction,
    initial_margin,
    isolated_margin,
    notional,
    unrealized_pnl,
)

__all__ = [
    "DECIMAL_CONTEXT",
    "DEFAULT_BRACKETS",
    "Bracket",
    "IsolatedPosition",
    "PositionSide",
    "bracket_for_notional",
    "derive_cum",
    "direction",
    "initial_margin",
    "isolated_margin",
    "liquidation_price",
    "liquidation_price_in_bracket",
    "maintenance_margin",
    "max_addable",
    "max_leverage",
    "max_notional_for_leverage",
    "max_removable",
    "notional",
    "position_maintenance_margin",
    "quantize_price",
    "unrealized_pnl",
    "validate_brackets",
]
