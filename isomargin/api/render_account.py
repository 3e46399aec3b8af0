"""Binance's JSON shapes for positionRisk v3, balances, accounts, configs and leverage brackets.

Field names, order and JSON types from the doc examples [PR3][BAL2][BAL3][ACC2][ACC3][ACFG][SCFG][LB]
and the official SDK's pydantic models, which tests parse every reply with [SDK].
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

import orjson

from isomargin.api.render import adl_quantile, amount8, break_even_price, cut8, entry_price, position_amt
from isomargin.domain.brackets import Bracket
from isomargin.money import decimal_string, fixed, json_number, truncate
from isomargin.service.account import WalletView
from isomargin.service.positions import PositionView
from isomargin.store import repo

#: Account flags Binance shows for an ordinary single-asset account [ACC2][ACFG]; isomargin models
#: no fee tiers, deposits, withdrawals, Multi-Assets mode or trade groups (assumed values).
FEE_TIER = 0
TRADE_GROUP_ID = -1


def position_risk_v3(view: PositionView) -> dict[str, object]:
    """One row of ``GET /fapi/v3/positionRisk`` [PR3]. No orders: open-order figures are "0"."""
    return {
        "symbol": view.symbol,
        "positionSide": view.position_side.value,
        "positionAmt": position_amt(view),
        "entryPrice": entry_price(view),
        "breakEvenPrice": break_even_price(view),
        "markPrice": fixed(view.mark_price, 8),
        "unRealizedProfit": fixed(view.unrealized_pnl, 8),
        "liquidationPrice": amount8(view.liquidation_price),
        "isolatedMargin": amount8(view.isolated_margin),
        "notional": cut8(view.notional),
        "marginAsset": view.spec.margin_asset,
        "isolatedWallet": amount8(view.isolated_wallet),
        "initialMargin": cut8(view.initial_margin),
        "maintMargin": cut8(view.maint_margin),
        "positionInitialMargin": cut8(view.initial_margin),
        "openOrderInitialMargin": "0",
        "adl": adl_quantile(view),
        "bidNotional": "0",
        "askNotional": "0",
        "updateTime": view.update_time,
    }


#: The margin assets a real single-asset account's balance lists, in its order: a row each, the
#: unused ones all zero with ``updateTime`` 0 (python-binance dump of 2024-12-19, index id
#: 8020132043; audit #11). isomargin's wallet holds only USDT.
BALANCE_ASSETS = ("FDUSD", "BNB", "ETH", "BTC", "USDT", "USDC")
ZERO = fixed(Decimal(0))

#: Binance's ``accountAlias`` spells a number two letters a digit: real aliases are made of these
#: pairs ("SgSgoCoCmYsRuX", "SgSgXqmYoCoCuXfW" 2024; "FzSguXAumYAumY" 2023). Nine pairs were seen;
#: the tenth, and which digit each stands for, are assumed.
_ALIAS_PAIRS = ("Sg", "oC", "mY", "sR", "uX", "Xq", "fW", "Fz", "Au", "Tk")


def account_alias(account_id: int) -> str:
    """A stable 16-letter alias per account, spelling an 8-digit number derived from its id."""
    digest = hashlib.sha256(f"isomargin-account-{account_id}".encode()).digest()
    number = 10_000_000 + int.from_bytes(digest[:8]) % 90_000_000
    return "".join(_ALIAS_PAIRS[int(d)] for d in str(number))


def balances(wallet: WalletView) -> list[dict[str, object]]:
    """``GET /fapi/v2/balance`` and ``/fapi/v3/balance`` [BAL2][BAL3]: a row per margin asset."""
    alias = account_alias(wallet.account_id)
    return [
        balance_row(wallet, alias) if asset == wallet.asset else _empty_balance(asset, alias)
        for asset in BALANCE_ASSETS
    ]


def _empty_balance(asset: str, alias: str) -> dict[str, object]:
    return {
        "accountAlias": alias,
        "asset": asset,
        "balance": ZERO,
        "crossWalletBalance": ZERO,
        "crossUnPnl": ZERO,
        "availableBalance": ZERO,
        "maxWithdrawAmount": ZERO,
        "marginAvailable": True,
        "updateTime": 0,
    }


def balance_row(wallet: WalletView, alias: str) -> dict[str, object]:
    """The row of the wallet's own asset."""
    return {
        "accountAlias": alias,
        "asset": wallet.asset,
        "balance": fixed(wallet.wallet_balance),
        "crossWalletBalance": fixed(wallet.cross_wallet),
        "crossUnPnl": fixed(wallet.cross_unrealized),
        "availableBalance": fixed(wallet.available_balance),
        "maxWithdrawAmount": fixed(wallet.max_withdraw_amount),
        "marginAvailable": True,
        "updateTime": wallet.update_time,
    }


