"""store.filters: each optional filter asked for adds one condition and its values, in order."""

from __future__ import annotations

from isomargin.store.filters import filtered


def test_only_the_filters_asked_for_are_added_in_order() -> None:
    sql, params = filtered(
        "SELECT id FROM orders WHERE account_id = ?",
        (7,),
        ("symbol = ?", "BTCUSDT"),
        ("status IN (?, ?)", None),
        ("id >= ?", 0),  # a falsy value is still asked for
        ("time <= ?", 5),
    )
    assert sql == "SELECT id FROM orders WHERE account_id = ? AND symbol = ? AND id >= ? AND time <= ?"
    assert params == [7, "BTCUSDT", 0, 5]


def test_a_tuple_fills_a_condition_with_several_placeholders() -> None:
    sql, params = filtered("SELECT 1 FROM t WHERE 1 = 1", (), ("status IN (?, ?)", ("NEW", "PARTIALLY_FILLED")))
    assert sql.endswith("AND status IN (?, ?)") and params == ["NEW", "PARTIALLY_FILLED"]
