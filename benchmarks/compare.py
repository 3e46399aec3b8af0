"""Instructions per request of two (or more) checkouts, side by side: ``instructions.py`` under callgrind.

    .venv/bin/python benchmarks/compare.py --checkout before=/path/to/old --checkout after=. \\
        [--postgres postgresql://postgres@127.0.0.1:5432/test] [--mode add --mode reduce …] [--json FILE]

Each checkout runs ``benchmarks/instructions.py`` of THIS checkout with ITS OWN interpreter
(``<checkout>/.venv/bin/python``), so its own code is measured by the same driver. Modes a
checkout does not have (``order`` before issue 11) print "—". The table is markdown: instructions
per operation (k = thousands) and, from a run without valgrind, SQL statements per operation (on
PostgreSQL each one is a round trip; BEGIN and COMMIT come on top, once per transaction). A second
table gives SQLite's WAL pages per request (``wal_pages.py``): what a COMMIT writes and the
checkpoint copies back, a cost of the kernel's that the instruction count does not see.
``make bench-instructions`` runs it against ``BASE`` (default: the pre-foundation ``6454ca9``,
extracted and installed under /tmp on first use).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "instructions.py"
WAL_DRIVER = HERE / "wal_pages.py"
#: the write modes whose WAL pages are counted, and how many requests are in flight (the server's
#: batches under wrk held 11 on average)
WAL_MODES = ("margin", "order")
WAL_BATCH = 11
#: ``margin`` first: add and reduce alternating is the request mix ``make bench`` sends (bench/dataset.py)
DEFAULT_MODES = ("margin", "add", "reduce", "risk", "account", "order", "service")
LABELS = {
    "service": "positionMargin's service alone (32 per transaction)",
    "margin": "POST positionMargin (add and reduce alternating)",
    "add": "POST positionMargin type=1 (add)",
    "reduce": "POST positionMargin type=2 (reduce)",
    "risk": "GET v3/positionRisk",
    "account": "GET v3/account",
    "order": "POST order (MARKET 0.01 ETHUSDT, open/close)",
    "history": "GET positionMargin/history limit=500",
}


def run(python: Path, mode: str, count: int, postgres: str | None, *, valgrind: bool) -> tuple[float | None, str]:
    """(instructions or statements per operation, the driver's last line); None if the mode failed."""
    args = [str(python), str(DRIVER), mode, str(count)]
    if postgres:
        args += ["--postgres", postgres]
    if valgrind:
        args = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null", *args]
    else:
        args.append("--statements")
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith(f"{mode}:")]
    if not lines:
        return None, (done.stderr.strip().splitlines()[-1:] or ["failed"])[0]
    answers = lines[-1].split("answers ")[1]
    n = count // 10 if mode == "history" else count
    # every answer a 200 (the service mode answers nothing: it calls the use case directly)
    if done.returncode or answers != ("{}" if mode == "service" else f"{{200: {n}}}"):
        return None, lines[-1]
    if valgrind:
        found = re.search(r"Collected : (\d+)", done.stderr)
        return (int(found.group(1)) / n if found else None), lines[-1]
    found = re.search(r"([\d.]+) statements each", lines[-1])
    return (float(found.group(1)) if found else None), lines[-1]


def wal_pages(python: Path, mode: str) -> float | None:
    """SQLite's WAL pages per request of ``mode`` (None if the checkout cannot run it)."""
    args = [str(python), str(WAL_DRIVER), mode, "1100", "--batch", str(WAL_BATCH)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    found = re.search(r"WAL pages per request: ([\d.]+)", done.stdout)
    if done.returncode or found is None or "answers {200: 1100}" not in done.stdout:
        return None
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkout", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--mode", action="append", choices=tuple(LABELS))
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--count", type=int, default=640)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--previous", type=Path, help="a --json file of an earlier run: its checkouts' results are reused, not re-run"
    )
    opts = parser.parse_args()
    pairs = (c.split("=", 1) for c in opts.checkout)
    checkouts = [(name, Path(path).resolve() / ".venv/bin/python") for name, path in pairs]
    modes = opts.mode or list(DEFAULT_MODES)
    backends = ["SQLite"] + (["PostgreSQL"] if opts.postgres else [])
    results: dict[str, dict[str, dict[str, dict[str, float | None]]]] = {}
    if opts.previous:
        results = json.loads(opts.previous.read_text())
    for backend in backends:
        url = opts.postgres if backend == "PostgreSQL" else None
        for mode in modes:
            for name, python in checkouts:
                if results.get(backend, {}).get(mode, {}).get(name, {}).get("instructions") is not None:
                    continue  # measured by the earlier run
                instr, line = run(python, mode, opts.count, url, valgrind=True)
                stmts, _ = run(python, mode, min(opts.count, 320), url, valgrind=False)
                cell = {"instructions": instr, "statements": stmts}
                results.setdefault(backend, {}).setdefault(mode, {})[name] = cell
                print(f"  {backend} {mode} {name}: {instr} instr, {stmts} stmts — {line}", file=sys.stderr)
    names = [name for name, _ in checkouts]
    # the change from the first checkout to the last, and with three or more from the one before the last
    against = [names[0]] + ([names[-2]] if len(names) > 2 else [])
    header = " | ".join(f"`{n}`" for n in names) + " | " + " | ".join(f"vs `{n}`" for n in against)
    print(f"| per operation: instructions (SQL statements) | {header} |")
    print("|---|" + "---:|" * (len(names) + len(against)))
    for backend in backends:
        for mode in modes:
            cells = results[backend][mode]
            row = []
            for n in names:
                i, s = cells[n]["instructions"], cells[n]["statements"]
                row.append("—" if i is None else f"{i / 1000:,.0f} k" + ("" if s is None else f" ({s:g})"))
            last = cells[names[-1]]["instructions"]
            for name in against:
                first = cells[name]["instructions"]
                row.append("—" if not first or not last else f"{100 * (last - first) / first:+.0f}%")
            print(f"| {backend}: {LABELS[mode]} | " + " | ".join(row) + " |")
    pages = results.setdefault("WAL pages", {})
    for mode in WAL_MODES:
        for name, python in checkouts:
            if pages.get(mode, {}).get(name, {}).get("pages") is None:
                pages.setdefault(mode, {})[name] = {"pages": wal_pages(python, mode)}
    print()
    print(f"| SQLite: WAL pages per request, {WAL_BATCH} in flight | " + " | ".join(f"`{n}`" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for mode in WAL_MODES:
        row = ["—" if (v := pages[mode][n]["pages"]) is None else f"{v:.3f}" for n in names]
        print(f"| {LABELS[mode]} | " + " | ".join(row) + " |")
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
