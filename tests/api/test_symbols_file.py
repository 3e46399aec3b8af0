"""A symbols file is checked as a whole at start, and a stored state outliving it still answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from isomargin.symbols import load_symbols
from tests.api.surface_support import api_with_symbols, risk

TWO_TIERS = """
BTCUSDT:
  baseAsset: BTC
  quoteAsset: USDT
  defaultMarkPrice: "50000"
  brackets:
    - {{bracket: 1, initialLeverage: {top}, notionalFloor: 0, notionalCap: 50000, maintMarginRatio: 0.004{cum1}}}
    - {{bracket: 2, initialLeverage: 20, notionalFloor: 50000, notionalCap: 600000, maintMarginRatio: 0.005{cum2}}}
"""


def test_missing_cum_is_derived_given_cum_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "symbols.yaml"
    path.write_text(TWO_TIERS.format(top=125, cum1="", cum2=""))
    assert [b.cum for b in load_symbols(path)["BTCUSDT"].brackets] == [0, 50]  # 50000 × (0.5% − 0.4%)
    # tier 1 leaves cum out, tier 2 gives a wrong one: refused, not replaced by the derived 50
    path.write_text(TWO_TIERS.format(top=125, cum1="", cum2=", cum: 70"))
    with pytest.raises(ValueError, match="bracket 2"):
        load_symbols(path)


async def test_a_stored_leverage_above_a_lowered_maximum_is_capped(tmp_path: Path) -> None:
    async with api_with_symbols(tmp_path, TWO_TIERS.format(top=125, cum1="", cum2="")) as api:
        creds = await api.account("10000")
        r = await api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "BTCUSDT", "leverage": "100"})
        assert r.json()["leverage"] == 100
    # the operator lowers BTCUSDT's maximum to 50x; the account's stored 100x is above it
    async with api_with_symbols(tmp_path, TWO_TIERS.format(top=50, cum1="", cum2="")) as api:
        r = await api.signed("GET", "/fapi/v1/symbolConfig", creds)
        assert r.status_code == 200, r.text
        assert (r.json()[0]["leverage"], r.json()[0]["maxNotionalValue"]) == (50, "50000")
        (row,) = await risk(api, creds, 2, "BTCUSDT")
        assert (row["leverage"], row["maxNotionalValue"]) == ("50", "50000")
