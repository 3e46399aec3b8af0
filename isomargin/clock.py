"""The server's clock: wall time plus an offset the control plane can shift, or frozen.

Every rule that reads time (recvWindow, history windows, update times) reads it here, so a test
can move the server's "now" without waiting — or stop it (``PUT /_isomargin/v1/clock``
``{"frozen": true}``) and move it only by ``POST /_isomargin/v1/clock/advance`` (issue 13).
"""

from __future__ import annotations

import time


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    def __init__(self, offset_ms: int = 0) -> None:
        self.offset_ms = offset_ms
        #: the server time the clock stands at, None while it runs
        self.frozen_at_ms: int | None = None

    def now_ms(self) -> int:
        if self.frozen_at_ms is not None:
            return self.frozen_at_ms
        return wall_ms() + self.offset_ms


class FixedClock(Clock):
    """A clock that stands still (unit tests)."""

    def __init__(self, now_ms: int) -> None:
        super().__init__(0)
        self.fixed_ms = now_ms

    def now_ms(self) -> int:
        if self.frozen_at_ms is not None:
            return self.frozen_at_ms
        return self.fixed_ms + self.offset_ms