def margin_total(value: Decimal) -> str:
    """A sum of margins with 8 decimals, cut like each position's margins (assumed for the sums)."""
    return format(truncate(value), "f")


def _totals(wallet: WalletView) -> dict[str, object]:
    return {
        "totalInitialMargin": margin_total(wallet.initial_margin),
        "totalMaintMargin": margin_total(wallet.maint_margin),
        "totalWalletBalance": fixed(wallet.wallet_balance),
        "totalUnrealizedProfit": fixed(wallet.unrealized),
        "totalMarginBalance": fixed(wallet.margin_balance),
        "totalPositionInitialMargin": margin_total(wallet.initial_margin),
        "totalOpenOrderInitialMargin": fixed(wallet.open_order_margin),
        "totalCrossWalletBalance": fixed(wallet.cross_wallet),
        "totalCrossUnPnl": fixed(wallet.cross_unrealized),
        "availableBalance": fixed(wallet.available_balance),
        "maxWithdrawAmount": fixed(wallet.max_withdraw_amount),
    }


def _asset_margins(wallet: WalletView) -> dict[str, object]:
    return {
        "asset": wallet.asset,
        "walletBalance": fixed(wallet.wallet_balance),
        "unrealizedProfit": fixed(wallet.unrealized),
        "marginBalance": fixed(wallet.margin_balance),
        "maintMargin": margin_total(wallet.maint_margin),
        "initialMargin": margin_total(wallet.initial_margin),
        "positionInitialMargin": margin_total(wallet.initial_margin),
        "openOrderInitialMargin": fixed(wallet.open_order_margin),
    }


def _asset(wallet: WalletView) -> dict[str, object]:
    """An ``assets[]`` row of v3 account, in its doc's order [ACC3]."""
    return {
        **_asset_margins(wallet),
        "crossWalletBalance": fixed(wallet.cross_wallet),
        "crossUnPnl": fixed(wallet.cross_unrealized),
        "availableBalance": fixed(wallet.available_balance),
        "maxWithdrawAmount": fixed(wallet.max_withdraw_amount),
    }


def _asset_v2(wallet: WalletView) -> dict[str, object]:
    """An ``assets[]`` row of v2 account in the real answer's order: ``maxWithdrawAmount`` before
    ``crossWalletBalance`` (ccxt static test, 2023-11-29; audit #18), unlike the doc."""
    return {
        **_asset_margins(wallet),
        "maxWithdrawAmount": fixed(wallet.max_withdraw_amount),
        "crossWalletBalance": fixed(wallet.cross_wallet),
        "crossUnPnl": fixed(wallet.cross_unrealized),
        "availableBalance": fixed(wallet.available_balance),
        "marginAvailable": True,
        "updateTime": wallet.update_time,
    }


def account_v3(wallet: WalletView) -> dict[str, object]:
    """``GET /fapi/v3/account`` [ACC3]: totals, the USDT asset, open positions only.

    Real answers list every margin asset here too, but an unused asset's row shows the account's
    available balance converted into that asset ("availableBalance": "0.00026317" for BTC, ccxt
    static test 2024-07-28), which needs prices isomargin does not have; so USDT alone (assumed).

    Position rows as the real one quoted in [obs I239]: notional "955.02"-style strings,
    isolatedWallet/isolatedMargin with 8 decimals.
    """
    return {
        **_totals(wallet),
        "assets": [{**_asset(wallet), "updateTime": wallet.update_time}],
        "positions": [
            {
                "symbol": p.symbol,
                "positionSide": p.position_side.value,
                "positionAmt": position_amt(p),
                "unrealizedProfit": fixed(p.unrealized_pnl, 8),
                "isolatedMargin": amount8(p.isolated_margin),
                "notional": cut8(p.notional),
                "isolatedWallet": amount8(p.isolated_wallet),
                "initialMargin": cut8(p.initial_margin),
                "maintMargin": cut8(p.maint_margin),
                "updateTime": p.update_time,
            }
            for p in wallet.positions
        ],
    }


