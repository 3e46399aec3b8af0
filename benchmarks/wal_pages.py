"""WAL pages per request, by table: the storage cost that an instruction count does not see.

SQLite in WAL mode appends every page a transaction changed to the ``-wal`` file at COMMIT, whole
(4 KiB plus a 24-byte frame header), and the checkpoint copies each back into the database. On this
host each such page costs the server several µs of kernel time (docs/BENCHMARKS.md, "Issue 9 on
2026-12-03"), so a change that adds a row or an index shows up here before it shows in req/s.

This drives the whole ASGI app in process as ``instructions.py`` does (``--batch`` requests in flight,
so the group commit batches them as under wrk: 11 on average there), with the background checkpoint
switched off, then reads the frame headers of the WAL file and names the table or index of each page
(SQLite's ``dbstat``). Deterministic: the same checkout and batch give the same numbers.

    .venv/bin/python benchmarks/wal_pages.py margin 1100 --batch 11

Run it with the interpreter of the checkout to measure (it runs unchanged against ``6454ca9``).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import struct
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import instructions as harness  # benchmarks/instructions.py: the same requests and settings
import uvloop

import isomargin.store.sqlite as sqlite_store
from isomargin.api.app import create_app
from isomargin.bench import dataset
from isomargin.store import open_store

#: the WAL file's header, and each frame's: page number, database size after a commit frame (else 0)
WAL_HEADER = 32
FRAME_HEADER = 24


def frames(wal: Path) -> list[tuple[int, bool]]:
    """(page number, ends a commit) of every frame in the WAL file, in order."""
    data = wal.read_bytes()
    if len(data) < WAL_HEADER:
        return []
    (page_size,) = struct.unpack(">I", data[8:12])
    salts = data[16:24]
    out = []
    for offset in range(WAL_HEADER, len(data) - FRAME_HEADER - page_size + 1, FRAME_HEADER + page_size):
        page, size_after = struct.unpack(">II", data[offset : offset + 8])
        if data[offset + 8 : offset + 16] != salts:
            break  # a frame left over from before the last reset: not part of this log
        out.append((page, size_after != 0))
    return out


def page_owners(db: Path) -> dict[int, str]:
    """Which table or index each page of the database belongs to (empty without ``dbstat``)."""
    conn = sqlite3.connect(db)
    try:
        return {int(p): str(n) for n, p in conn.execute("SELECT name, pageno FROM dbstat")}
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()


async def drive(app: Any, reqs: list[harness.Request], count: int, batch: int) -> dict[int, int]:
    """``count`` requests through the app, ``batch`` at a time; how many answered each status."""
    statuses: dict[int, int] = {}
    call = harness.caller(app, reqs, statuses)
    for start in range(0, count, batch):
        await asyncio.gather(*(call(start + j) for j in range(min(batch, count - start))))
    return statuses


def main(mode: str, count: int, batch: int) -> None:
    # no background checkpoint: the WAL keeps every frame of the measured requests
    sqlite_store.CHECKPOINT_INTERVAL_S = 10**9
    work = Path(tempfile.mkdtemp(prefix="isomargin-wal-"))
    db = work / "db.sqlite"
    store = open_store(f"sqlite:///{db}")
    dataset.populate(store, harness.ACCOUNTS, dataset.Population(0, 0))
    store.close()
    app = create_app(harness.settings(f"sqlite:///{db}"))
    loop = uvloop.new_event_loop()
    try:
        reqs = harness.requests(mode, work, int(time.time() * 1000))
        loop.run_until_complete(drive(app, reqs, 320, batch))  # warm: the pages every request touches exist
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL starts empty
        conn.close()
        statuses = loop.run_until_complete(drive(app, reqs, count, batch))
        # read before closing: the last connection to close checkpoints the WAL and deletes it
        log, owners = frames(work / "db.sqlite-wal"), page_owners(db)
    finally:
        app.state.store.close()
    report(mode, count, batch, statuses, log, owners)


def report(
    mode: str, count: int, batch: int, statuses: dict[int, int], log: list[tuple[int, bool]], owners: dict[int, str]
) -> None:
    commits = sum(1 for _, ends in log if ends)
    print(f"{mode}: {count} requests, {batch} in flight, answers {dict(statuses)}")
    per_commit = len(log) / max(commits, 1)
    print(f"WAL pages per request: {len(log) / count:.3f} ({commits} commits, {per_commit:.1f} pages each)")
    by_owner = Counter(owners.get(page, "?") for page, _ in log)
    for name, pages in by_owner.most_common():
        print(f"  {name:<45} {pages / count:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=("margin", "add", "reduce", "order"))
    parser.add_argument("count", type=int, nargs="?", default=1100)
    parser.add_argument("--batch", type=int, default=11, help="requests in flight at once (default 11)")
    args = parser.parse_args()
    main(args.mode, args.count, args.batch)
