"""Rate limits reach the caller as RateLimitError / IPBanned with ``retry_after`` (a live server
with a tiny weight budget, on each database backend). The client does not wait or retry by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from isomargin.auth.keystore import new_master_key
from isomargin.client import Client, IPBanned, RateLimitError
from tests.backends import backend_params, database_url
from tests.support import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=backend_params())
def tight_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp: Path = tmp_path_factory.mktemp("ratelimit")
    env = {
        "ISOMARGIN_WEIGHT_LIMIT": "25",
        "ISOMARGIN_BAN_AFTER_429S": "1",
        "ISOMARGIN_LOG_LEVEL": "warning",
        # a key of its own: on PostgreSQL the default key file is ./isomargin-master.key
        "ISOMARGIN_MASTER_KEY": new_master_key(),
    }
    with database_url(str(request.param), tmp, tag="ratelimit_") as url, LiveServer(url, env=env) as server:
        yield server


def test_429_then_418_with_retry_after(tight_server: LiveServer) -> None:
    with Client(tight_server.base_url, time_sync=False) as client:
        limited: RateLimitError | None = None
        banned: IPBanned | None = None
        for _ in range(10):  # premiumIndex without a symbol weighs 10: the 3rd call passes 25
            try:
                client.mark_prices()
            except IPBanned as exc:
                banned = exc
                break
            except RateLimitError as exc:
                limited = limited or exc

    assert limited is not None, "no 429 within 10 calls of weight 10 against a limit of 25"
    assert (limited.code, limited.http_status) == (-1003, 429)
    assert limited.msg.startswith("Too many requests; current limit of IP(127.0.0.1) is 25 requests per minute.")
    assert limited.retry_after is not None and 0 < limited.retry_after <= 60
    assert banned is not None and banned.http_status == 418
    assert banned.retry_after is not None and 60 < banned.retry_after <= 120  # first ban: 2 minutes [GI]
