"""The one position-change path (domain.changes): worked examples and the money invariant."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from isomargin.domain.changes import (
    DeltaType,
    Fill,
    FundingPayment,
    HistoryEntry,
    HistoryType,
    Holding,
    Liquidation,
    MarginTransfer,
    Outcome,
    WalletTransfer,
    apply,
)
from isomargin.domain.position import PositionSide

D = Decimal
LONG = Holding("BTCUSDT", PositionSide.BOTH, D("0.010"), D("50000"), D("50"))


def test_add_margin_moves_money_from_the_cross_wallet_only() -> None:
    out = apply(LONG, MarginTransfer(D("100"), add=True))
    assert out.after == Holding("BTCUSDT", PositionSide.BOTH, D("0.010"), D("50000"), D("150"))
    assert out.cross_wallet_delta == D("-100")
    assert out.wallet_balance_delta == 0
    assert out.history == (HistoryEntry(HistoryType.ADD, DeltaType.USER_ADJUST, D("100")),)


def test_reduce_margin_returns_it_and_records_a_type_2_row() -> None:
    out = apply(LONG, MarginTransfer(D("20.5"), add=False))
    assert out.after.isolated_wallet == D("29.5")
    assert out.cross_wallet_delta == D("20.5")
    # the reduced amount is booked negative, as every real type-2 row shows (audit #4)
    assert out.history == (HistoryEntry(HistoryType.REDUCE, DeltaType.USER_ADJUST, D("-20.5")),)


def test_a_transfer_of_nothing_is_not_a_change() -> None:
    with pytest.raises(ValueError):
        apply(LONG, MarginTransfer(D("0"), add=True))


def test_opening_fill_allocates_notional_over_leverage_rounded_up_and_pays_the_fee_from_it() -> None:
    # 0.003 × 33333.33 / 7 = 14.28571285714… → rounded UP to 14.28571286; fee 0.04 leaves iw 14.24571286
    out = apply(Holding.flat("BTCUSDT", PositionSide.BOTH), Fill(D("0.003"), D("33333.33"), 7, commission=D("0.04")))
    assert out.after == Holding("BTCUSDT", PositionSide.BOTH, D("0.003"), D("33333.33000000"), D("14.24571286"))
    assert out.cross_wallet_delta == D("-14.28571286")
    assert out.wallet_balance_delta == D("-0.04")
    assert out.history == (HistoryEntry(HistoryType.ADD, DeltaType.TRADE, D("14.28571286")),)


def test_increase_averages_the_entry_price() -> None:
    # (0.010 × 50000 + 0.030 × 52000) / 0.040 = (500 + 1560) / 0.04 = 51500; margin 0.03 × 52000 / 10 = 156
    out = apply(LONG, Fill(D("0.030"), D("52000"), 10))
    assert out.after.position_amt == D("0.040")
    assert out.after.entry_price == D("51500")
    assert out.after.isolated_wallet == D("206")
    assert out.cross_wallet_delta == D("-156")


def test_partial_close_releases_a_proportional_share_and_books_pnl_and_fee() -> None:
    # sell 0.004 of 0.010 at 51000: released 50 × 0.4 = 20; pnl (51000 − 50000) × 0.004 = 4; fee 0.1
    out = apply(LONG, Fill(D("-0.004"), D("51000"), 10, commission=D("0.1")))
    assert out.after == Holding("BTCUSDT", PositionSide.BOTH, D("0.006"), D("50000"), D("30"))
    assert (out.realized_pnl, out.commission) == (D("4"), D("0.1"))
    assert out.cross_wallet_delta == D("23.9")  # 20 + 4 − 0.1
    assert out.history == (HistoryEntry(HistoryType.REDUCE, DeltaType.TRADE, D("-20")),)


def test_full_close_of_a_short_returns_the_whole_wallet() -> None:
    short = Holding("ETHUSDT", PositionSide.SHORT, D("-2"), D("3000"), D("300"))
    # buy back 2 at 3100: pnl (3100 − 3000) × 2 × −1 = −200; all 300 released
    out = apply(short, Fill(D("2"), D("3100"), 20))
    assert out.after == Holding("ETHUSDT", PositionSide.SHORT, D("0"), D("0"), D("0"))
    assert out.cross_wallet_delta == D("100")  # 300 − 200
    assert out.realized_pnl == D("-200")


def test_flip_closes_then_opens_the_rest_at_the_fill_price() -> None:
    # sell 0.015 against long 0.010 @ 50000 at 49000: close (pnl −10, release 50), open short 0.005,
    # margin 0.005 × 49000 / 10 = 24.5
    out = apply(LONG, Fill(D("-0.015"), D("49000"), 10, commission=D("0.5")))
    assert out.after == Holding("BTCUSDT", PositionSide.BOTH, D("-0.005"), D("49000.00000000"), D("24.5"))
    assert out.realized_pnl == D("-10")
    assert out.cross_wallet_delta == D("50") - D("10") - D("0.5") - D("24.5")
    assert [h.type for h in out.history] == [HistoryType.REDUCE, HistoryType.ADD]


def test_a_decree_is_a_fill_whose_trade_row_is_the_wallet_it_was_given() -> None:
    # the control plane's open: 0.01 @ 50000 at 10x would allocate 50, but isolatedWallet 80 was
    # asked for; 80 leaves the cross wallet and the TRADE type-1 row says 80 (reference §2.2)
    out = apply(Holding.flat("BTCUSDT", PositionSide.BOTH), Fill(D("0.01"), D("50000"), 10, margin=D("80")))
    assert out.after.isolated_wallet == D("80") and out.cross_wallet_delta == D("-80")
    assert out.history == (HistoryEntry(HistoryType.ADD, DeltaType.TRADE, D("80")),)
    assert out.commission == 0 and out.realized_pnl == 0


def test_cross_fills_hold_no_isolated_wallet() -> None:
    flat = Holding.flat("BTCUSDT", PositionSide.BOTH)
    opened = apply(flat, Fill(D("0.01"), D("50000"), 10, isolated=False, commission=D("0.25")))
    assert opened.after.isolated_wallet == 0 and opened.cross_wallet_delta == D("-0.25")
    closed = apply(opened.after, Fill(D("-0.01"), D("50100"), 10, isolated=False, commission=D("0.25")))
    assert closed.after.position_amt == 0 and closed.cross_wallet_delta == D("1") - D("0.25")


def _invariant(out: Outcome) -> None:
    assert out.wallet_balance_delta == (out.realized_pnl - out.commission + out.transfer - out.insurance + out.funding)


quantities = st.decimals(min_value=D("-5"), max_value=D("5"), places=3).filter(lambda q: q != 0)
prices = st.decimals(min_value=D("0.01"), max_value=D("200000"), places=2)


@given(
    steps=st.lists(
        st.tuples(quantities, prices, st.integers(1, 125), st.decimals(min_value=0, max_value=D("5"), places=8)),
        min_size=1,
        max_size=12,
    ),
    isolated=st.booleans(),
)
def test_wallet_balance_moves_only_by_pnl_and_fees(
    steps: list[tuple[Decimal, Decimal, int, Decimal]], isolated: bool
) -> None:
    holding = Holding.flat("BTCUSDT", PositionSide.BOTH)
    for quantity, price, leverage, fee in steps:
        out = apply(holding, Fill(quantity, price, leverage, isolated=isolated, commission=fee))
        _invariant(out)
        assert out.after.position_amt == holding.position_amt + quantity
        assert out.after.isolated_wallet.as_tuple().exponent >= -8  # storable exactly at 8 decimals
        assert out.after.entry_price.as_tuple().exponent >= -8
        if out.after.position_amt == 0:
            assert out.after.isolated_wallet == 0 and out.after.entry_price == 0
        holding = out.after
    if holding.is_open:  # funding moves the wallet by exactly the payment
        funded = apply(holding, FundingPayment(D("-0.12345678"), isolated=isolated))
        _invariant(funded)
        assert funded.wallet_balance_delta == D("-0.12345678") and funded.after.position_amt == holding.position_amt
    if holding.is_open:  # and the engine liquidates what is left, at any price
        out = apply(holding, Liquidation(steps[-1][1], isolated=isolated, cross_clearance=D("1.5")))
        _invariant(out)
        assert not out.after.is_open
        if isolated:  # the user loses the isolated wallet and nothing else
            assert out.wallet_balance_delta == -holding.isolated_wallet and out.cross_wallet_delta == 0


def test_isolated_liquidation_by_hand() -> None:
    """0.01 BTC long from 50,000 with 25 of margin, liquidated at 47,600: the realized loss is 24,
    the 1 left of the wallet is the clearance fee, nothing returns to the cross wallet."""
    held = Holding("BTCUSDT", PositionSide.BOTH, D("0.010"), D("50000"), D("25"))
    out = apply(held, Liquidation(D("47600"), isolated=True))
    assert (out.realized_pnl, out.insurance, out.cross_wallet_delta) == (D("-24.00000"), D("1.00000"), 0)
    assert out.history == (HistoryEntry(HistoryType.REDUCE, DeltaType.TRADE, D("-25")),)
    short = Holding("BTCUSDT", PositionSide.SHORT, D("-0.010"), D("50000"), D("25"))
    gap = apply(short, Liquidation(D("52600"), isolated=True))  # past the bankruptcy price: the fund pays
    assert (gap.realized_pnl, gap.insurance) == (D("-26.00000"), D("-1.00000"))


@given(amount=st.decimals(min_value=D("0.00000001"), max_value=D("1000000"), places=8), add=st.booleans())
def test_transfers_never_change_the_wallet_balance(amount: Decimal, add: bool) -> None:
    out = apply(LONG, MarginTransfer(amount, add=add))
    _invariant(out)
    assert out.wallet_balance_delta == 0


def test_wallet_transfer_moves_only_the_cross_wallet() -> None:
    held = Holding("BTCUSDT", PositionSide.BOTH, Decimal("0.01"), Decimal("50000"), Decimal("25"))
    out = apply(held, WalletTransfer(Decimal("-20")))
    assert (out.after, out.cross_wallet_delta, out.transfer, out.wallet_only) == (
        held,
        Decimal("-20"),
        Decimal("-20"),
        True,
    )
    assert out.wallet_balance_delta == out.realized_pnl - out.commission + out.transfer
