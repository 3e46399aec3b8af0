"""Time margin transfers through the service and the store, no HTTP: ``python -m tests.store.time_transfers``.

Not a test (a timing on a shared machine proves nothing by itself): a before/after probe for
changes to the hot path of positionMargin. It runs pairs of add/reduce transfers of 1.5 USDT
inside one transaction (statements and Python only, no COMMIT) and prints the best per-transfer
time of several rounds. Pass a PostgreSQL URL to time that instead of a fresh SQLite file.
"""

from __future__ import annotations

import sys
import tempfile
import timeit
from decimal import Decimal

from isomargin.domain.position import PositionSide
from isomargin.service import admin
from isomargin.service.context import ServiceContext
from isomargin.service.margin import MarginChange, modify_position_margin
from isomargin.store import Tx, open_store, repo
from isomargin.symbols import DEFAULT_SYMBOLS

PAIRS, ROUNDS = 1000, 9


def main(url: str) -> None:
    store = open_store(url)
    ctx = ServiceContext(dict(DEFAULT_SYMBOLS), 1_000_000)
    try:
        account_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(100_000), dual_side_position=False, now_ms=1)
        )
        position = admin.OpenPosition(
            account_id, "BTCUSDT", PositionSide.BOTH, Decimal("0.01"), Decimal(50_000), 10, Decimal(1050)
        )
        store.write_sync(lambda tx: admin.open_position(tx, ctx, position))
        add, reduce = (MarginChange("BTCUSDT", Decimal("1.5"), kind, None) for kind in (1, 2))

        def rounds(tx: Tx) -> float:
            def pair() -> None:
                modify_position_margin(tx, ctx, account_id, add)
                modify_position_margin(tx, ctx, account_id, reduce)

            return min(timeit.repeat(pair, number=PAIRS, repeat=ROUNDS)) / (2 * PAIRS)

        best = store.write_sync(rounds)
        print(f"{store.dialect}: {best * 1e6:.1f} µs per transfer (best of {ROUNDS} × {2 * PAIRS}, no COMMIT)")
    finally:
        store.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/transfers.db")
