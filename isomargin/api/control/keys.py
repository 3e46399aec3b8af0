"""``/_isomargin/v1/accounts/{accountId}/apiKeys`` and ``/_isomargin/v1/apiKeys/{apiKey}``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.auth.signing import KeyType
from isomargin.service import keys
from isomargin.service.errors import AdminError

#: JSON field → Permissions attribute, for key creation and PATCH /apiKeys/{apiKey}
PERMISSION_FIELDS = {
    "enabled": "enabled",
    "enableFutures": "futures_enabled",
    "canTrade": "can_trade",
    "ipWhitelist": "ip_whitelist",
}


def permissions(data: dict[str, Any]) -> keys.Permissions:
    values: dict[str, Any] = {}
    for name, attr in PERMISSION_FIELDS.items():
        if name not in data:
            continue
        value = data[name]
        if name == "ipWhitelist":
            if value is None:
                value = []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise AdminError('ipWhitelist must be a list of IP addresses or networks, e.g. ["10.0.0.0/8"]')
            values[attr] = tuple(value)
        elif isinstance(value, bool):
            values[attr] = value
        else:
            raise AdminError(f"{name} must be true or false")
    return keys.Permissions(**values)


async def add_api_key(request: Request) -> Response:
    state = common.app_state(request)
    account_id = common.account_id(common.path_int(request, "accountId"))
    data = await common.json_object(request)
    common.only(data, {"type", "apiKey", "secretKey", "publicKey", *PERMISSION_FIELDS})
    try:
        key_type = KeyType(data.get("type", "HMAC_SHA256"))
    except ValueError:
        raise AdminError("type must be HMAC_SHA256, RSA or ED25519") from None
    api_key = common.optional_string(data, "apiKey")
    secret, public_key = common.optional_string(data, "secretKey"), common.optional_string(data, "publicKey")
    allowed = permissions(data)
    ctx = state.service_context()
    creds = await state.store.write(
        lambda tx: keys.add_api_key(
            tx, ctx, account_id, key_type, api_key=api_key, secret=secret, public_key=public_key, permissions=allowed
        )
    )
    body: dict[str, Any] = {"apiKey": creds.api_key, "type": creds.key_type.value}
    if creds.secret_key is not None:
        body["secretKey"] = creds.secret_key
    return JSONResponse(body, status_code=201)


async def get_api_key(request: Request) -> Response:
    state = common.app_state(request)
    api_key = request.path_params["apiKey"]
    key = await state.store.read(lambda tx: keys.get_api_key(tx, api_key))
    return JSONResponse(keys.describe(key))


async def update_api_key(request: Request) -> Response:
    state = common.app_state(request)
    api_key = request.path_params["apiKey"]
    data = await common.json_object(request)
    common.only(data, set(PERMISSION_FIELDS))
    changes = permissions(data)
    key = await state.store.write(lambda tx: keys.update_api_key(tx, api_key, changes))
    return JSONResponse(keys.describe(key))


async def delete_api_key(request: Request) -> Response:
    state = common.app_state(request)
    api_key = request.path_params["apiKey"]
    await state.store.write(lambda tx: keys.delete_api_key(tx, api_key))
    return JSONResponse({"apiKey": api_key, "deleted": True})
