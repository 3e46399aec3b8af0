"""Liquidation price and maintenance margin golden vectors, through the API, with symbol files.

- The real captured GASUSDT short (Binance reference notes §6.4): entry 8.616, mark 8.736, 15x,
  isolatedWallet 1.57109202, MMR 0.015, cum 0 → isolatedMargin 1.45109202, liquidationPrice 10.03654386.
- Binance's liquidation FAQ [FAQ-LIQ] (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93)
  with its BTCUSDT tiers of the time: "264,000 USDT → MMR 1%", "500,000 USDT → maintenance amount
  1,300", "250,000 × (1% − 0.5%) + 50 = 1,300", and "if the notional at LP falls in another tier,
  recompute with that tier".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from isomargin.domain.brackets import DEFAULT_BRACKETS
from isomargin.symbols import load_symbols
from tests.api.surface_support import api_with_symbols, ok, risk

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "symbols.yaml"

# The FAQ's BTCUSDT tiers (the ~2021 snapshot in reference §6.6: 125x/0–50k/0.004, 100x/–250k/0.005,
# 50x/–3M/0.01, 20x/–20M/0.025; the later tiers are unknown and left out). cum is left out on
# purpose: the server derives it with the FAQ's recursion.
FAQ_SYMBOLS = """
BTCUSDT:
  baseAsset: BTC
  quoteAsset: USDT
  defaultMarkPrice: "50000"
  brackets:
    - {bracket: 1, initialLeverage: 125, notionalFloor: 0, notionalCap: 50000, maintMarginRatio: 0.004}
    - {bracket: 2, initialLeverage: 100, notionalFloor: 50000, notionalCap: 250000, maintMarginRatio: 0.005}
    - {bracket: 3, initialLeverage: 50, notionalFloor: 250000, notionalCap: 3000000, maintMarginRatio: 0.01}
    - {bracket: 4, initialLeverage: 20, notionalFloor: 3000000, notionalCap: 20000000, maintMarginRatio: 0.025}
