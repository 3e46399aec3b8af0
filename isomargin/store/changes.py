"""The one store operation that writes a position change (``domain.changes.Outcome``).

Use cases decide a change with the pure domain and hand its outcome here: the account's cross
wallet, the position after the change, its positionMargin/history rows and the events that
describe it are written together, in the caller's transaction. No other code sets a money column
of an account or a position.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from isomargin.domain.brackets import Bracket
from isomargin.domain.changes import Holding, Outcome
from isomargin.domain.events import Event
from isomargin.domain.liquidation import NO_TRIGGERS, TriggerKeys, crossed, never_triggers, trigger_keys
from isomargin.domain.value import value
from isomargin.store import outbox, repo, trading
from isomargin.store.base import OutboxEvent, Tx
from isomargin.store.write_plan import WritePlan

#: the margin asset every history row is in (isomargin's accounts are single-asset USDT)
HISTORY_ASSET = "USDT"


@value
class RiskTerms:
    """What the position's trigger keys are computed from (issue 12): its symbol's brackets,
    whether it is ISOLATED (a CROSSED position is checked per account, it stores no keys), the
    current mark and the margin-call ratio."""

    brackets: Sequence[Bracket]
    isolated: bool
    mark: Decimal
    margin_call_ratio: Decimal


def keys_of(holding: Holding, risk: RiskTerms) -> TriggerKeys:
    """The liquidation and margin-call keys of ``holding`` (none for a flat or CROSSED position)."""
    if not risk.isolated:
        return NO_TRIGGERS
    # the holding itself: the searches read its amount, entry and wallet (``liquidation.Sized``),
    # so no IsolatedPosition is built per change; a flat one has none (``trigger_keys``)
    return trigger_keys(holding, risk.brackets, risk.margin_call_ratio)


def holds_no_keys(holding: Holding, risk: RiskTerms) -> bool:
    """Whether ``holding``'s keys are None whatever its brackets and margin-call ratio: CROSSED,
    flat, or a long whose wallet covers any fall (``liquidation.never_triggers``). Its stored
    keys are then NULL: write_change wrote them from the same holding (a CROSSED position's are
    always NULL, and its margin type cannot change while it is open, store/risk.py), and the
    keys' refresh (service/triggers.py) computes the same None from any brackets and ratio."""
    return not risk.isolated or never_triggers(holding, risk.margin_call_ratio)


def write_change(
    tx: Tx,
    account: repo.Account,
    outcome: Outcome,
    *,
    events: Sequence[Event],
    now_ms: int,
    risk: RiskTerms | None,
) -> list[OutboxEvent]:
    """Write ``outcome`` for ``account`` (read under its row lock by the caller); the events appended.

    The account's cross wallet becomes ``account.cross_wallet + outcome.cross_wallet_delta``, and
    its outbox numbers continue from ``account.event_seq`` (the lock makes that read current).
    A fill's realized PnL is added to the position's accumulated realized PnL (``cr``) here too,
    and the position's liquidation and margin-call keys are recomputed from ``risk`` (None only
    for a deposit or withdrawal, which moves no position) — whenever its amount, entry or wallet
    changes, so the engine's indexed search always sees the price positionRisk shows.
    """
    account_id = account.id
    after = outcome.after
    # ``_value_`` is what ``.value`` returns, read without enum's Python-level property
    side = after.position_side._value_
    last_seq = account.event_seq + len(events)
    cross_wallet = account.cross_wallet + outcome.cross_wallet_delta
    if tx.dialect == "postgresql":
        return _write_in_one_statement(tx, account_id, outcome, side, cross_wallet, last_seq, events, now_ms, risk)
    # SQLite: one statement per write (a call into the library in this process, not a round trip)
    repo.set_cross_wallet(tx, account_id, cross_wallet, now_ms, event_seq=last_seq)
    if not outcome.wallet_only:  # a deposit or withdrawal moves no position
        if risk is None:
            raise ValueError("a position change needs its risk terms")
        keys, keys_stored = _keys_after(outcome, risk)
        repo.upsert_position(
            tx,
            account_id,
            _position_row(outcome, side, now_ms),
            liquidation_key=keys.liquidation,
            margin_call_key=keys.margin_call,
            still_called=crossed(keys.margin_call, risk.mark),
            keys_stored=keys_stored,
        )
    if outcome.realized_pnl:
        trading.add_accumulated_realized(tx, account_id, after.symbol, side, outcome.realized_pnl)
    for entry in outcome.history:  # _history_rows' rows, without the list (every transfer writes one)
        repo.insert_history(
            tx,
            account_id,
            repo.HistoryRow(
                after.symbol, int(entry.type), entry.amount, HISTORY_ASSET, now_ms, side, entry.delta_type._value_
            ),
        )
    return outbox.insert_numbered(tx, account_id, last_seq, events, now_ms)


