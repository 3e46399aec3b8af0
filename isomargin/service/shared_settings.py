"""Server-wide values every worker must agree on, kept in ``server_state``: the clock offset and
the margin-call ratio.

Both change through the control plane on one worker and must hold on every other before its next
request; ``api.state.AppState.refresh_clock`` reads them together (one read, the same token).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from isomargin.service.clock import CLOCK_FROZEN_KEY, CLOCK_OFFSET_KEY
from isomargin.store import Tx

MARGIN_CALL_RATIO_KEY = "margin_call_ratio"
#: MARGIN_CALL fires when a position's margin ratio (MM / margin balance) reaches this. Binance
#: says only "when the user's position risk ratio is too high" [doc MC]; 0.8 is assumed
#: (reference open question 7; docs/COVERAGE.md). ``PUT /_isomargin/v1/settings`` changes it.
DEFAULT_MARGIN_CALL_RATIO = Decimal("0.8")
#: the keys :func:`read_shared` reads, in the order :func:`parse_shared` takes their values
SHARED_KEYS = (CLOCK_OFFSET_KEY, MARGIN_CALL_RATIO_KEY, CLOCK_FROZEN_KEY)


@dataclass(frozen=True, slots=True)
class SharedState:
    offset_ms: int
    margin_call_ratio: Decimal
    #: the time the clock stands at, None while it runs
    frozen_at_ms: int | None = None


def parse_shared(offset: str | None, ratio: str | None, frozen_at: str | None = None) -> SharedState:
    """The stored strings (None: never set, or reset) as values; a bad ratio falls back to the default."""
    try:
        parsed = Decimal(ratio) if ratio else DEFAULT_MARGIN_CALL_RATIO
    except InvalidOperation:
        parsed = DEFAULT_MARGIN_CALL_RATIO
    return SharedState(int(offset) if offset else 0, parsed, int(frozen_at) if frozen_at else None)


def read_shared(tx: Tx) -> SharedState:
    marks = ", ".join("?" for _ in SHARED_KEYS)
    rows = {
        str(k): str(v) for k, v in tx.all(f"SELECT key, value FROM server_state WHERE key IN ({marks})", SHARED_KEYS)
    }
    return parse_shared(*(rows.get(k) for k in SHARED_KEYS))
