"""Every client operation once, as a generator of calls (see :mod:`isomargin.client.core`).

Endpoint paths, weights and parameters from Binance's pages (reference §1, §4); the doc link of
each is in the public method's docstring on :class:`isomargin.client.Client`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from isomargin.client.core import SERVER_NOW, Call, Op, as_list, decimal_param, params
from isomargin.client.models import (
    Account,
    Ack,
    Balance,
    LeverageChange,
    MarginChange,
    MarginChangeType,
    MarginHistoryEntry,
    MarginType,
    MarkPrice,
    PositionRisk,
    SymbolBrackets,
)
from isomargin.domain import Bracket, liquidation_price, max_removable, quantize_price
from isomargin.domain.liquidation import margin_ratio
from isomargin.domain.position import IsolatedPosition, PositionSide

DAY_MS = 86_400_000
#: "The time between startTime and endTime can't be more than 30 days"; nothing older is kept [PMH].
HISTORY_WINDOW_MS = 30 * DAY_MS
#: how far past its estimate of the server's now the client reads a history by default
ESTIMATE_SLACK_MS = 5_000
HISTORY_PAGE_LIMIT = 500  # Binance's documented default [PMH]
ASSET_QUANTUM = Decimal("0.00000001")  # USDT amounts carry 8 decimals [BAL2]

Side = PositionSide | str | None


def side_of(side: Side) -> PositionSide | None:
    return None if side is None else PositionSide(side.upper() if isinstance(side, str) else side)


def ping() -> Op[None]:
    yield Call("GET", "/fapi/v1/ping")


def server_time() -> Op[int]:
    data = yield Call("GET", "/fapi/v1/time")
    return int(data["serverTime"])


def server_now() -> Op[int]:
    now = yield SERVER_NOW
    return int(now)


def modify_margin(symbol: str, amount: Decimal | str | int, type_: MarginChangeType, side: Side) -> Op[MarginChange]:
    change = MarginChangeType(type_)
    position_side = side_of(side)
    data = yield Call(
        "POST",
        "/fapi/v1/positionMargin",
        params(
            ("symbol", symbol.upper()),
            ("positionSide", position_side.value if position_side else None),
            ("amount", decimal_param(amount)),
            ("type", int(change)),
        ),
        signed=True,
    )
    return MarginChange.parse(data)


def margin_history(
    symbol: str,
    type_: MarginChangeType | None,
    start_time: int | None,
    end_time: int | None,
    page_limit: int,
) -> Op[list[MarginHistoryEntry]]:
    """All rows in ``[start_time, end_time]``, oldest first, however many requests it takes.

    The range is cut into windows of at most 30 days (one query may not span more [PMH]). A
    window whose answer is a full page (``page_limit`` rows, at most Binance's default 500) may
    hold more, so it is split in two halves by time and each half read the same way. Splitting
    does not depend on *which* rows a server puts in a full page (oldest or newest first: [PMH]
    does not say), so nothing is skipped or read twice. Defaults: ``end_time`` = the server's
    now (as estimated, plus :data:`ESTIMATE_SLACK_MS`), ``start_time`` = 30 days before it;
    nothing older than 30 days is asked for, as Binance keeps only 30 days.
    """
    if page_limit < 1:
        raise ValueError("page_limit must be at least 1")
    # Past the documented default a server may answer fewer rows than asked (isomargin caps at
    # 500): a short page would then look complete. Never ask for more than 500.
    limit = min(page_limit, HISTORY_PAGE_LIMIT)
    now = yield SERVER_NOW
    # "now" is an estimate of the server's clock, off by up to half the round trip it was measured
    # with: a change the server stamped a moment ago may lie just past it. No row is stamped in
    # the future, so reading a little beyond loses nothing and misses nothing.
    end = now + ESTIMATE_SLACK_MS if end_time is None else end_time
    start = end - HISTORY_WINDOW_MS if start_time is None else start_time
    if start > end:
        raise ValueError("start_time is after end_time")
    start = max(start, now + ESTIMATE_SLACK_MS - HISTORY_WINDOW_MS)
    rows: list[MarginHistoryEntry] = []
    window_start = start
    while window_start <= end:
        window_end = min(window_start + HISTORY_WINDOW_MS, end)
        rows.extend((yield from _history_span(symbol, type_, window_start, window_end, limit)))
        window_start = window_end + 1
    return rows


def _history_span(
    symbol: str, type_: MarginChangeType | None, start: int, end: int, limit: int
) -> Op[list[MarginHistoryEntry]]:
    data = yield Call(
        "GET",
        "/fapi/v1/positionMargin/history",
        params(
            ("symbol", symbol.upper()),
            ("type", int(type_) if type_ is not None else None),
            ("startTime", start),
            ("endTime", end),
            ("limit", limit),
        ),
        signed=True,
    )
    page = [MarginHistoryEntry.parse(r) for r in data]
    if len(page) < limit:
        return sorted(page, key=lambda r: r.time)  # stable: a server's order within one ms is kept
    if start == end:
        raise ValueError(f"{limit} or more margin changes in one millisecond: raise page_limit")
    middle = (start + end) // 2
    older = yield from _history_span(symbol, type_, start, middle, limit)
    newer = yield from _history_span(symbol, type_, middle + 1, end, limit)
    return older + newer


def position_risk(symbol: str | None, version: int) -> Op[list[PositionRisk]]:
    if version not in (2, 3):
        raise ValueError("positionRisk version must be 2 or 3")
    data = yield Call(
        "GET", f"/fapi/v{version}/positionRisk", params(("symbol", symbol.upper() if symbol else None)), signed=True
    )
    return [PositionRisk.parse(r) for r in as_list(data)]


def balance(version: int) -> Op[list[Balance]]:
    data = yield Call("GET", f"/fapi/v{version}/balance", signed=True)
    return [Balance.parse(r) for r in as_list(data)]


def account(version: int) -> Op[Account]:
    data = yield Call("GET", f"/fapi/v{version}/account", signed=True)
    return Account.parse(data)


def set_margin_type(symbol: str, margin_type: MarginType | str) -> Op[Ack]:
    kind = MarginType(margin_type.upper() if isinstance(margin_type, str) else margin_type)
    data = yield Call(
        "POST", "/fapi/v1/marginType", params(("symbol", symbol.upper()), ("marginType", kind.value)), signed=True
    )
    return Ack.parse(data)


def set_position_mode(dual_side_position: bool) -> Op[Ack]:
    # "true": Hedge Mode; "false": One-way Mode [PSD]
    value = "true" if dual_side_position else "false"
    data = yield Call("POST", "/fapi/v1/positionSide/dual", params(("dualSidePosition", value)), signed=True)
    return Ack.parse(data)


def get_position_mode() -> Op[bool]:
    data = yield Call("GET", "/fapi/v1/positionSide/dual", signed=True)
    value = data["dualSidePosition"]
    return value if isinstance(value, bool) else str(value).lower() == "true"


def set_leverage(symbol: str, leverage: int) -> Op[LeverageChange]:
    if isinstance(leverage, bool) or not isinstance(leverage, int):
        raise TypeError("leverage must be an int")
    data = yield Call(
        "POST", "/fapi/v1/leverage", params(("symbol", symbol.upper()), ("leverage", leverage)), signed=True
    )
    return LeverageChange.parse(data)


def leverage_brackets(symbol: str | None) -> Op[list[SymbolBrackets]]:
    # With a symbol the doc shows one object; real servers also answer a one-element list [LB].
    data = yield Call(
        "GET", "/fapi/v1/leverageBracket", params(("symbol", symbol.upper() if symbol else None)), signed=True
    )
    return [SymbolBrackets.parse(r) for r in as_list(data)]


def mark_prices(symbol: str | None) -> Op[list[MarkPrice]]:
    data = yield Call("GET", "/fapi/v1/premiumIndex", params(("symbol", symbol.upper() if symbol else None)))
    return [MarkPrice.parse(r) for r in as_list(data)]


# --- helpers no Binance client has -----------------------------------------------------------
def pick_position(rows: Sequence[PositionRisk], symbol: str, side: Side) -> PositionRisk:
    """The row of ``side``; without a side the one-way BOTH row, or the only open hedge leg."""
    wanted = side_of(side)
    candidates = [r for r in rows if r.symbol == symbol.upper()]
    if wanted is not None:
        chosen = [r for r in candidates if r.position_side is wanted]
    else:
        chosen = [r for r in candidates if r.position_side is PositionSide.BOTH]
        if not chosen:
            chosen = [r for r in candidates if r.position_amt != 0]
            if len(chosen) > 1:
                raise ValueError(f"{symbol} is in hedge mode with both legs open: pass side LONG or SHORT")
    if not chosen:
        raise ValueError(f"no {wanted.value + ' ' if wanted else ''}position row for {symbol}")
    return chosen[0]


@dataclass(frozen=True, slots=True)
class MarginPreview:
    """What a margin change would do, computed with the server's own domain code.

    ``liquidation_price_*`` are rounded to 8 decimals like positionRisk shows them (0 = none);
    ``max_removable`` is rounded *down* to 8 decimals so it can be passed to ``reduce_margin``.
    """

    position: PositionRisk
    brackets: SymbolBrackets
    delta: Decimal
    isolated_wallet_after: Decimal
    liquidation_price_before: Decimal
    liquidation_price_after: Decimal
    max_removable: Decimal

    @property
    def mark_price(self) -> Decimal:
        return self.position.mark_price


def _domain_position(row: PositionRisk, isolated_wallet: Decimal) -> IsolatedPosition:
    if row.leverage is None:
        raise ValueError("positionRisk v2 is needed (v3 rows carry no leverage)")
    return IsolatedPosition(row.position_side, row.position_amt, row.entry_price, isolated_wallet, row.leverage)


def removable_now(row: PositionRisk, brackets: Sequence[Bracket] | None) -> Decimal | None:
    """Max removable margin of a positionRisk v2 row, rounded down to 8 decimals [FAQ-ADJ].

    ``None`` where the question has no answer: a cross or empty position, unknown brackets, or a
    v3 row (no leverage).
    """
    if not brackets or row.position_amt == 0 or row.leverage is None or row.margin_type is not MarginType.ISOLATED:
        return None
    position = _domain_position(row, row.isolated_wallet)
    return max_removable(position, row.mark_price, brackets).quantize(ASSET_QUANTUM, rounding=ROUND_DOWN)


def margin_ratios(rows: Sequence[PositionRisk], account: Account) -> dict[tuple[str, PositionSide], Decimal | None]:
    """Margin ratio = maintenance margin / margin balance [FAQ-LIQP] of each open position, as the
    liquidation engine judges it (trading reference §3.6): ``None`` when the position is flat or
    its margin balance is not positive.

    ``rows`` are *all* the account's positionRisk v2 rows (their ``marginType`` says which are
    cross); ``account`` is ``GET /fapi/v3/account``, one snapshot of every figure used:

    - isolated: the position's ``maintMargin / (isolatedWallet + unrealizedProfit)``;
    - cross: the account's cross margin, shared by every cross position — Σ the cross positions'
      ``maintMargin`` / (``totalCrossWalletBalance`` + ``totalCrossUnPnl``). Not ``totalMaintMargin
      / totalMarginBalance``: those count the isolated positions too.
    """
    figures = {(p.symbol, p.position_side): p for p in account.positions if p.position_amt != 0}
    cross = {(r.symbol, r.position_side) for r in rows if r.margin_type is MarginType.CROSSED}
    cross_maint = sum((p.maint_margin for key, p in figures.items() if key in cross), Decimal(0))
    cross_balance = account.total_cross_wallet_balance + (account.total_cross_un_pnl or Decimal(0))
    ratios: dict[tuple[str, PositionSide], Decimal | None] = {}
    for row in rows:
        key = (row.symbol, row.position_side)
        held = figures.get(key)
        if held is None or row.position_amt == 0:
            ratios[key] = None
        elif key in cross:
            ratios[key] = margin_ratio(cross_maint, cross_balance)
        else:
            wallet = row.isolated_wallet if held.isolated_wallet is None else held.isolated_wallet
            ratios[key] = margin_ratio(held.maint_margin, wallet + held.unrealized_profit)
    return ratios


def preview(symbol: str, side: Side, delta: Decimal | str | int) -> Op[MarginPreview]:
    """Fetch positionRisk (v2) and the symbol's brackets, then apply ``delta`` (+ add, − reduce)."""
    change = Decimal(decimal_param(delta, "delta"))
    rows = yield from position_risk(symbol, 2)
    row = pick_position(rows, symbol, side)
    tiers = next((b for b in (yield from leverage_brackets(symbol)) if b.symbol == row.symbol), None)
    if tiers is None:
        raise ValueError(f"the server sent no leverage brackets for {row.symbol}")
    now = _domain_position(row, row.isolated_wallet)
    after = _domain_position(row, row.isolated_wallet + change)
    removable = removable_now(row, tiers.brackets)
    return MarginPreview(
        position=row,
        brackets=tiers,
        delta=change,
        isolated_wallet_after=after.isolated_wallet,
        liquidation_price_before=quantize_price(liquidation_price(now, tiers.brackets)),
        liquidation_price_after=quantize_price(liquidation_price(after, tiers.brackets)),
        max_removable=Decimal(0) if removable is None else removable,
    )