def account_v2(wallet: WalletView, rows: Sequence[PositionView]) -> dict[str, object]:
    """``GET /fapi/v2/account`` [ACC2]: account flags, totals, the USDT asset, and a position row
    for every symbol (each side the position mode has, empty ones included).

    The flags as the latest real answer orders them, ``tradeGroupId`` before ``updateTime`` and no
    ``feeBurn`` (the doc example has one; ccxt static test "Linear swap balance", 2023-11-29;
    audit #18).

    That capture lists ``"positions": []`` for an account with no position; a 2021 capture (ccxt
    #7195) and the doc say every symbol is listed, and the static test may have trimmed the list,
    so every symbol stays (assumed until a recording settles it).

    Position rows in the field order of a real 2025 reply, which also carries ``breakEvenPrice``,
    ``notional`` and ``isolatedWallet`` that the doc example leaves out (observed:
    https://github.com/ccxt/go-binance/pull/748).
    """
    return {
        "feeTier": FEE_TIER,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "tradeGroupId": TRADE_GROUP_ID,
        "updateTime": 0,
        "multiAssetsMargin": False,
        **_totals(wallet),
        "assets": [_asset_v2(wallet)],
        "positions": [
            {
                "symbol": p.symbol,
                "initialMargin": cut8(p.initial_margin),
                "maintMargin": cut8(p.maint_margin),
                "unrealizedProfit": fixed(p.unrealized_pnl, 8),
                "positionInitialMargin": cut8(p.initial_margin),
                "openOrderInitialMargin": "0",
                "leverage": str(p.leverage),
                "isolated": p.isolated,
                "entryPrice": entry_price(p),
                "breakEvenPrice": break_even_price(p),
                "maxNotional": decimal_string(p.max_notional),
                "positionSide": p.position_side.value,
                "positionAmt": position_amt(p),
                "notional": cut8(p.notional),
                "isolatedWallet": amount8(p.isolated_wallet),
                "updateTime": p.update_time,
                "bidNotional": "0",
                "askNotional": "0",
            }
            for p in rows
        ],
    }


def account_config(dual_side_position: bool, update_time: int) -> dict[str, object]:
    """``GET /fapi/v1/accountConfig`` [ACFG].

    ``updateTime`` is a real timestamp on the live server (``"updateTime":1785994733025``, a live
    note of 2026, index id 68890380806), not the doc example's 0. What it tracks is not documented;
    isomargin shows the account's last change (its wallet or its position mode; assumed).
    """
    return {
        "feeTier": FEE_TIER,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "dualSidePosition": dual_side_position,
        "updateTime": update_time,
        "multiAssetsMargin": False,
        "tradeGroupId": TRADE_GROUP_ID,
    }


def symbol_config(config: repo.SymbolConfig, max_notional: Decimal) -> dict[str, object]:
    """One row of ``GET /fapi/v1/symbolConfig`` [SCFG]: uppercase margin type, bool, int leverage."""
    return {
        "symbol": config.symbol,
        "marginType": config.margin_type,
        "isAutoAddMargin": False,
        "leverage": config.leverage,
        "maxNotionalValue": decimal_string(max_notional),
    }


def json_int_or_number(value: Decimal) -> int | orjson.Fragment:
    """A JSON integer when whole (the SDK types notionalCap/notionalFloor/cum as ints), else a number."""
    if value == value.to_integral_value():
        return int(value)
    return orjson.Fragment(decimal_string(value).encode())


def leverage_brackets(symbol: str, brackets: Sequence[Bracket]) -> dict[str, object]:
    """One symbol of ``GET /fapi/v1/leverageBracket`` [LB]: numbers, not strings.

    ``cum`` is written as a Java double (``0.0``, ``112.5``, ``1050.0``), the caps and floors as
    integers (``7500``, ``0``): a real answer of 2023 (ccxt #16667, GALAUSDT; audit #20).

    ``notionalCoef`` "only appears when user's symbol bracket is adjusted", which isomargin never
    does, so it is left out (the 2023 answer has none; two 2026 test fixtures show ``1.0``).
    """
    return {
        "symbol": symbol,
        "brackets": [
            {
                "bracket": b.bracket,
                "initialLeverage": b.initial_leverage,
                "notionalCap": json_int_or_number(b.notional_cap),
                "notionalFloor": json_int_or_number(b.notional_floor),
                "maintMarginRatio": orjson.Fragment(decimal_string(b.maint_margin_ratio).encode()),
                "cum": json_number(b.cum),
            }
            for b in brackets
        ],
    }
