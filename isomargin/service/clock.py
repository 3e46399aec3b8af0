"""The server clock's shared state: the offset every worker applies to wall time.

The control plane shifts the clock (``PUT /_isomargin/v1/clock``); the offset is stored in the
database, so every worker and host of one deployment agrees on "now". How a worker learns of a
change before its next request is ``api.state.AppState.refresh_clock``'s job.
"""

from __future__ import annotations

from isomargin.store import Tx, repo

CLOCK_OFFSET_KEY = "clock_offset_ms"


def set_offset(tx: Tx, offset_ms: int) -> None:
    repo.set_state(tx, CLOCK_OFFSET_KEY, str(offset_ms))
