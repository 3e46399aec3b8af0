"""Parity cases of what any endpoint can answer: unknown paths, key, signature and rate-limit errors."""

from __future__ import annotations

from isomargin import errors
from tests.parity.case import Case, Request
from tests.parity.cases_common import IP, signed
from tests.parity.scenarios import (
    FRESH,
    NO_ACCOUNT,
    RATE_LIMITED,
)

GENERAL: tuple[Case, ...] = (
    Case(
        "error-unknown-path",
        "a path fapi does not serve: 404 with Binance's HTML error page (mainnet, 2026)",
        Request("GET", "/fapi/v1/nonexistent-xyz"),
        NO_ACCOUNT,
    ),
    Case(
        "error-retired-path",
        "a retired v1 path (GET /fapi/v1/positionRisk): 404 with the HTML error page (2026)",
        Request("GET", "/fapi/v1/positionRisk"),
        NO_ACCOUNT,
    ),
    Case(
        "error-2015-unknown-key",
        "a well-formed key the server does not know: -2015 naming the request's IP",
        signed("GET", "/fapi/v2/balance", tamper="unknown-key"),
        FRESH,
        transformers=(IP,),
        error=errors.REJECTED_MBX_KEY,
    ),
    Case(
        "error-2014-no-key",
        "a signed request without X-MBX-APIKEY: -2014",
        signed("GET", "/fapi/v2/balance", tamper="no-key"),
        FRESH,
        error=errors.BAD_API_KEY_FMT,
    ),
    Case(
        "error-2014-listenKey-no-key",
        "POST /fapi/v1/listenKey (USER_STREAM) without X-MBX-APIKEY: -2014, the captured request itself",
        Request("POST", "/fapi/v1/listenKey"),
        NO_ACCOUNT,
        error=errors.BAD_API_KEY_FMT,
    ),
    Case(
        "error-2014-listenKey-keepalive-no-key",
        "PUT /fapi/v1/listenKey without X-MBX-APIKEY: -2014 (the key check comes first)",
        Request("PUT", "/fapi/v1/listenKey"),
        NO_ACCOUNT,
        error=errors.BAD_API_KEY_FMT,
    ),
    Case(
        "error-2014-listenKey-close-no-key",
        "DELETE /fapi/v1/listenKey without X-MBX-APIKEY: -2014 (the key check comes first)",
        Request("DELETE", "/fapi/v1/listenKey"),
        NO_ACCOUNT,
        error=errors.BAD_API_KEY_FMT,
    ),
    Case(
        "error-1022-bad-signature",
        "a signature made with another secret: -1022",
        signed("GET", "/fapi/v2/balance", tamper="bad-signature"),
        FRESH,
        error=errors.INVALID_SIGNATURE,
    ),
    Case(
        "error-1003-too-many-requests",
        "the request after an IP used its 2400 weight this minute: 429, -1003 naming the IP",
        signed("GET", "/fapi/v1/positionSide/dual"),
        RATE_LIMITED,
        transformers=(IP,),
        error=errors.TOO_MANY_REQUESTS,
        remote_skip="it would lock the recorder's IP out of the API for a minute",
    ),
)
