"""ADL quantiles: where each position stands in the auto-deleveraging queue of its symbol and side.

Binance's ADL FAQ, "What Is Auto-Deleveraging (ADL) and How Does It Work"
(https://www.binance.com/en/support/faq/360033525471), ranks traders by "LeveragePnL", "unrealized
PnL/collateral multiplied by the margin ratio", and shows the quantile of that rank. Its exact
formulation, as quoted from the FAQ on Binance's developer forum
(https://dev.binance.vision/t/how-to-caculating-leverage-pnl-quantile/17801, 2023)::

    Pnl Percent            = max(0, Unrealized Profit) / max(1, Wallet Balance)
    Margin Ratio           = 0                                            if Wallet Balance + Unrealized Profit ≤ 0
                           = Maintenance Margin / (Wallet Balance + Unrealized Profit)   otherwise
    Leverage Pnl           = Pnl Percent × Margin Ratio
    Leverage Pnl Quantile  = rank(user.Leverage Pnl) / Total User Count

The margin ratio is the maintenance rate times the effective leverage (notional / margin balance),
so for a position in profit this is "PnL ratio × effective leverage", the ranking of Binance's
2019 FAQ text and of Binance JEX (https://jexhelp.zendesk.com/hc/en-us/articles/360015310471),
scaled by the maintenance rate. The older text ranked positions at a loss by "PnL ratio ÷
effective leverage"; today's ``max(0, …)`` puts every position not in profit at zero, which is
what a real open AAPLUSDT long at a loss showed: ``"adlQuantile":0`` (2026-08-08, reference §2.1).

Displayed values (``GET /fapi/v1/adlQuantile`` [doc ADLQ], positionRisk ``adl``/``adlQuantile``):
0, 1, 2, 3, 4 "from low to high", i.e. the quintile 1..5 of the quantile, minus one. Longs rank
among longs and shorts among shorts (ADL closes the side opposite a bankrupt position).

How isomargin applies the per-user formula to positions (assumed; docs/COVERAGE.md):

- Wallet Balance of an ISOLATED position: its isolated wallet; of a CROSSED one: the account's
  cross wallet, with the position's own maintenance margin and PnL (the other cross positions are
  not netted in, as for the cross ``liquidationPrice``, service/positions.py).
- A crossed hedge-mode account with both legs open ranks both legs on their summed PnL and
  maintenance margin, and both show the higher of the two legs' quantiles (the doc: "a same value
  calculated on unrealized pnls on long and short sides' positions").
- The quantile of a position is the share of its side's positions (those at zero included) whose
  LeveragePnL is at or below its own: equal scores share a quantile (ties never depend on row
  order), and a position alone in profit on its side is first in the queue, 4.
- A position whose LeveragePnL is 0 (not in profit) shows 0, whatever its rank: ADL never takes it.
- Flat positions show 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from isomargin.domain.brackets import Bracket, maintenance_margin
from isomargin.domain.position import DECIMAL_CONTEXT

#: The queue is shown in quintiles: 0..4 [doc ADLQ].
QUINTILES = 5
_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class AdlPosition:
    """One position of a symbol as the ranking needs it."""

    account_id: int
    position_side: str  # BOTH | LONG | SHORT
    position_amt: Decimal  # signed: a short is negative
    entry_price: Decimal
    #: the collateral the formula calls Wallet Balance: the isolated wallet, or the cross wallet
    wallet: Decimal
    crossed: bool


def leverage_pnl(unrealized_pnl: Decimal, wallet: Decimal, maint_margin: Decimal) -> Decimal:
    """Binance's LeveragePnL (module docstring): PnL percent × margin ratio; 0 unless in profit."""
    with localcontext(DECIMAL_CONTEXT):
        return _leverage_pnl(unrealized_pnl, wallet, maint_margin)


def _leverage_pnl(unrealized_pnl: Decimal, wallet: Decimal, maint_margin: Decimal) -> Decimal:
    """:func:`leverage_pnl` in the caller's context (the ranking sets it once, not per position)."""
    margin_balance = wallet + unrealized_pnl
    if unrealized_pnl <= 0 or margin_balance <= 0:
        return _ZERO
    return unrealized_pnl / max(_ONE, wallet) * (maint_margin / margin_balance)


