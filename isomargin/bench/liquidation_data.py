"""The liquidation benchmark's database: n isolated BTCUSDT longs, a known few of them thin (issue 12).

Every account holds one ISOLATED long of 0.01 BTCUSDT entered at 50000 at 20x. Most isolated
wallets hold 24.75 (liquidation price 47715.86…, margin call at 47763.82…); ``thin`` of them,
spread evenly over the id range, hold only 15, which lifts their liquidation price to 48694.78…
So one move of the mark to :data:`LIQUIDATING_MARK` reaches exactly the thin positions and
nobody's margin call, and :data:`QUIET_MARK` reaches nothing at all.

The rows are written in bulk (``INSERT … SELECT`` over a series, as ``bench.dataset`` does), so the
stored liquidation and margin-call keys cannot come from ``store.changes.write_change``. They are
computed here, in Python, by the same function it calls (``domain.liquidation.trigger_keys``) for
the two wallets there are, and only their values go into the SQL; :func:`check_marks` proves the
two marks fall where the phase needs them before anything is measured. The fingerprint of what the
keys were computed from is stored too (``service.triggers``), as a running server's would be, so
the server does not re-key every position at start-up.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from isomargin.bench.dataset import _bool, _insert_select, _money, _series
from isomargin.domain.liquidation import TriggerKeys, crossed, trigger_keys
from isomargin.domain.position import IsolatedPosition, PositionSide
from isomargin.service import triggers
from isomargin.service.context import ServiceContext
from isomargin.store import Store, Tx, repo, schema
from isomargin.store.money_sql import encode_money
from isomargin.symbols import SymbolSpec

SYMBOL = "BTCUSDT"
AMOUNT = Decimal("0.01")
ENTRY = Decimal("50000")
LEVERAGE = 20
WALLET = Decimal("24.75")
THIN_WALLET = Decimal("15")
#: every account's cross wallet: untouched by an isolated liquidation, only there to be realistic
CROSS_WALLET = Decimal("1000")
#: the mark the positions are loaded at (their entry: no PnL yet)
START_MARK = ENTRY
#: above every liquidation and margin-call price: a move here finds nothing (the search cost alone)
QUIET_MARK = Decimal("49000")
#: below the thin positions' liquidation price (48694.78) and above their bankruptcy price (48500,
#: so the fills are ordinary, not insurance-fund gaps), above everyone else's margin call (47763.82)
LIQUIDATING_MARK = Decimal("48600")


@dataclass(frozen=True, slots=True)
class Population:
    """``accounts`` accounts 1..accounts, of which ``thin`` (ids ``step, 2·step, …``) hold the thin wallet."""

    accounts: int
    thin: int

    def __post_init__(self) -> None:
        if not 0 < self.thin <= self.accounts:
            raise ValueError(f"thin positions ({self.thin}) must be between 1 and the accounts ({self.accounts})")

    @property
    def step(self) -> int:
        return self.accounts // self.thin

    def thin_ids(self) -> list[int]:
        return [self.step * k for k in range(1, self.thin + 1)]


def position(wallet: Decimal) -> IsolatedPosition:
    return IsolatedPosition(PositionSide.BOTH, AMOUNT, ENTRY, wallet, LEVERAGE)


def keys_for(wallet: Decimal, spec: SymbolSpec, margin_call_ratio: Decimal) -> TriggerKeys:
    """The keys ``write_change`` stores for a bench position with this wallet (its very function)."""
    return trigger_keys(position(wallet), spec.brackets, margin_call_ratio)


def check_marks(spec: SymbolSpec, margin_call_ratio: Decimal) -> None:
    """Fail unless the quiet mark reaches nothing and the liquidating mark exactly the thin liquidations.

    Changed brackets or a different margin-call ratio could move the prices past the marks; the
    phase would then time a different tick than it reports, so it stops here instead.
    """
    thick, thin = keys_for(WALLET, spec, margin_call_ratio), keys_for(THIN_WALLET, spec, margin_call_ratio)
    every = (thick.liquidation, thick.margin_call, thin.liquidation, thin.margin_call)
    wrong = []
    if any(crossed(key, QUIET_MARK) for key in every):
        wrong.append(f"the quiet mark {QUIET_MARK} reaches a position")
    if not crossed(thin.liquidation, LIQUIDATING_MARK):
        wrong.append(f"the liquidating mark {LIQUIDATING_MARK} misses the thin positions ({thin.liquidation})")
    if crossed(thick.liquidation, LIQUIDATING_MARK) or crossed(thick.margin_call, LIQUIDATING_MARK):
        wrong.append(f"the liquidating mark {LIQUIDATING_MARK} reaches the other positions ({thick})")
    if wrong:
        raise ValueError(f"{spec.symbol} with margin-call ratio {margin_call_ratio}: " + "; ".join(wrong))


def populate(
    store: Store,
    population: Population,
    symbols: Mapping[str, SymbolSpec],
    margin_call_ratio: Decimal,
    now_ms: int | None = None,
) -> None:
    """Insert the accounts, their ISOLATED 20x configs, their positions with keys, and the mark.

    ``symbols`` and ``margin_call_ratio``: what the server measured will run with.
    """
    spec = symbols[SYMBOL]
    check_marks(spec, margin_call_ratio)
    now = now_ms or int(time.time() * 1000)
    served = ServiceContext(symbols, now, margin_call_ratio=margin_call_ratio)
    thick, thin = keys_for(WALLET, spec, margin_call_ratio), keys_for(THIN_WALLET, spec, margin_call_ratio)
    step, last_thin = population.step, population.step * population.thin

    def pick(thin_value: Decimal | None, thick_value: Decimal | None) -> str:
        """A per-row SQL value: the thin positions' for ids step, 2·step, … thin·step, else the others'."""
        a, b = (("NULL" if v is None else str(encode_money(v))) for v in (thin_value, thick_value))
        return f"CASE WHEN i % {step} = 0 AND i <= {last_thin} THEN {a} ELSE {b} END"

    def run(tx: Tx) -> None:
        series = _series(tx, 1, population.accounts)
        account = {"id": "i", "dual_side_position": _bool(tx, False), "cross_wallet": _money(str(CROSS_WALLET))}
        _insert_select(tx, schema.accounts, {**account, "created_at": f"{now}", "update_time": f"{now}"}, series)
        config = {"account_id": "i", "symbol": f"'{spec.symbol}'", "margin_type": "'ISOLATED'"}
        _insert_select(tx, schema.symbol_configs, {**config, "leverage": str(LEVERAGE)}, series)
        row = {"account_id": "i", "symbol": f"'{spec.symbol}'", "position_side": "'BOTH'", "update_time": f"{now}"}
        amounts = {
            "position_amt": _money(str(AMOUNT)),
            "entry_price": _money(str(ENTRY)),
            "isolated_wallet": pick(THIN_WALLET, WALLET),
        }
        keys = {
            "liquidation_key": pick(thin.liquidation, thick.liquidation),
            "margin_call_key": pick(thin.margin_call, thick.margin_call),
        }
        _insert_select(tx, schema.positions, {**row, **amounts, **keys}, series)
        mark = {"symbol": f"'{spec.symbol}'", "mark_price": _money(str(START_MARK)), "update_time": f"{now}"}
        _insert_select(tx, schema.mark_prices, mark)
        repo.set_state(tx, triggers.FINGERPRINT_KEY, triggers.fingerprint(served))
        if tx.dialect == "postgresql":
            # explicit ids above: move the sequence past them, as bench.dataset does
            tx.one("SELECT setval(pg_get_serial_sequence('accounts', 'id'), (SELECT max(id) FROM accounts))")
            tx.run("ANALYZE positions")  # fresh statistics, as a long-running server's autovacuum would have

    store.write_sync(run)
