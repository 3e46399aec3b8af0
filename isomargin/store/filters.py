"""Optional filters of the list queries (orders, trades, income, algo orders, funding history).

A Binance list endpoint takes a handful of optional parameters (``symbol``, ``orderId``,
``startTime``, ``endTime``…): each one sent adds one condition to the query, each one left out
adds nothing, so the database can use the narrowest index for what was actually asked.
"""

from __future__ import annotations

from collections.abc import Sequence

#: one optional condition: its SQL with ``?`` placeholders and its value (None: not asked for);
#: a tuple value fills a condition with several placeholders (``status IN (?, ?)``)
Condition = tuple[str, object]


def filtered(sql: str, params: Sequence[object], *conditions: Condition) -> tuple[str, list[object]]:
    """``sql`` (which ends in a WHERE clause) and its ``params``, with ``AND condition`` for each
    condition whose value is not None."""
    bound = list(params)
    for clause, value in conditions:
        if value is None:
            continue
        sql += f" AND {clause}"
        if isinstance(value, tuple):
            bound.extend(value)
        else:
            bound.append(value)
    return sql, bound