"""


def test_example_symbols_file_loads_and_matches_the_reference_tables() -> None:
    symbols = load_symbols(EXAMPLE)
    assert list(symbols) == ["BTCUSDT", "ETHUSDT", "GASUSDT"]
    assert symbols["BTCUSDT"].brackets == DEFAULT_BRACKETS["BTCUSDT"]
    # ETHUSDT's cum values are left out of the file; derived, they equal the published ones
    assert symbols["ETHUSDT"].brackets == DEFAULT_BRACKETS["ETHUSDT"]
    (gas,) = symbols["GASUSDT"].brackets
    assert (str(gas.maint_margin_ratio), gas.cum, symbols["GASUSDT"].quantity_precision) == ("0.015", 0, 1)


def test_a_symbols_file_breaking_the_tier_rules_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(FAQ_SYMBOLS.replace("notionalFloor: 250000", "notionalFloor: 260000"))
    with pytest.raises(ValueError, match="bracket 3"):
        load_symbols(bad)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{baseAsset: BTC}", "BTCUSDT: missing 'brackets'"),
        ("[1, 2]", "BTCUSDT: expected a mapping of settings"),
        ("{brackets: [{bracket: 1, initialLeverage: x}]}", "BTCUSDT: invalid literal"),
        (
            "{brackets: [{bracket: 1, initialLeverage: 20, notionalFloor: 0, notionalCap: lots, maintMarginRatio: 0}]}",
            "BTCUSDT: ",
        ),
    ],
)
def test_a_malformed_symbols_file_is_one_error_naming_file_and_symbol(tmp_path: Path, body: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"BTCUSDT: {body}\n")
    with pytest.raises(ValueError, match=f"^{bad}: {message}"):
        load_symbols(bad)


@pytest.mark.parametrize(("dual", "side"), [(False, "BOTH"), (True, "SHORT")])
async def test_gasusdt_captured_short(tmp_path: Path, dual: bool, side: str) -> None:
    async with api_with_symbols(tmp_path, EXAMPLE.read_text()) as api:
        creds = await api.account("100", dual=dual)
        await api.position(creds, "GASUSDT", "-1", "8.616", leverage=15, side=side, isolatedWallet="1.57109202")
        await api.mark("GASUSDT", "8.736")
        (v2,) = [r for r in await risk(api, creds, 2, "GASUSDT") if r["positionSide"] == side]
        # upnl = −1 × (8.736 − 8.616) = −0.12; isolatedMargin = 1.57109202 − 0.12 = 1.45109202
        # LP (short) = (WB + cum + Q×EP) / (Q × (1 + MMR)) = (1.57109202 + 0 + 8.616) / 1.015
        #            = 10.18709202 / 1.015 = 10.036543862… → 10.03654386
        assert {k: v2[k] for k in ("positionAmt", "entryPrice", "markPrice", "unRealizedProfit")} == {
            "positionAmt": "-1.0",
            "entryPrice": "8.616",
            "markPrice": "8.73600000",
            "unRealizedProfit": "-0.12000000",
        }
        assert (v2["isolatedWallet"], v2["isolatedMargin"], v2["liquidationPrice"]) == (
            "1.57109202",
            "1.45109202",
            "10.03654386",
        )
        assert (v2["leverage"], v2["maxNotionalValue"], v2["notional"]) == ("15", "5000", "-8.73600000")
        (v3,) = await risk(api, creds, 3)
        # MM = 8.736 × 0.015 − 0 = 0.13104; IM = 8.736 / 15 = 0.5824
        assert (v3["isolatedMargin"], v3["liquidationPrice"], v3["maintMargin"], v3["initialMargin"]) == (
            "1.45109202",
            "10.03654386",
            "0.13104000",
            "0.58240000",
        )
        (bracket,) = await ok(api, creds, "GET", "/fapi/v1/leverageBracket", symbol="GASUSDT")
        assert bracket == {
            "symbol": "GASUSDT",
            "brackets": [
                {
                    "bracket": 1,
                    "initialLeverage": 50,
                    "notionalCap": 5000,
                    "notionalFloor": 0,
                    "maintMarginRatio": 0.015,
                    "cum": 0,
                }
            ],
        }


async def test_hedge_legs_liquidate_independently(tmp_path: Path) -> None:
    async with api_with_symbols(tmp_path, EXAMPLE.read_text()) as api:
        creds = await api.account("100", dual=True)
        await api.position(creds, "GASUSDT", "1", "8.616", leverage=15, side="LONG", isolatedWallet="1")
        await api.position(creds, "GASUSDT", "-1", "8.616", leverage=15, side="SHORT", isolatedWallet="1.57109202")
        await api.mark("GASUSDT", "8.736")
        rows = {r["positionSide"]: r for r in await risk(api, creds, 3)}
        # LONG: (Q×EP − WB − cum) / (Q × (1 − MMR)) = (8.616 − 1) / 0.985 = 7.7319796954… → 7.73197970
        assert rows["LONG"]["liquidationPrice"] == "7.73197970"
        assert rows["LONG"]["isolatedMargin"] == "1.12000000"  # 1 + 1 × (8.736 − 8.616)
        # the SHORT leg is the captured vector, untouched by the LONG leg's wallet
        assert rows["SHORT"]["liquidationPrice"] == "10.03654386"
        # adding to the LONG leg moves only the LONG leg: (8.616 − 2) / 0.985 = 6.71675126…
        assert (await api.margin(creds, "1", 1, symbol="GASUSDT", side="LONG")).status_code == 200
        rows = {r["positionSide"]: r for r in await risk(api, creds, 3)}
        assert (rows["LONG"]["liquidationPrice"], rows["SHORT"]["liquidationPrice"]) == ("6.71675127", "10.03654386")


async def test_faq_brackets_cum_and_maintenance_margin(tmp_path: Path) -> None:
    async with api_with_symbols(tmp_path, FAQ_SYMBOLS) as api:
        creds = await api.account("200000")
        brackets = (await ok(api, creds, "GET", "/fapi/v1/leverageBracket", symbol="BTCUSDT"))[0]["brackets"]
        # cum_n = floor_n × (MMR_n − MMR_n−1) + cum_n−1: 0; 50000 × 0.001 = 50;
        # "250,000 × (1% − 0.5%) + 50 = 1,300"; 3,000,000 × 1.5% + 1,300 = 46,300
        assert [b["cum"] for b in brackets] == [0, 50, 1300, 46300]

        # "264,000 USDT → MMR 1%": 5.28 BTC at 50,000, 5x (iw 52,800): MM = 264,000 × 0.01 − 1,300 = 1,340
        await api.position(creds, "BTCUSDT", "5.28", "50000", leverage=5)
        await api.mark("BTCUSDT", "50000")
        (row,) = await risk(api, creds, 3)
        assert (row["notional"], row["maintMargin"], row["isolatedWallet"]) == (
            "264000.00000000",
            "1340.00000000",
            "52800.00000000",
        )
        # LP with tier 3 (entry notional 264,000): (264,000 − 52,800 − 1,300) / (5.28 × 0.99) = 40155.34…
        # → notional 212,020 < 250,000 falls in tier 2, so recompute with MMR 0.005, cum 50:
        # (264,000 − 52,800 − 50) / (5.28 × 0.995) = 211,150 / 5.2536 = 40191.48774173… (notional 212,211: tier 2)
        assert row["liquidationPrice"] == "40191.48774174"


async def test_faq_maintenance_amount_at_500000(tmp_path: Path) -> None:
    async with api_with_symbols(tmp_path, FAQ_SYMBOLS) as api:
        creds = await api.account("200000")
        # "500,000 USDT → maintenance amount 1,300": 10 BTC at 50,000, 10x (iw 50,000)
        await api.position(creds, "BTCUSDT", "10", "50000", leverage=10)
        await api.mark("BTCUSDT", "50000")
        (row,) = await risk(api, creds, 3)
        # MM = 500,000 × 0.01 − 1,300 = 3,700
        assert row["maintMargin"] == "3700.00000000"
        # LP = (500,000 − 50,000 − 1,300) / (10 × 0.99) = 448,700 / 9.9 = 45323.2323… (notional 453,232: tier 3)
        assert row["liquidationPrice"] == "45323.23232323"
        (v2,) = await risk(api, creds, 2)
        assert v2["maxNotionalValue"] == "20000000"  # 10x: the last tier allowing it (20x) caps at 20M


def test_example_file_serves_through_the_cli_loader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ISOMARGIN_SYMBOLS`` points the server at the file, as ``--symbols`` does."""
    from isomargin.config import settings_from_env

    monkeypatch.setenv("ISOMARGIN_SYMBOLS", str(EXAMPLE))
    settings = settings_from_env(db_url=f"sqlite:///{tmp_path}/x.db")
    assert sorted(settings.symbols) == ["BTCUSDT", "ETHUSDT", "GASUSDT"]


async def test_default_leverage_respects_a_low_symbol_maximum(tmp_path: Path) -> None:
    """A symbol capped at 10x starts at 10x, not Binance's usual 20x (which it could not allow)."""
    capped = """
LOWUSDT:
  baseAsset: LOW
  quoteAsset: USDT
  brackets:
    - {bracket: 1, initialLeverage: 10, notionalFloor: 0, notionalCap: 5000, maintMarginRatio: 0.02}
    - {bracket: 2, initialLeverage: 5, notionalFloor: 5000, notionalCap: 20000, maintMarginRatio: 0.05}
"""
    async with api_with_symbols(tmp_path, capped) as api:
        creds = await api.account("100")
        (row,) = await ok(api, creds, "GET", "/fapi/v1/symbolConfig")
        # 10x: only tier 1 allows it, capped at 5,000
        assert (row["leverage"], row["maxNotionalValue"]) == (10, "5000")
        r = await api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "LOWUSDT", "leverage": "11"})
        assert (r.status_code, r.json()) == (400, {"code": -4028, "msg": "Leverage 11 is not valid"})
