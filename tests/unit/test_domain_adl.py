"""ADL ranking (domain/adl.py): Binance's LeveragePnL, quintiles per symbol and side; worked by hand."""

from __future__ import annotations

from decimal import Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from isomargin.domain import adl
from isomargin.domain.adl import AdlPosition, adl_risk, leverage_pnl, quantiles, rank
from isomargin.domain.brackets import Bracket
from isomargin.domain.position import DECIMAL_CONTEXT

#: one tier, MMR 1% and no cum: maintenance margin = 1% of the notional at the mark
ONE_PERCENT = (Bracket(1, 100, Decimal(0), Decimal(10**9), Decimal("0.01"), Decimal(0)),)
MARK = Decimal(110)


def _q(numerator: str, denominator: str) -> Decimal:
    with localcontext(DECIMAL_CONTEXT):
        return Decimal(numerator) / Decimal(denominator)


def _long(account_id: int, entry: str, wallet: str, amt: str = "1", *, side: str = "BOTH") -> AdlPosition:
    return AdlPosition(account_id, side, Decimal(amt), Decimal(entry), Decimal(wallet), crossed=False)


def _short(account_id: int, entry: str, wallet: str, amt: str = "1", *, side: str = "BOTH") -> AdlPosition:
    return AdlPosition(account_id, side, -Decimal(amt), Decimal(entry), Decimal(wallet), crossed=False)


def test_leverage_pnl_is_pnl_percent_times_margin_ratio() -> None:
    # 1 long @ 100, wallet 10, mark 110: PnL 10, PnL% = 10 / max(1, 10) = 1; MM = 110 × 1% = 1.1;
    # margin ratio = 1.1 / (10 + 10) = 0.055; LeveragePnL = 0.055
    assert leverage_pnl(Decimal(10), Decimal(10), Decimal("1.1")) == Decimal("0.055")
    # a wallet under 1 counts as 1: PnL% = 2 / 1 = 2; ratio = 0.3 / 2.5 = 0.12; 0.24
    assert leverage_pnl(Decimal(2), Decimal("0.5"), Decimal("0.3")) == Decimal("0.24")
    # not in profit: max(0, PnL) = 0, whatever the leverage
    assert leverage_pnl(Decimal(-10), Decimal(10), Decimal("1.1")) == 0
    assert leverage_pnl(Decimal(0), Decimal(10), Decimal("1.1")) == 0


def test_five_longs_fill_the_five_quintiles() -> None:
    positions = [
        _long(1, "100", "10"),  # PnL 10, PnL% 1, ratio 1.1/20 = 0.055      → 0.055
        _long(2, "100", "50"),  # PnL 10, PnL% 0.2, ratio 1.1/60            → 0.00366…
        _long(3, "105", "10"),  # PnL 5, PnL% 0.5, ratio 1.1/15             → 0.0366…
        _long(4, "120", "20"),  # PnL −10: not in profit                    → 0
        _long(5, "90", "5"),  # PnL 20, PnL% 4, ratio 1.1/25 = 0.044        → 0.176
    ]
    # ascending: 4 (0), 2, 3, 1, 5 → ranks 1..5 of 5 → quintiles 1..5 shown 0..4; the one at 0 shows 0
    assert rank(positions, MARK, ONE_PERCENT) == {
        (4, "BOTH"): 0,
        (2, "BOTH"): 1,
        (3, "BOTH"): 2,
        (1, "BOTH"): 3,
        (5, "BOTH"): 4,
    }
    # the same PnL on five times the margin ranks lower (account 2 below account 1): leverage counts
    # 0.2 × 1.1/60 = 1.1/300 (two roundings at 34 digits: equal to 1e-33)
    assert abs(leverage_pnl(Decimal(10), Decimal(50), Decimal("1.1")) - _q("1.1", "300")) < Decimal("1e-33")
    assert leverage_pnl(Decimal(10), Decimal(50), Decimal("1.1")) < leverage_pnl(
        Decimal(10), Decimal(10), Decimal("1.1")
    )


def test_longs_and_shorts_rank_apart() -> None:
    positions = [
        _long(1, "100", "10"),  # the only long in profit, and the only long
        _short(2, "120", "10"),  # short @ 120, mark 110: PnL 10, same numbers as account 1 → 0.055
        _short(3, "100", "10"),  # short at a loss → 0
    ]
    # longs: one of one → rank 1/1 → 4; shorts: account 3 (0) then account 2 → rank 2/2 → 4
    assert rank(positions, MARK, ONE_PERCENT) == {(1, "BOTH"): 4, (2, "BOTH"): 4, (3, "BOTH"): 0}


