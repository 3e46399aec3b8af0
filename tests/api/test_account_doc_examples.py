"""Binance's own doc examples reproduced: the same inputs give the same strings.

[PR2] hedge row: 0.001 BTCUSDT long, entry 22185.2, mark 21123.05052574.
[PR3] one-way row: 30 ADAUSDT, entry 0.385, mark 0.41047590, 20x, with the doc's own example tier
of /fapi/v1/leverageBracket [LB] (75x, cap 10,000, MMR 0.0065, cum 0).
The doc rows are cross positions; isomargin opens isolated ones, so only the fields that do not
depend on the margin type are compared (and breakEvenPrice, which carries Binance's fees).
"""

from __future__ import annotations

from pathlib import Path

from tests.api.surface_support import api_with_symbols, risk
from tests.support import Api

ADA = """
ADAUSDT:
  baseAsset: ADA
  quoteAsset: USDT
  defaultMarkPrice: "0.4"
  pricePrecision: 5
  quantityPrecision: 0
  tickSize: "0.00001"
  stepSize: "1"
  minQty: "1"
  brackets:
    - {bracket: 1, initialLeverage: 75, notionalFloor: 0, notionalCap: 10000, maintMarginRatio: 0.0065, cum: 0}
"""


async def test_position_risk_v2_hedge_example(api: Api) -> None:
    creds = await api.account("1000", dual=True)
    await api.position(creds, "BTCUSDT", "0.001", "22185.2", leverage=4, side="LONG")
    await api.mark("BTCUSDT", "21123.05052574")
    long, short = await risk(api, creds, 2, "BTCUSDT")
    # upnl = 0.001 × (21123.05052574 − 22185.2) = −1.06214947426 → "-1.06214947"
    # notional = 0.001 × 21123.05052574 = 21.12305052574 → "21.12305052" (cut, not rounded)
    assert {k: long[k] for k in ("positionAmt", "entryPrice", "markPrice", "unRealizedProfit", "notional")} == {
        "positionAmt": "0.001",
        "entryPrice": "22185.2",
        "markPrice": "21123.05052574",
        "unRealizedProfit": "-1.06214947",
        "notional": "21.12305052",
    }
    assert (long["leverage"], long["positionSide"], long["isAutoAddMargin"]) == ("4", "LONG", "false")
    # the doc's empty SHORT row, field for field
    assert {k: short[k] for k in short if k not in ("symbol", "marginType", "maxNotionalValue")} == {
        "positionAmt": "0.000",
        "entryPrice": "0.0",
        "breakEvenPrice": "0.0",
        "markPrice": "21123.05052574",
        "unRealizedProfit": "0.00000000",
        "liquidationPrice": "0",
        "leverage": "4",
        "isolatedMargin": "0.00000000",
        "isAutoAddMargin": "false",
        "positionSide": "SHORT",
        "notional": "0",
        "isolatedWallet": "0",
        "updateTime": 0,
        # not in the doc example: every real v2 row ends with these (audit #5)
        "isolated": True,
        "adlQuantile": 0,
    }


async def test_position_risk_v3_one_way_example(tmp_path: Path) -> None:
    async with api_with_symbols(tmp_path, ADA) as api:
        creds = await api.account("100")
        await api.position(creds, "ADAUSDT", "30", "0.385", leverage=20)
        await api.mark("ADAUSDT", "0.41047590")
        (row,) = await risk(api, creds, 3)
        # upnl = 30 × (0.4104759 − 0.385) = 0.764277; notional = 30 × 0.4104759 = 12.314277
        # IM = 12.314277 / 20 = 0.61571385; MM = 12.314277 × 0.0065 − 0 = 0.0800428005 → 0.08004280
        expected = {
            "symbol": "ADAUSDT",
            "positionSide": "BOTH",
            "positionAmt": "30",
            "entryPrice": "0.385",
            "markPrice": "0.41047590",
            "unRealizedProfit": "0.76427700",
            "notional": "12.31427700",
            "marginAsset": "USDT",
            "initialMargin": "0.61571385",
            "maintMargin": "0.08004280",
            "positionInitialMargin": "0.61571385",
            "openOrderInitialMargin": "0",
            "bidNotional": "0",
            "askNotional": "0",
        }
        assert {k: row[k] for k in expected} == expected


COMP = """
COMPUSDT:
  baseAsset: COMP
  quoteAsset: USDT
  defaultMarkPrice: "50"
  pricePrecision: 2
  quantityPrecision: 3
  tickSize: "0.01"
  stepSize: "0.001"
  minQty: "0.001"
  brackets:
    - {bracket: 1, initialLeverage: 20, notionalFloor: 0, notionalCap: 10000, maintMarginRatio: 0.01, cum: 0}
"""


async def test_position_risk_v3_hedge_example_cuts_margins(tmp_path: Path) -> None:
    """[PR3] hedge row: short 1 COMPUSDT, entry 70.92841, mark 49.72023376, 20x, MMR 0.01.

    Binance cuts initialMargin and maintMargin to 8 decimals, it does not round them.
    """
    async with api_with_symbols(tmp_path, COMP) as api:
        creds = await api.account("1000", dual=True)
        await api.position(creds, "COMPUSDT", "1", "70.92841", leverage=20, side="SHORT")
        await api.mark("COMPUSDT", "49.72023376")
        (row,) = await risk(api, creds, 3)
        # upnl = -1 × (49.72023376 − 70.92841) = 21.20817624
        # IM = 49.72023376 / 20 = 2.486011688 → "2.48601168" (rounding would give ...69)
        # MM = 49.72023376 × 0.01 = 0.4972023376 → "0.49720233" (rounding would give ...34)
        expected = {
            "positionSide": "SHORT",
            "positionAmt": "-1.000",
            "entryPrice": "70.92841",
            "markPrice": "49.72023376",
            "unRealizedProfit": "21.20817624",
            "notional": "-49.72023376",
            "initialMargin": "2.48601168",
            "maintMargin": "0.49720233",
            "positionInitialMargin": "2.48601168",
        }
        assert {k: row[k] for k in expected} == expected