def quantiles(scores: Sequence[Decimal]) -> list[int]:
    """The displayed quantile (0..4) of each score among ``scores`` (one side of one symbol).

    ``rank / count`` with rank = how many scores are at or below this one, so the highest score
    has 1; quintile ``ceil(5 × rank / count)`` shown minus one. A score of 0 shows 0.
    """
    count = len(scores)
    ordered = sorted(scores)
    result = []
    at_or_below = 0
    rank_of: dict[Decimal, int] = {}
    for index, score in enumerate(ordered):
        # the last index of a run of equal scores is the rank every one of them gets
        if index + 1 == count or ordered[index + 1] != score:
            at_or_below = index + 1
            rank_of[score] = at_or_below
    for score in scores:
        if score <= 0:
            result.append(0)
            continue
        rank = rank_of[score]
        result.append(-(-QUINTILES * rank // count) - 1)  # ceil(5 × rank / count) − 1, in integers
    return result


def _scores(positions: Sequence[AdlPosition], mark: Decimal, brackets: Sequence[Bracket]) -> list[Decimal]:
    """Each open position's LeveragePnL, crossed hedge pairs scored on their sums.

    The maintenance margin (a bracket lookup) is only computed for a position in profit: any other
    scores 0 whatever it is. Runs once per symbol and price move over every position (O(n)).
    """
    legs: dict[int, list[int]] = {}
    for index, p in enumerate(positions):
        if p.crossed and p.position_side != "BOTH":
            legs.setdefault(p.account_id, []).append(index)
    pairs = {index: pair for pair in legs.values() if len(pair) == 2 for index in pair}
    scores = []
    with localcontext(DECIMAL_CONTEXT):
        pnl = [p.position_amt * (mark - p.entry_price) for p in positions]
        for index, p in enumerate(positions):
            pair = pairs.get(index)
            if pair is None:
                profit = pnl[index]
                if profit <= 0:
                    scores.append(_ZERO)
                    continue
                mm = maintenance_margin(brackets, abs(p.position_amt) * mark)
            else:
                profit = pnl[pair[0]] + pnl[pair[1]]
                if profit <= 0:
                    scores.append(_ZERO)
                    continue
                mm = sum((maintenance_margin(brackets, abs(positions[i].position_amt) * mark) for i in pair), _ZERO)
            scores.append(_leverage_pnl(profit, p.wallet, mm))
    return scores


def rank(positions: Iterable[AdlPosition], mark: Decimal, brackets: Sequence[Bracket]) -> dict[tuple[int, str], int]:
    """Every position's displayed quantile, keyed by (account id, position side); flat ones 0."""
    result: dict[tuple[int, str], int] = {}
    open_positions = []
    for p in positions:
        result[(p.account_id, p.position_side)] = 0
        if p.position_amt != 0:
            open_positions.append(p)
    scores = _scores(open_positions, mark, brackets)
    for long_side in (True, False):
        members = [i for i, p in enumerate(open_positions) if (p.position_amt > 0) is long_side]
        for index, quantile in zip(members, quantiles([scores[i] for i in members]), strict=True):
            p = open_positions[index]
            result[(p.account_id, p.position_side)] = quantile
    # a crossed hedge pair with both legs open shows one value on both: the higher of the two
    crossed_legs = {(p.account_id, p.position_side) for p in open_positions if p.crossed}
    for account_id, side in crossed_legs:
        if side == "LONG" and (account_id, "SHORT") in crossed_legs:
            both = max(result[(account_id, "LONG")], result[(account_id, "SHORT")])
            result[(account_id, "LONG")] = result[(account_id, "SHORT")] = both
    return result


def refresh_due(ranked_at: int | None, now_ms: int, interval_ms: int) -> bool:
    """Whether a symbol last ranked at ``ranked_at`` (server ms; None: never) is ranked again now.

    Binance: the quantile "is updated every 30s" [doc ADLQ], not at every tick, and the ranking
    walks every position of the symbol (O(n)), so a tick must not pay for it each time. A symbol
    is ranked at most once per ``interval_ms`` of server time (``adlRefreshMs``; 0: at every
    move). A clock set back before the last ranking (``PUT /_isomargin/v1/clock``) makes it due
    at once rather than only after the clock has caught up again (assumed).
    """
    return ranked_at is None or now_ms < ranked_at or now_ms - ranked_at >= interval_ms


#: ``symbolAdlRisk`` thresholds on the insurance fund's cover of the open interest (assumed).
LOW_RISK_COVER = Decimal("0.01")
MEDIUM_RISK_COVER = Decimal("0.001")


def adl_risk(fund: Decimal, open_interest: Decimal) -> str:
    """``adlRisk`` of a symbol: ``low``, ``medium`` or ``high`` [doc ADLR].

    Binance rates "the likelihood of ADL being triggered when liquidation occurs" from the fund's
    balance, position concentration, book depth, volatility, leverage, unrealized PnL and margin
    use, with no formula. isomargin has no book depth or volatility, and rates the cover of the
    open interest (notional at the mark, the larger side) by the symbol's insurance fund (assumed):
    no open interest, or a fund of at least 1% of it: low; at least 0.1%: medium; less (an empty
    fund included): high."""
    if open_interest <= 0:
        return "low"
    with localcontext(DECIMAL_CONTEXT):
        cover = fund / open_interest
    if cover >= LOW_RISK_COVER:
        return "low"
    return "medium" if cover >= MEDIUM_RISK_COVER else "high"
