"""The server's clock: wall time plus an offset the control plane can shift.

Every rule that reads time (recvWindow, history windows, update times) reads it here, so a test
can move the server's "now" without waiting.
"""

from __future__ import annotations

import time


class Clock:
    def __init__(self, offset_ms: int = 0) -> None:
        self.offset_ms = offset_ms

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000 + self.offset_ms


class FixedClock(Clock):
    """A clock that stands still (unit tests)."""

    def __init__(self, now_ms: int) -> None:
        super().__init__(0)
        self.fixed_ms = now_ms

    def now_ms(self) -> int:
        return self.fixed_ms + self.offset_ms
