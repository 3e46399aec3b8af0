"""A position walked through open → add → mark move → reduce → mark move → reduce.

Each step reads positionRisk v2 and v3 and the balance and checks every number against arithmetic
done by hand in the comments. BTCUSDT tier 1 (notional < 50,000): MMR 0.004, cum 0 (reference §6.6).

Formulas: upnl = amt × (mark − entry); isolatedMargin = isolatedWallet + upnl [obs I239];
MM = |amt × mark| × MMR − cum [FAQ-LIQ]; long LP = (Q×EP − WB − cum) / (Q × (1 − MMR)) [FAQ-LIQ];
max removable = min(iw − MM, iw + upnl − |amt × mark| / leverage) [FAQ-ADJ].
"""

from __future__ import annotations

from typing import Any

from tests.api.surface_support import ok, risk
from tests.support import Api, Creds


async def read(api: Api, creds: Creds) -> dict[str, Any]:
    (v2,) = await risk(api, creds, 2, "BTCUSDT")
    (v3,) = await risk(api, creds, 3, "BTCUSDT")
    for field in ("isolatedWallet", "unRealizedProfit", "liquidationPrice", "markPrice", "notional"):
        assert v2[field] == v3[field], field
    assert v2["isolatedMargin"] == v3["isolatedMargin"]
    (balance,) = [r for r in await ok(api, creds, "GET", "/fapi/v2/balance") if r["asset"] == "USDT"]
    return {
        "iw": v3["isolatedWallet"],
        "im": v3["isolatedMargin"],
        "upnl": v3["unRealizedProfit"],
        "lp": v3["liquidationPrice"],
        "mm": v3["maintMargin"],
        "cross": balance["crossWalletBalance"],
        "wallet": balance["balance"],
    }


async def test_walk_through_add_mark_move_reduce(api: Api) -> None:
    creds = await api.account("10000")
    await api.mark("BTCUSDT", "50000")
    # open long 0.1 at 50,000, 10x: iw = 0.1 × 50,000 / 10 = 500, paid from the cross wallet
    await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=10)
    # MM = 5,000 × 0.004 = 20; LP = (5,000 − 500 − 0) / (0.1 × 0.996) = 4,500 / 0.0996 = 45180.722891566…
    assert await read(api, creds) == {
        "iw": "500.00000000",
        "im": "500.00000000",
        "upnl": "0.00000000",
        "lp": "45180.72289157",
        "mm": "20.00000000",
        "cross": "9500.00000000",
        "wallet": "10000.00000000",
    }

    # add 250: iw = 750, cross = 9,250; LP = (5,000 − 750) / 0.0996 = 4,250 / 0.0996 = 42670.682730923…
    assert (await api.margin(creds, "250", 1)).status_code == 200
    assert await read(api, creds) == {
        "iw": "750.00000000",
        "im": "750.00000000",
        "upnl": "0.00000000",
        "lp": "42670.68273092",
        "mm": "20.00000000",
        "cross": "9250.00000000",
        "wallet": "10000.00000000",
    }

    # mark falls to 48,000: upnl = 0.1 × (48,000 − 50,000) = −200; isolatedMargin = 750 − 200 = 550;
    # MM = 4,800 × 0.004 = 19.2; the liquidation price depends on the wallet, not the mark: unchanged
    await api.mark("BTCUSDT", "48000")
    assert await read(api, creds) == {
        "iw": "750.00000000",
        "im": "550.00000000",
        "upnl": "-200.00000000",
        "lp": "42670.68273092",
        "mm": "19.20000000",
        "cross": "9250.00000000",
        "wallet": "10000.00000000",
    }

    # max removable = min(750 − 19.2, 750 − 200 − 4,800 / 10) = min(730.8, 70) = 70
    r = await api.margin(creds, "70.00000001", 2)
    assert (r.status_code, r.json()) == (400, {"code": -4051, "msg": "Isolated balance insufficient."})
    assert (await api.margin(creds, "70", 2)).status_code == 200
    # iw = 680, isolatedMargin = 680 − 200 = 480, cross = 9,320;
    # LP = (5,000 − 680) / 0.0996 = 4,320 / 0.0996 = 43373.493975903…
    assert await read(api, creds) == {
        "iw": "680.00000000",
        "im": "480.00000000",
        "upnl": "-200.00000000",
        "lp": "43373.49397590",
        "mm": "19.20000000",
        "cross": "9320.00000000",
        "wallet": "10000.00000000",
    }
    # nothing more can come out: min(680 − 19.2, 680 − 200 − 480) = 0
    assert (await api.margin(creds, "0.00000001", 2)).json()["code"] == -4051

    # mark rises to 52,000: upnl = +200, isolatedMargin = 880, MM = 5,200 × 0.004 = 20.8;
    # max removable = min(680 − 20.8, 680 + 200 − 520) = min(659.2, 360) = 360
    await api.mark("BTCUSDT", "52000")
    assert (await api.margin(creds, "360.00000001", 2)).json()["code"] == -4051
    assert (await api.margin(creds, "360", 2)).status_code == 200
    # iw = 320, isolatedMargin = 520, cross = 9,680; LP = (5,000 − 320) / 0.0996 = 4,680 / 0.0996 = 46987.951807228…
    assert await read(api, creds) == {
        "iw": "320.00000000",
        "im": "520.00000000",
        "upnl": "200.00000000",
        "lp": "46987.95180723",
        "mm": "20.80000000",
        "cross": "9680.00000000",
        "wallet": "10000.00000000",
    }
    # the history holds the open's TRADE row (the 500 allocated) and the three transfers, in order;
    # 500 + 250 − 70 − 360 = 320, the isolated wallet
    rows = (await api.history(creds)).json()
    assert [(r["type"], r["deltaType"], r["amount"]) for r in rows] == [
        (1, "TRADE", "500.00000000"),
        (1, "USER_ADJUST", "250.00000000"),
        (2, "USER_ADJUST", "-70.00000000"),
        (2, "USER_ADJUST", "-360.00000000"),
    ]
