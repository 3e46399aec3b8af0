"""Modify Isolated Position Margin and its history.

``POST /fapi/v1/positionMargin`` [PM]
(https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Modify-Isolated-Position-Margin)
and ``GET /fapi/v1/positionMargin/history`` [PMH]. Reference §1, §2.1, §6.
"""

from __future__ import annotations

from decimal import Decimal

from isomargin import errors
from isomargin.domain import changes
from isomargin.domain.events import AccountUpdateReason
from isomargin.domain.margin import max_addable, max_removable
from isomargin.domain.orders import break_even_price
from isomargin.domain.position import IsolatedPosition, PositionSide
from isomargin.domain.value import value
from isomargin.money import ASSET_PLACES, significant_places
from isomargin.service.context import ServiceContext
from isomargin.service.events import account_update, position_update
from isomargin.service.symbol_state import config_or_default, mark_or_default, symbol_config
from isomargin.store import Tx, repo
from isomargin.store.base import OutboxEvent
from isomargin.store.changes import RiskTerms, write_change

ADD = 1
REDUCE = 2
DAY_MS = 86_400_000
#: "Support querying future histories that are not older than 30 days" [PMH]
HISTORY_WINDOW_MS = 30 * DAY_MS


@value
class MarginChange:
    symbol: str
    amount: Decimal
    type: int  # ADD | REDUCE
    position_side: PositionSide | None  # None: not sent


@value
class MarginTransferResult:
    """What a margin transfer did: the amount moved, the wallets after it, the events it recorded."""

    amount: Decimal
    type: int  # ADD | REDUCE
    cross_wallet: Decimal
    isolated_wallet: Decimal
    events: tuple[OutboxEvent, ...]


#: a stored side → its enum member, without the enum's call machinery (every transfer converts one)
_SIDES = {side.value: side for side in PositionSide}
# Members read once: ``PositionSide.BOTH`` on an enum class goes through EnumType.__getattr__'s
# slow attribute hook on Python 3.11 (~850 instructions a read; docs/BENCHMARKS.md, perf2).
_BOTH = PositionSide.BOTH
_MARGIN_TRANSFER = AccountUpdateReason.MARGIN_TRANSFER


def holding(row: repo.PositionRow) -> changes.Holding:
    return changes.Holding(
        row.symbol, _SIDES[row.position_side], row.position_amt, row.entry_price, row.isolated_wallet
    )


def to_domain(row: repo.PositionRow, leverage: int) -> IsolatedPosition:
    # positional (side, amount, entry, wallet, leverage) and the side from _SIDES: every reduce
    # builds one, and both the enum call and a keywords dict cost thousands of instructions
    return IsolatedPosition(_SIDES[row.position_side], row.position_amt, row.entry_price, row.isolated_wallet, leverage)


def check_amount(amount: Decimal) -> None:
    """-4055 for zero or negative amounts; -1111 past the wallet asset's 8 decimals (assumed).

    Only significant digits count: ``1.000000000`` is accepted as 1, ``1.000000001`` is -1111
    (reference open question 15; assumed).
    """
    if amount <= 0:
        raise errors.AMOUNT_MUST_BE_POSITIVE.error()
    if significant_places(amount) > ASSET_PLACES:
        raise errors.BAD_PRECISION.error()


