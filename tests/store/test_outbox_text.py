"""The outbox row's JSON text: written straight from a typed ACCOUNT_UPDATE, it is byte for byte what
encoding ``to_payload``'s dict gives (store.outbox.payload_text), for every string and decimal."""

from __future__ import annotations

from decimal import Decimal

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isomargin.domain.events import (
    AccountConfigUpdate,
    AccountUpdate,
    AccountUpdateReason,
    BalanceUpdate,
    PositionUpdate,
    from_payload,
    to_payload,
)
from isomargin.store.base import OutboxEvent
from isomargin.store.outbox import payload_text

# any coefficient at any exponent (str() writes some with an exponent: "1E+3", "0E-8")
decimals = st.builds(
    lambda coefficient, exponent: Decimal(coefficient).scaleb(exponent),
    st.integers(-(10**20), 10**20),
    st.integers(-12, 6),
) | st.sampled_from([Decimal("-0"), Decimal("60024.1000400")])
# plain names, and names JSON must escape (quotes, backslashes, control characters, non-ASCII)
names = st.sampled_from(["USDT", "BTCUSDT", "ISOLATED", "CROSSED", "BOTH", "LONG", "SHORT"]) | st.text(max_size=8)
balances = st.builds(BalanceUpdate, names, decimals, decimals, decimals)
positions = st.builds(PositionUpdate, names, decimals, decimals, decimals, decimals, names, decimals, names, decimals)
updates = st.builds(
    AccountUpdate,
    st.sampled_from(list(AccountUpdateReason)),
    st.lists(balances, min_size=0, max_size=2).map(tuple),
    st.lists(positions, min_size=0, max_size=2).map(tuple),
    st.none() | names,
)


#: generating an event is slow on a loaded host; the property, not the timing, is under test
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@relaxed
@given(updates)
def test_an_account_update_is_written_as_its_payload_dict_encodes(event: AccountUpdate) -> None:
    assert payload_text(event) == orjson.dumps(to_payload(event)).decode()


@relaxed
@given(
    st.builds(
        AccountUpdate,
        st.sampled_from(list(AccountUpdateReason)),
        balances.map(lambda b: (b,)),
        positions.map(lambda p: (p,)),
    )
)
def test_the_one_balance_one_position_shape_reads_back_as_the_same_event(event: AccountUpdate) -> None:
    text = payload_text(event)
    assert text == orjson.dumps(to_payload(event)).decode()
    assert from_payload(event.type, orjson.loads(text)) == event


def test_an_appended_event_and_its_row_read_back_compare_equal() -> None:
    """This process's event carries its typed event, a row read back its payload: the same row."""
    event = AccountConfigUpdate("BTCUSDT", 5)
    built = OutboxEvent(1, 2, 3, event.type, 4, None, event)
    read = OutboxEvent(1, 2, 3, event.type, 4, orjson.loads(payload_text(event)))
    assert built == read and hash(built) == hash(read)
    assert read.event == event and built.payload == {"s": "BTCUSDT", "l": 5}
