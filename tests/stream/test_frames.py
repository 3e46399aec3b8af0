"""Frames byte for byte: key order and JSON types of Binance's captured frames (reference §4.4, §4.5)."""

from __future__ import annotations

from decimal import Decimal

from isomargin.api.stream.frames import encode, expired, frame
from isomargin.domain.events import (
    AccountConfigUpdate,
    AccountUpdate,
    AccountUpdateReason,
    BalanceUpdate,
    ListenKeyExpired,
    PositionUpdate,
    from_payload,
    to_payload,
)

T = 1731955175166
KEY = "u1ec2VRKewauT8VQ7JmjUs83a0Vv5sMdSVMgNIOPdthuGTqWfiSjWa9Wn2uqTkKk"


def margin_transfer() -> AccountUpdate:
    # values as the store hands them back: 8 places, which the wire does not pad
    return AccountUpdate(
        AccountUpdateReason.MARGIN_TRANSFER,
        (BalanceUpdate("USDT", Decimal("10000.00000000"), Decimal("9850.00000000"), Decimal("0E-8")),),
        (
            PositionUpdate(
                "BTCUSDT",
                Decimal("0.01000000"),
                Decimal("50000.00000000"),
                Decimal(0),
                Decimal("-10.00000000"),
                "ISOLATED",
                Decimal("150.00000000"),
                "BOTH",
                Decimal("50000"),
            ),
        ),
    )


def test_account_update_margin_transfer() -> None:
    assert encode(frame(margin_transfer(), T)) == (
        '{"e":"ACCOUNT_UPDATE","T":1731955175166,"E":1731955175166,"a":{"B":[{"a":"USDT","wb":"10000",'
        '"cw":"9850","bc":"0"}],"P":[{"s":"BTCUSDT","pa":"0.01","ep":"50000","cr":"0","up":"-10","mt":"isolated",'
        '"iw":"150","ps":"BOTH","ma":"USDT","bep":"50000"}],"m":"MARGIN_TRANSFER"}}'
    )


def test_a_deposit_has_an_empty_p_and_a_crossed_position_is_cross() -> None:
    deposit = AccountUpdate(
        AccountUpdateReason.DEPOSIT,
        (BalanceUpdate("USDT", Decimal("0.04258721"), Decimal("0.04258721"), Decimal("0.04258721")),),
    )
    # the captured DEPOSIT frame's body [obs PB-825]
    assert encode(frame(deposit, 1620564298803)) == (
        '{"e":"ACCOUNT_UPDATE","T":1620564298803,"E":1620564298803,"a":{"B":[{"a":"USDT","wb":"0.04258721",'
        '"cw":"0.04258721","bc":"0.04258721"}],"P":[],"m":"DEPOSIT"}}'
    )
    crossed = PositionUpdate(
        "BTCUSDT", Decimal(0), Decimal(0), Decimal(0), Decimal(0), "CROSSED", Decimal(0), "BOTH", Decimal(0)
    )
    change = AccountUpdate(AccountUpdateReason.MARGIN_TYPE_CHANGE, (), (crossed,))
    assert frame(change, T)["a"]["P"][0]["mt"] == "cross"


def test_account_config_update() -> None:
    assert encode(frame(AccountConfigUpdate("BTCUSDT", 25), T)) == (
        '{"e":"ACCOUNT_CONFIG_UPDATE","E":1731955175166,"T":1731955175166,"ac":{"s":"BTCUSDT","l":25}}'
    )


def test_listen_key_expired_and_the_combined_stream_wrapper() -> None:
    text = encode(frame(ListenKeyExpired(KEY), 1736996475556), stream=KEY)
    assert text == (
        '{"stream":"' + KEY + '","data":{"e":"listenKeyExpired","E":"1736996475556","listenKey":"' + KEY + '"}}'
    )
    assert expired(KEY, 1736996475556) == frame(ListenKeyExpired(KEY), 1736996475556)


def test_an_event_renders_the_same_after_the_outbox_round_trip() -> None:
    for event in (margin_transfer(), AccountConfigUpdate("ETHUSDT", 7), ListenKeyExpired(KEY)):
        assert frame(from_payload(event.type, to_payload(event)), T) == frame(event, T)
