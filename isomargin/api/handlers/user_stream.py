"""``POST``/``PUT``/``DELETE /fapi/v1/listenKey``: parsers and renderers (trading reference §4.1)."""

from __future__ import annotations

from isomargin.api.params import Params
from isomargin.service.listen_keys import KeyRequest
from isomargin.service.reads import NoParams


def parse_key(params: Params) -> KeyRequest:
    """The doc lists no parameter, but clients send ``listenKey`` (hummingbot does): accepted and
    checked against the account's key (trading reference §4.1)."""
    return KeyRequest(params.string("listenKey", mandatory=False) or None)


def listen_key(req: NoParams | KeyRequest, key: str) -> object:
    # POST and PUT answer the key [doc LK][doc LKA]
    return {"listenKey": key}


def closed(req: KeyRequest, res: None) -> object:
    return {}
