"""What the route table declares holds for every route: reads never write, and the account a
service acts for comes from a signed key."""

from __future__ import annotations

import pytest

from isomargin.api.context import Security
from isomargin.api.route import Access, Endpoint, _Read, _Write
from isomargin.api.routes import ROUTES, route_table


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_a_get_never_opens_a_write_transaction(route: Endpoint) -> None:
    if route.method == "GET":
        assert route.access is not Access.WRITE


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_an_account_service_sits_behind_a_signed_endpoint(route: Endpoint) -> None:
    """An account's read or write runs only where the dispatcher has verified a signed key (a
    signed endpoint may still answer from configuration alone: leverageBracket) — or, for the
    listenKey endpoints, an API key alone, as Binance's USER_STREAM security is [doc LK]."""
    service = getattr(route, "service", None)
    assert service is not None
    if isinstance(service, _Read | _Write):
        assert route.security.signed or route.security is Security.USER_STREAM


def test_the_table_has_no_duplicates() -> None:
    assert len(route_table()) == len(ROUTES)
