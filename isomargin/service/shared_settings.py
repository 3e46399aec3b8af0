"""Server-wide values every worker must agree on, kept in ``server_state``: the clock offset, the
margin-call ratio and the ADL refresh interval.

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
ADL_REFRESH_KEY = "adl_refresh_ms"
#: ADL quantiles are ranked at most once per this many ms of server time per symbol. Binance's
#: adlQuantile "is updated every 30s" [doc ADLQ]; when within those 30 s and on what grid is not
#: documented (assumed: the first price move at least 30 s after the last ranking, or the
#: scheduler when the interval is up; service/adl.py). ``PUT /_isomargin/v1/settings``
#: ``{"adlRefreshMs": 0}`` ranks at every move.
DEFAULT_ADL_REFRESH_MS = 30_000
#: the keys :func:`read_shared` reads, in the order :func:`parse_shared` takes their values
SHARED_KEYS = (CLOCK_OFFSET_KEY, MARGIN_CALL_RATIO_KEY, CLOCK_FROZEN_KEY, ADL_REFRESH_KEY)


@dataclass(frozen=True, slots=True)
class SharedState:
    offset_ms: int
    margin_call_ratio: Decimal
    #: the time the clock stands at, None while it runs
    frozen_at_ms: int | None = None
    adl_refresh_ms: int = DEFAULT_ADL_REFRESH_MS


def parse_shared(
    offset: str | None, ratio: str | None, frozen_at: str | None = None, adl_refresh: str | None = None
) -> SharedState:
    """The stored strings (None: never set, or reset) as values; a bad ratio or interval falls back
    to its default."""
    try:
        parsed = Decimal(ratio) if ratio else DEFAULT_MARGIN_CALL_RATIO
    except InvalidOperation:
        parsed = DEFAULT_MARGIN_CALL_RATIO
    try:
        interval = int(adl_refresh) if adl_refresh else DEFAULT_ADL_REFRESH_MS
    except ValueError:
        interval = DEFAULT_ADL_REFRESH_MS
    return SharedState(int(offset) if offset else 0, parsed, int(frozen_at) if frozen_at else None, interval)


def read_shared(tx: Tx) -> SharedState:
    marks = ", ".join("?" for _ in SHARED_KEYS)
    rows = {
        str(k): str(v) for k, v in tx.all(f"SELECT key, value FROM server_state WHERE key IN ({marks})", SHARED_KEYS)
    }
    return parse_shared(*(rows.get(k) for k in SHARED_KEYS))