def modify_position_margin(tx: Tx, ctx: ServiceContext, account_id: int, change: MarginChange) -> MarginTransferResult:
    """Move ``amount`` between the cross wallet and one isolated position.

    Order of checks (one place; docs/COVERAGE.md lists it):
    1. -1121 unknown symbol (documented code, assumed for this endpoint);
    2. -4055 amount ≤ 0, -1111 more than 8 decimals;
    3. -4061 LONG/SHORT in one-way mode (assumed);
    4. hedge mode with BOTH or no side: -4054 for add, -4051 for reduce, whatever the symbol's
       margin type — BOTH holds nothing in hedge mode (observed [I150]; [I239] got -4054 so on a
       symbol it had never touched, i.e. a CROSSED one);
    5. -4049 the symbol is not ISOLATED (assumed; with no position either: a CROSSED symbol can
       hold no isolated margin at all);
    6. the targeted side holds no position: -4054 for add, -4051 for reduce (observed [I239]);
    7. -4050 add above max addable / -4051 reduce above max removable (reference §6.2, §6.3;
       both codes assumed for these cases, reference open questions 3 and 4).
    Then the change goes through the one position-change path (``domain.changes``): the cross
    wallet, the isolated wallet, one history row and an ACCOUNT_UPDATE ``MARGIN_TRANSFER`` event
    (wallet unchanged, cross wallet and the position's isolated wallet moved; reference §4.4) are
    written together.
    """
    spec = ctx.symbol(change.symbol)
    check_amount(change.amount)
    side = change.position_side or _BOTH
    # account and position read (and locked) together; checked in the order above. The symbol is
    # locked first (a price move holds it while it liquidates), so the mark read is current: on
    # PostgreSQL by the account's own statement, a round trip less (``risk.lock_symbol``'s shared
    # lock). ``_value_``, not ``.value``: the same str, without enum's Python-level property (~1.5k
    # instructions per read on this path; docs/BENCHMARKS.md, perf2)
    read = repo.get_account_for_change(tx, account_id, spec.symbol, side._value_, lock_symbol=True)
    if read is None:
        raise errors.REJECTED_MBX_KEY.error()
    account, found = read
    if not account.dual_side_position and side is not _BOTH:
        raise errors.POSITION_SIDE_NOT_MATCH.error()
    if account.dual_side_position and side is _BOTH:
        raise _no_position(change)

    if found is None or found.position.position_amt == 0:
        # the rejection path only: the hot path reads the config with the position
        if symbol_config(tx, ctx, account_id, spec.symbol).margin_type != "ISOLATED":
            raise errors.ADD_ISOLATED_MARGIN_REJECT.error()
        raise _no_position(change)
    row = found.position
    config = config_or_default(ctx, spec.symbol, found.config)
    if config.margin_type != "ISOLATED":
        raise errors.ADD_ISOLATED_MARGIN_REJECT.error()

    mark = mark_or_default(spec, found.mark_price)
    if change.type == ADD:
        if change.amount > max_addable(account.cross_wallet):
            raise errors.CROSS_BALANCE_INSUFFICIENT.error()
    elif change.amount > max_removable(to_domain(row, config.leverage), mark, spec.brackets):
        raise errors.ISOLATED_BALANCE_INSUFFICIENT.error()

    # positional (amount, add): a class called with keywords builds a dict first on Python 3.11
    outcome = changes.apply(holding(row), changes.MarginTransfer(change.amount, change.type == ADD))
    cross = account.cross_wallet + outcome.cross_wallet_delta
    event = account_update(
        _MARGIN_TRANSFER,
        cross_wallet=cross,
        isolated_wallets=found.account_isolated_wallets + outcome.isolated_wallet_delta,
        positions=(
            position_update(
                outcome.after,
                config.margin_type,
                mark,
                accumulated_realized=found.accumulated_realized,
                break_even_price=break_even_price(row.position_amt, row.entry_price, found.taker_rate),
            ),
        ),
    )
    terms = RiskTerms(spec.brackets, True, mark, ctx.margin_call_ratio)
    recorded = write_change(tx, account, outcome, events=[event], now_ms=ctx.now_ms, risk=terms)
    return MarginTransferResult(change.amount, change.type, cross, outcome.after.isolated_wallet, tuple(recorded))


def _no_position(change: MarginChange) -> errors.ApiError:
    """The targeted side holds nothing: -4054 for add, -4051 for reduce (observed [I150][I239])."""
    spec = errors.ADD_ISOLATED_MARGIN_NO_POSITION_REJECT if change.type == ADD else errors.ISOLATED_BALANCE_INSUFFICIENT
    return spec.error()


@value
class HistoryQuery:
    symbol: str
    type: int | None
    start_time: int | None
    end_time: int | None
    limit: int


def history_window(now_ms: int, start: int | None, end: int | None) -> tuple[int, int]:
    """The ``[start, end]`` a history query covers [PMH] (rules in docs/COVERAGE.md).

    ``endTime`` defaults to now ("Default current time if not pass"); ``startTime`` to 30 days
    before ``endTime``; nothing older than 30 days is returned; start > end is -1023; a range
    over 30 days is -4165 (assumed).
    """
    end_ms = now_ms if end is None else end
    start_ms = end_ms - HISTORY_WINDOW_MS if start is None else start
    if start_ms > end_ms:
        raise errors.START_TIME_GREATER_THAN_END_TIME.error()
    if end_ms - start_ms > HISTORY_WINDOW_MS:
        raise errors.INVALID_TIME_INTERVAL.error(30)
    return max(start_ms, now_ms - HISTORY_WINDOW_MS), end_ms


def margin_history(tx: Tx, ctx: ServiceContext, account_id: int, query: HistoryQuery) -> list[repo.HistoryRow]:
    spec = ctx.symbol(query.symbol)
    start_ms, end_ms = history_window(ctx.now_ms, query.start_time, query.end_time)
    if start_ms > end_ms:
        return []
    return repo.query_history(
        tx, account_id, spec.symbol, type_=query.type, start_ms=start_ms, end_ms=end_ms, limit=query.limit
    )