def test_equal_scores_share_the_higher_rank_and_flat_shows_zero() -> None:
    positions = [
        _long(1, "100", "10"),
        _long(2, "100", "10"),  # the same position as account 1
        _long(3, "100", "50"),  # lower
        AdlPosition(4, "BOTH", Decimal(0), Decimal(0), Decimal(0), crossed=False),  # flat: not ranked
    ]
    # ranks among the 3 open: account 3 → 1/3 → ceil(5/3) − 1 = 1; accounts 1 and 2 → 3/3 → 4
    assert rank(positions, MARK, ONE_PERCENT) == {(1, "BOTH"): 4, (2, "BOTH"): 4, (3, "BOTH"): 1, (4, "BOTH"): 0}
    # ties never depend on the order rows come in
    assert rank(reversed(positions), MARK, ONE_PERCENT) == rank(positions, MARK, ONE_PERCENT)


def test_ten_scores_two_per_quintile() -> None:
    assert quantiles([Decimal(n) for n in range(1, 11)]) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert quantiles([Decimal(n) for n in range(10, 0, -1)]) == [4, 4, 3, 3, 2, 2, 1, 1, 0, 0]
    assert quantiles([]) == []


def test_a_crossed_hedge_pair_is_scored_on_its_sums_and_shows_one_value() -> None:
    cross_wallet = "1000"
    pair = [
        AdlPosition(7, "LONG", Decimal(1), Decimal(100), Decimal(cross_wallet), crossed=True),  # PnL +10
        AdlPosition(7, "SHORT", Decimal(-1), Decimal(105), Decimal(cross_wallet), crossed=True),  # PnL −5
    ]
    others = [
        _long(1, "100", "10"),  # 0.055
        _short(2, "120", "10"),  # 0.055
        _short(3, "100", "10"),  # at a loss: 0
    ]
    # the pair: PnL 10 − 5 = 5, MM 1.1 + 1.1 = 2.2: 5/1000 × 2.2/1005 = 0.0000109… on both legs
    # longs: pair (rank 1/2 → ceil(2.5) − 1 = 2), account 1 (2/2 → 4)
    # shorts: account 3 (0), pair (2/3 → ceil(10/3) − 1 = 3), account 2 (3/3 → 4)
    # the pair shows the higher of its legs' quantiles on both: 3
    assert rank([*pair, *others], MARK, ONE_PERCENT) == {
        (7, "LONG"): 3,
        (7, "SHORT"): 3,
        (1, "BOTH"): 4,
        (2, "BOTH"): 4,
        (3, "BOTH"): 0,
    }
    # a leg whose other leg is flat is ranked on its own PnL: 10/1000 × 1.1/1010 = 0.0000108…,
    # below account 1's 0.055 → rank 1/2 → 2
    assert rank([pair[0], others[0]], MARK, ONE_PERCENT) == {(7, "LONG"): 2, (1, "BOTH"): 4}


def test_an_isolated_hedge_pair_ranks_each_leg_on_its_own() -> None:
    legs = [
        _long(7, "100", "10", side="LONG"),  # 0.055, the only long → 4
        _short(7, "105", "10", side="SHORT"),  # at a loss → 0
    ]
    assert rank(legs, MARK, ONE_PERCENT) == {(7, "LONG"): 4, (7, "SHORT"): 0}


@given(st.lists(st.decimals(min_value=0, max_value=1000, places=4), min_size=1, max_size=60))
def test_quantiles_follow_the_scores(scores: list[Decimal]) -> None:
    shown = quantiles(scores)
    assert all(0 <= q <= 4 for q in shown)
    for a, qa in zip(scores, shown, strict=True):
        assert (qa == 0) if a == 0 else True
        for b, qb in zip(scores, shown, strict=True):
            if a == b:
                assert qa == qb  # equal scores, equal quantile
            elif 0 < a < b:
                assert qa <= qb  # a higher score is never further back in the queue
    assert max(shown) == (4 if max(scores) > 0 else 0)  # the best position in profit is first


def test_adl_risk_from_the_funds_cover_of_the_open_interest() -> None:
    assert adl_risk(Decimal(0), Decimal(0)) == "low"  # nothing open: nothing to deleverage
    assert adl_risk(Decimal(100), Decimal(10_000)) == "low"  # 1%
    assert adl_risk(Decimal("99.99"), Decimal(10_000)) == "medium"  # just under 1%
    assert adl_risk(Decimal(10), Decimal(10_000)) == "medium"  # 0.1%
    assert adl_risk(Decimal("9.99"), Decimal(10_000)) == "high"
    assert adl_risk(Decimal(0), Decimal(1)) == "high"  # an empty fund under any open interest
    assert adl_risk(Decimal(-5), Decimal(10_000)) == "high"  # a fund paid out past zero


def test_a_symbol_is_ranked_again_once_its_interval_is_up() -> None:
    assert adl.refresh_due(None, 5, 30_000)  # never ranked
    assert not adl.refresh_due(1_000, 30_999, 30_000)  # 29.999 s after
    assert adl.refresh_due(1_000, 31_000, 30_000)  # 30 s after
    assert adl.refresh_due(1_000, 1_000, 0)  # interval 0: every move
    assert adl.refresh_due(1_000, 999, 30_000)  # the clock was set back before the ranking
