"""The one rule for "stored, else default": mark prices and an account's symbol settings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from isomargin import errors
from isomargin.domain.brackets import max_leverage
from isomargin.service.context import ServiceContext
from isomargin.service.reads import SymbolConfig
from isomargin.service.symbol_state import config_or_default, mark_or_default
from isomargin.symbols import DEFAULT_SYMBOLS

BTC = DEFAULT_SYMBOLS["BTCUSDT"]
#: a symbol whose brackets stop at 10x, as a symbols file may configure
CAPPED = replace(BTC, symbol="CAPUSDT", brackets=tuple(b for b in BTC.brackets if b.initial_leverage <= 10))
CTX = ServiceContext({**DEFAULT_SYMBOLS, "CAPUSDT": CAPPED}, 0)


def test_a_stored_mark_price_wins_over_the_default() -> None:
    assert mark_or_default(BTC, Decimal("51000.1")) == Decimal("51000.1")
    assert mark_or_default(BTC, None) == BTC.default_mark_price


def test_a_symbol_never_configured_is_crossed_at_20x_or_its_maximum() -> None:
    assert config_or_default(CTX, "BTCUSDT", None) == SymbolConfig("BTCUSDT", "CROSSED", 20)
    assert max_leverage(CAPPED.brackets) == 10
    assert config_or_default(CTX, "CAPUSDT", None) == SymbolConfig("CAPUSDT", "CROSSED", 10)


def test_stored_settings_are_kept_with_leverage_capped_at_todays_maximum() -> None:
    stored = SymbolConfig("BTCUSDT", "ISOLATED", 7)
    assert config_or_default(CTX, "BTCUSDT", stored) is stored
    lowered = SymbolConfig("CAPUSDT", "ISOLATED", 50)  # set before the symbols file lowered the cap
    assert config_or_default(CTX, "CAPUSDT", lowered) == SymbolConfig("CAPUSDT", "ISOLATED", 10)


def test_an_unknown_symbol_is_binances_invalid_symbol() -> None:
    with pytest.raises(errors.ApiError) as raised:
        config_or_default(CTX, "NOPEUSDT", None)
    assert raised.value.code == errors.BAD_SYMBOL.code