def _keys_after(outcome: Outcome, risk: RiskTerms) -> tuple[TriggerKeys, bool]:
    """The position's keys after the change, and whether the row already holds them.

    A position with no keys before and after the change (a CROSSED one, a long whose wallet
    covers any fall) keeps the NULLs it holds: no search, and (SQLite) an UPDATE that leaves the
    key columns out. SQLite rewrites an index entry for every indexed column an UPDATE sets, even
    to the value it holds: the two keys' indexes cost ~16 k instructions a change, and binding
    their two NULLs ~7 k more (measured under callgrind, docs/BENCHMARKS.md "The trigger keys,
    cheaper"). The margin-call latch is cleared as for any keyless position.
    """
    if holds_no_keys(outcome.after, risk) and holds_no_keys(outcome.before, risk):
        return NO_TRIGGERS, True
    return keys_of(outcome.after, risk), False


def _position_row(outcome: Outcome, side: str, now_ms: int) -> repo.PositionRow:
    after = outcome.after
    return repo.PositionRow(after.symbol, side, after.position_amt, after.entry_price, after.isolated_wallet, now_ms)


def _history_rows(outcome: Outcome, side: str, now_ms: int) -> list[repo.HistoryRow]:
    """The change's positionMargin/history rows, in the order it lists them."""
    symbol = outcome.after.symbol
    return [
        repo.HistoryRow(symbol, int(e.type), e.amount, HISTORY_ASSET, now_ms, side, e.delta_type._value_)
        for e in outcome.history
    ]


def _write_in_one_statement(
    tx: Tx,
    account_id: int,
    outcome: Outcome,
    side: str,
    cross_wallet: Decimal,
    last_seq: int,
    events: Sequence[Event],
    now_ms: int,
    risk: RiskTerms | None,
) -> list[OutboxEvent]:
    """PostgreSQL: :func:`write_change`'s writes — the same rows — as one statement of
    data-modifying CTEs (``store.write_plan``).

    A margin transfer's writes were four round trips (the account, the position, the history row,
    the event with its wake-up), a fill's five (with ``cr``): now one. The parts write different
    rows (``cr`` is added in the position's own part, not by a second write of its row) and read
    nothing another part writes; the account and the position stay locked from the caller's read.
    """
    plan = WritePlan()
    repo.plan_cross_wallet(plan, account_id, cross_wallet, now_ms, event_seq=last_seq)
    if not outcome.wallet_only:
        if risk is None:
            raise ValueError("a position change needs its risk terms")
        # the keys as SQLite's path finds them; the upsert writes them either way (PostgreSQL keeps
        # an unchanged indexed value a HOT update)
        keys, _stored = _keys_after(outcome, risk)
        repo.plan_position(
            plan,
            account_id,
            _position_row(outcome, side, now_ms),
            liquidation_key=keys.liquidation,
            margin_call_key=keys.margin_call,
            still_called=crossed(keys.margin_call, risk.mark),
            realized=outcome.realized_pnl,
        )
    repo.plan_histories(plan, account_id, _history_rows(outcome, side, now_ms))
    return outbox.send_numbered(tx, plan, account_id, last_seq, events, now_ms)
