"""How much margin may be added to or removed from an isolated position.

Formulas from "How to adjust margin balance in isolated margin mode" [FAQ-ADJ]
(https://www.binance.com/en/support/faq/360038447311), reference §6.2–§6.3.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from isomargin.domain.brackets import Bracket, maintenance_margin
from isomargin.domain.position import DECIMAL_CONTEXT, IsolatedPosition, notional, unrealized_pnl

_ZERO = Decimal(0)


def position_maintenance_margin(pos: IsolatedPosition, mark_price: Decimal, brackets: Sequence[Bracket]) -> Decimal:
    """``maintMargin`` of the position: ``abs(positionAmt × markPrice) × MMR − cum`` [FAQ-LIQ].

    The tier is the one holding the notional at the mark price
    (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93).
    """
    return maintenance_margin(brackets, notional(pos, mark_price))


def max_removable(pos: IsolatedPosition, mark_price: Decimal, brackets: Sequence[Bracket]) -> Decimal:
    """Largest amount a ``type=2`` (reduce) request may take out of the isolated wallet [FAQ-ADJ].

    Current USDⓈ-M text (https://www.binance.com/en/support/faq/360038447311)::

        max(0, min(isolatedWalletBalance − isolatedPosition MM,
                   isolatedWalletBalance + size × (Mark Price − Entry Price)
                       − Mark Price × abs(size) × IMR))

    with ``size`` signed (negative for a short), ``IMR = 1 / leverage`` and MM taken from the tier of
    ``abs(size × Mark Price)``. The older published variant without the ``− MM`` term is not used
    (reference open question 11). Worked example, reference §6.3: long 0.01 at entry 100000, mark
    98000, 10x, iw 200 → MM = 980 × 0.004 = 3.92; 200 − 20 − 98 = 82 → 82.
    """
    mm = position_maintenance_margin(pos, mark_price, brackets)
    c = DECIMAL_CONTEXT  # its methods, not localcontext(): see domain/position.py
    keep_maintenance = c.subtract(pos.isolated_wallet, mm)
    # Mark × abs(size) × IMR written as a division so 1/leverage is never rounded on its own.
    initial = c.divide(c.multiply(mark_price, c.abs(pos.position_amt)), pos.leverage)
    keep_initial = c.subtract(c.add(pos.isolated_wallet, unrealized_pnl(pos, mark_price)), initial)
    return max(_ZERO, min(keep_maintenance, keep_initial))


def max_addable(
    cross_wallet_balance: Decimal,
    cross_positions_maint_margin: Decimal = _ZERO,
    isolated_open_order_initial_margin: Decimal = _ZERO,
) -> Decimal:
    """Largest amount a ``type=1`` (add) request may move from the cross wallet [FAQ-ADJ].

    USDⓈ-M text (https://www.binance.com/en/support/faq/360038447311)::

        max(0, min(crossWalletBalance − ∑isolated open order initial margin − ∑crossPosition MM,
                   Isolated Available for Order))

    The FAQ does not define "Isolated Available for Order"; with no order book in the emulator it is
    not modelled, so only the first term is applied (floored at 0).
    """
    c = DECIMAL_CONTEXT
    available = c.subtract(cross_wallet_balance, isolated_open_order_initial_margin)
    return max(_ZERO, c.subtract(available, cross_positions_maint_margin))
