"""Every parity case. Each names its snapshot (``snapshots/<name>.json``) by its ``name``.

A known difference's reason cites the fidelity audit (../shared/spec/fidelity-audit.md) row it
comes from; the engineer who fixes one removes its declaration in the same commit (a declared
difference that no longer occurs fails the case, so declarations cannot go stale).
"""

from __future__ import annotations

from tests.parity.case import Case
from tests.parity.cases_adl import ADL
from tests.parity.cases_algo import ALGO
from tests.parity.cases_general import GENERAL
from tests.parity.cases_market import MARKET
from tests.parity.cases_orders import ORDERS
from tests.parity.cases_read import READ
from tests.parity.cases_trade import TRADE

CASES: tuple[Case, ...] = TRADE + READ + GENERAL + ORDERS + ADL + MARKET + ALGO
BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "two parity cases share a name"
