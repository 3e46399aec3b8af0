"""listenKeys: the account's one key for the user-data stream (trading reference §4.1).

``POST /fapi/v1/listenKey`` hands out the account's active key — the same one again while it is
valid, extended 60 minutes — or a new one; ``PUT`` extends it (``-1125`` when there is none, or it
expired); ``DELETE`` closes it and records ``listenKeyExpired`` in the outbox, so every worker's
connections on that key get the frame and then nothing more. A key expires 60 minutes after its
last keepalive by the server clock [doc LK][doc LKA][doc LKC].

Each operation locks the account row first, like every write use case: two POSTs racing on two
workers hand out one key, not two.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from isomargin import errors
from isomargin.domain.events import ListenKeyExpired
from isomargin.service.context import ServiceContext
from isomargin.service.reads import NoParams
from isomargin.store import Tx, outbox, repo
from isomargin.store import listen_keys as rows

#: "the listenKey will be valid for 60 minutes" after its creation or last keepalive [doc LK]
VALIDITY_MS = 60 * 60_000
#: observed keys are 64 letters and digits (trading reference §4.1 [obs TR-GATE0])
KEY_LENGTH = 64
_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True, slots=True)
class KeyRequest:
    """PUT and DELETE: clients send ``listenKey`` though the doc lists no parameter (reference §4.1)."""

    listen_key: str | None


def new_key() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(KEY_LENGTH))


def _lock_account(tx: Tx, account_id: int) -> None:
    if repo.get_account(tx, account_id, lock=True) is None:
        raise LookupError(f"account {account_id} does not exist")


def start(tx: Tx, ctx: ServiceContext, account_id: int, req: NoParams) -> str:
    """POST: the active key extended, or a new key when there is none or it expired."""
    _lock_account(tx, account_id)
    current = rows.of_account(tx, account_id)
    expires_at = ctx.now_ms + VALIDITY_MS
    if current is not None and current.valid_at(ctx.now_ms):
        rows.extend(tx, account_id, expires_at)
        return current.listen_key
    key = new_key()
    rows.put(tx, account_id, key, expires_at, ctx.now_ms, replace=current is not None)
    return key


def keepalive(tx: Tx, ctx: ServiceContext, account_id: int, req: KeyRequest) -> str:
    """PUT: extend the active key 60 minutes; -1125 when there is none, it expired, or the
    ``listenKey`` sent is not it."""
    _lock_account(tx, account_id)
    current = rows.of_account(tx, account_id)
    if current is None or not current.valid_at(ctx.now_ms):
        raise errors.INVALID_LISTEN_KEY.error()
    if req.listen_key is not None and req.listen_key != current.listen_key:
        raise errors.INVALID_LISTEN_KEY.error()
    rows.extend(tx, account_id, ctx.now_ms + VALIDITY_MS)
    return current.listen_key


def close(tx: Tx, ctx: ServiceContext, account_id: int, req: KeyRequest) -> None:
    """DELETE: close the active key and push ``listenKeyExpired`` to its connections [obs MAXT].

    Closing when there is no key (or a ``listenKey`` that is not the active one) answers ``{}``
    all the same: assumed, Binance documents no error for it.
    """
    _lock_account(tx, account_id)
    current = rows.of_account(tx, account_id)
    if current is None or current.expires_at == rows.CLOSED:
        return
    if req.listen_key is not None and req.listen_key != current.listen_key:
        return
    rows.close(tx, account_id)
    outbox.append(tx, account_id, [ListenKeyExpired(current.listen_key)], ctx.now_ms)
