"""One request as it moves through the chain: who sent it, what it carries, whose account."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from isomargin.api.params import Params


class Security(StrEnum):
    """Binance's endpoint security types [GI]."""

    NONE = "NONE"
    MARKET_DATA = "MARKET_DATA"  # API key only
    USER_STREAM = "USER_STREAM"  # API key only
    TRADE = "TRADE"  # key and signature
    USER_DATA = "USER_DATA"  # key and signature

    @property
    def signed(self) -> bool:
        return self is _TRADE or self is _USER_DATA

    @property
    def needs_key(self) -> bool:
        return self is not _NONE


# read once: a member read off the class (``Security.NONE``) goes through EnumType.__getattr__'s
# slow attribute hook on Python 3.11, and every request asks ``needs_key`` twice
_NONE, _TRADE, _USER_DATA = Security.NONE, Security.TRADE, Security.USER_DATA


@dataclass(slots=True)
class RequestContext:
    method: str
    path: str
    query: bytes
    body: bytes
    #: the ``X-MBX-APIKEY`` header as sent, None when absent (the one request header read after routing)
    api_key_header: str | None
    client_ip: str
    params: Params
    now_ms: int
    #: the verified key and its account, set by ``Route.answer`` once the signature checks out
    account_id: int | None = None
    api_key: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)
