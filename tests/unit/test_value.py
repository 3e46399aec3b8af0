"""``@value`` records: immutable where it is checked (mypy), hashed and compared by value at runtime."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from mypy import api as mypy_api

from isomargin.domain.changes import Holding
from isomargin.domain.position import PositionSide
from isomargin.store.repo import PositionRow

#: a program of its own (not the project's package list), strict, not following imports into errors
MYPY = ["--config-file=", "--strict", "--follow-imports=silent", "--no-incremental"]


def test_a_value_is_compared_and_hashed_by_its_fields() -> None:
    row = PositionRow("BTCUSDT", "BOTH", Decimal("0.01"), Decimal(50_000), Decimal(1050), 1)
    same = PositionRow("BTCUSDT", "BOTH", Decimal("0.010"), Decimal(50_000), Decimal(1050), 1)
    assert row == same and hash(row) == hash(same) and len({row, same}) == 1
    moved = replace(row, isolated_wallet=Decimal(1051))
    assert moved != row and moved.isolated_wallet == Decimal(1051) and row.isolated_wallet == Decimal(1050)


def test_mypy_refuses_an_assignment_to_a_field() -> None:
    """What ``frozen=True`` promised, now promised by the type checker (``make test`` runs it)."""
    program = (
        "from decimal import Decimal\n"
        "from isomargin.domain.changes import Holding\n"
        "from isomargin.domain.position import PositionSide\n"
        "h = Holding('BTCUSDT', PositionSide.BOTH, Decimal(1), Decimal(1), Decimal(1))\n"
        "h.isolated_wallet = Decimal(2)\n"
    )
    out, _, status = mypy_api.run([*MYPY, "-c", program])
    assert status == 1 and 'Property "isolated_wallet" defined in "Holding" is read-only' in out, out
    # and the same program without the assignment passes: the error is the assignment's
    out, _, status = mypy_api.run([*MYPY, "-c", program.rsplit("h.", 1)[0]])
    assert status == 0, out
    assert Holding("BTCUSDT", PositionSide.BOTH, Decimal(1), Decimal(1), Decimal(1)).is_open
