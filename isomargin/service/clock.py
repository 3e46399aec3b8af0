"""The server clock's shared state: the offset every worker applies to wall time, or the time it
stands at while frozen (issue 13).

The control plane shifts, freezes and advances the clock (``/_isomargin/v1/clock``); both values
are stored in the database, so every worker and host of one deployment agrees on "now". How a
worker learns of a change before its next request is ``api.state.AppState.refresh_clock``'s job.
"""

from __future__ import annotations

from isomargin.store import Tx, repo

CLOCK_OFFSET_KEY = "clock_offset_ms"
#: the server time the clock is frozen at; absent while it runs
CLOCK_FROZEN_KEY = "clock_frozen_at_ms"


def set_offset(tx: Tx, offset_ms: int) -> None:
    repo.set_state(tx, CLOCK_OFFSET_KEY, str(offset_ms))


def set_frozen(tx: Tx, frozen_at_ms: int | None) -> None:
    """Freeze the clock at ``frozen_at_ms`` (server ms), or let it run (None)."""
    if frozen_at_ms is None:
        repo.delete_state(tx, CLOCK_FROZEN_KEY)
    else:
        repo.set_state(tx, CLOCK_FROZEN_KEY, str(frozen_at_ms))
