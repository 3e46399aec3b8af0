"""``isomargin bench --phase sqlite`` with the server CPU column counting system (kernel) time only.

A one-off probe (docs/BENCHMARKS.md, "Issue 9 at the end of 2026-12-02"): callgrind counts
user-space instructions only, so this shows whether the kernel's share of a request moved.
Run it with the interpreter of the checkout to measure, from that checkout:

    .venv/bin/python benchmarks/system_cpu.py /tmp/sys-main    # writes /tmp/sys-main.{json,md}
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import isomargin.bench.runner as runner
from isomargin.cli.main import app


def system_seconds(pgid: int) -> float | None:
    """System CPU seconds of every live process in a process group (``/proc/<pid>/stat`` stime)."""
    total, found = 0.0, False
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp, counted after the ")" of the command name
            total += int(fields[12]) / tick
            found = True
    return total if found else None


if __name__ == "__main__":
    out = sys.argv[1]
    runner.group_cpu_seconds = system_seconds  # type: ignore[assignment]
    sys.argv = [
        "isomargin",
        "bench",
        "--duration",
        "5",
        "--phase",
        "sqlite",
        "--json",
        f"{out}.json",
        "--markdown",
        f"{out}.md",
    ]
    app()
