"""The margin-call threshold is a setting shared by every worker, and stored keys follow it (issue 12)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from isomargin.api.router import IsomarginApp
from isomargin.service import triggers
from isomargin.store import Tx
from tests.liquidation.test_liquidation_story import long_at_20x, move
from tests.support import CONTROL, Api


async def test_a_lower_ratio_calls_earlier_and_re_keys_open_positions(api: Api) -> None:
    await long_at_20x(api)  # iw 24.75, opened under the default 0.8
    assert (await move(api, "BTCUSDT", "47900"))["marginCalls"] == []  # ratio 0.51…: below 0.8
    await move(api, "BTCUSDT", "50000")
    r = await api.http.put(f"{CONTROL}/settings", json={"marginCallRatio": "0.5"})
    assert r.status_code == 200 and r.json() == {"marginCallRatio": "0.5"}
    # at 0.5: P = 0.5 × (24.75 − 500) / (0.01 × 0.004 − 0.5 × 0.01) = 47908.266129…; at 47900
    # MM = 0.01 × 47900 × 0.004 = 1.916, balance 24.75 − 21 = 3.75, ratio 0.510933…
    (call,) = (await move(api, "BTCUSDT", "47900"))["marginCalls"]
    assert call["marginRatio"] == "0.51093333"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"marginCallRatio": "1"}, "marginCallRatio must be above 0 and below 1"),
        ({"marginCallRatio": "0"}, "marginCallRatio must be above 0 and below 1"),
        ({"marginCallRatio": "0.123456789"}, "marginCallRatio has more than 8 decimals"),
        ({"marginCallRatio": "soon"}, 'marginCallRatio must be a decimal string such as "100.5"'),
        ({}, "send nextOrderId, marginCallRatio, adlRefreshMs or several"),
    ],
)
async def test_bad_ratios_are_refused(api: Api, body: dict[str, str], message: str) -> None:
    r = await api.http.put(f"{CONTROL}/settings", json=body)
    assert (r.status_code, r.json()) == (400, {"error": message})


async def test_keys_missing_or_stale_are_recomputed_at_start(app: IsomarginApp, api: Api) -> None:
    """A database migrated from before the keys (NULL keys) gets them from the start-up refresh."""
    await long_at_20x(api)
    store, ctx = app.state.store, app.state.service_context()

    def keys(tx: Tx) -> tuple[object, ...]:
        row = tx.one("SELECT liquidation_key, margin_call_key FROM positions WHERE position_amt <> 0")
        assert row is not None
        return tuple(row)

    stored = store.read_sync(keys)
    assert stored[0] == 4771586345382  # ceil(47715.863453815…) × 10^8: a long's key rounds up

    def wipe(tx: Tx) -> None:
        tx.run("UPDATE positions SET liquidation_key = NULL, margin_call_key = NULL")
        tx.run("DELETE FROM server_state WHERE key = ?", (triggers.FINGERPRINT_KEY,))

    store.write_sync(wipe)
    assert store.write_sync(lambda tx: triggers.refresh_if_stale(tx, ctx)) == 1
    assert store.read_sync(keys) == stored
    assert store.write_sync(lambda tx: triggers.refresh_if_stale(tx, ctx)) == 0  # fingerprint unchanged
    assert triggers.fingerprint(ctx) != triggers.fingerprint(
        ctx.__class__(ctx.symbols, 0, margin_call_ratio=Decimal("0.7"))
    )
