"""MARKET orders end to end: fills at the book top, fees, isolated and cross accounting."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from isomargin.config import Settings
from tests.support import Api, in_process_api
from tests.trading.support import book, isolated, market, order, position_risk


async def test_isolated_open_and_close_by_market(api: Api) -> None:
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000", bid="49990", ask="50010")

    filled = await market(api, creds, "BUY", "0.01")
    assert filled["status"] == "FILLED" and filled["executedQty"] == "0.010" and filled["cumQty"] == "0.010"
    assert filled["price"] == "0.00" and filled["type"] == "MARKET" and "avgPrice" not in filled
    # fill at the ask 50010: margin 0.01 × 50010 / 20 = 25.005; taker fee 500.1 × 0.0005 = 0.25005
    # from the isolated wallet: iw = 25.005 − 0.25005 = 24.75495; cross 1000 − 25.005 = 974.995
    row = await position_risk(api, creds)
    assert row["positionAmt"] == "0.010" and row["entryPrice"] == "50010.0"
    assert row["isolatedWallet"] == "24.75495000"
    assert row["breakEvenPrice"] == "50035.005"  # 50010 × (1 + 0.0005), reference §2.5
    summary = await api.summary(creds)
    assert summary["crossWalletBalance"] == "974.99500000"
    assert summary["walletBalance"] == "999.74995000"

    # close at the bid 49990: PnL (49990 − 50010) × 0.01 = −0.2; fee 499.9 × 0.0005 = 0.24995
    closed = await market(api, creds, "SELL", "0.01", reduceOnly="true")
    assert closed["status"] == "FILLED" and closed["reduceOnly"] is True
    summary = await api.summary(creds)
    # 1000 − 0.25005 − 0.2 − 0.24995 = 999.3
    assert summary["crossWalletBalance"] == "999.30000000"
    assert summary["walletBalance"] == "999.30000000"
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"


async def test_cross_by_default_fee_from_the_wallet(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "SELL", "0.002")
    # CROSSED (Binance's default): no isolated wallet; fee 0.002 × 50000 × 0.0005 = 0.05 from the wallet
    row = await position_risk(api, creds)
    assert row["marginType"] == "cross" and row["positionAmt"] == "-0.002" and row["isolatedWallet"] == "0"
    summary = await api.summary(creds)
    assert summary["crossWalletBalance"] == "999.95000000"
    # liquidated against the cross wallet: short LP = (WB + Q·EP) / (Q·(1 + MMR)) = (999.95 + 100) / 0.002008
    assert row["liquidationPrice"] == "547783.86454183"


async def test_ack_is_new_with_nothing_filled(api: Api) -> None:
    creds = await api.account("1000")
    r = await order(api, creds, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.002", newClientOrderId="my-id")
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == [
        "orderId", "symbol", "status", "clientOrderId", "price", "origQty", "executedQty", "cumQty", "timeInForce",
        "type", "reduceOnly", "closePosition", "side", "positionSide", "stopPrice", "workingType", "priceProtect",
        "origType", "priceMatch", "selfTradePreventionMode", "goodTillDate", "updateTime",
    ]  # fmt: skip
    assert body["status"] == "NEW" and body["executedQty"] == "0.000" and body["clientOrderId"] == "my-id"
    assert isinstance(body["orderId"], int) and body["selfTradePreventionMode"] == "EXPIRE_MAKER"
    assert Decimal((await position_risk(api, creds))["positionAmt"]) == Decimal("0.002")


async def test_order_response_2024_carries_avg_price_and_cum_quote(tmp_path: Path) -> None:
    async with in_process_api(Settings(db_url=f"sqlite:///{tmp_path}/o.db", order_response="2024")) as api:
        creds = await api.account("1000")
        await book(api, "BTCUSDT", "50000", bid="49999.9", ask="50000.1")
        ack = (await order(api, creds, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.002")).json()
        # the 2024 ACK [obs PY-BTC]: avgPrice "0.00" after price, cumQuote "0.00000" after cumQty
        assert list(ack)[4:10] == ["price", "avgPrice", "origQty", "executedQty", "cumQty", "cumQuote"]
        assert (ack["avgPrice"], ack["cumQuote"]) == ("0.00", "0.00000")
        result = await market(api, creds, "BUY", "0.002")
        # filled at the ask 50000.1: cumQuote 0.002 × 50000.1 = 100.0002
        assert (result["avgPrice"], result["cumQuote"]) == ("50000.10000", "100.00020")
