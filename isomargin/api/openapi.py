"""An OpenAPI 3 document of isomargin's Binance endpoints, generated from the route table.

Served at ``GET /_isomargin/v1/openapi.json``. Paths, methods, weights, security and doc links
come from :data:`isomargin.api.routes.ROUTES`, so the document cannot drift from what the
server answers; endpoint parameters come from :data:`PARAMETERS` below (an endpoint missing
there is still listed, with only its security parameters). Every error is Binance's
``{"code", "msg"}``; the fuzz tests (tests/security/test_fuzz.py) generate requests from it.
The control plane's paged account list is listed too (:data:`CONTROL_PATHS`), for its paging
parameters; its errors are the control plane's ``{"error"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from isomargin import __version__, errors
from isomargin.api.context import Security
from isomargin.api.params import MAX_VALUE_CHARS, SYMBOL_RANGE
from isomargin.api.route import Endpoint
from isomargin.api.routes import ROUTES
from isomargin.domain.candles import Interval
from isomargin.service.overview import DEFAULT_PAGE, MAX_PAGE


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str  # "symbol" | "decimal" | "integer" | "enum" | "string"
    required: bool = False
    values: tuple[str, ...] = ()  # for "enum" (and integer enums such as positionMargin's type)
    doc: str = ""


SYMBOL = Param("symbol", "symbol", True)
#: The parameters each endpoint reads, from its Binance doc page (reference §1, §4).
PARAMETERS: dict[tuple[str, str], tuple[Param, ...]] = {
    ("GET", "/fapi/v1/premiumIndex"): (Param("symbol", "symbol"),),
    ("POST", "/fapi/v1/positionMargin"): (
        SYMBOL,
        Param("positionSide", "enum", values=("BOTH", "LONG", "SHORT")),
        Param("amount", "decimal", True),
        Param("type", "integer", True, ("1", "2"), "1: add position margin, 2: reduce position margin"),
    ),
    ("GET", "/fapi/v1/positionMargin/history"): (
        SYMBOL,
        Param("type", "integer", values=("1", "2")),
        Param("startTime", "integer"),
        Param("endTime", "integer"),
        Param("limit", "integer", doc="default 500"),
    ),
}
# market data (issue 13), from each page [doc KL][doc OB][doc TP][doc BT][doc 24H]
_KLINE_PARAMS = (
    SYMBOL,
    Param("interval", "enum", True, tuple(i.value for i in Interval)),
    Param("startTime", "integer"),
    Param("endTime", "integer"),
    Param("limit", "integer", doc="default 500, max 1500"),
)
PARAMETERS |= {
    ("GET", "/fapi/v1/klines"): _KLINE_PARAMS,
    ("GET", "/fapi/v1/markPriceKlines"): _KLINE_PARAMS,
    ("GET", "/fapi/v1/premiumIndexKlines"): _KLINE_PARAMS,
    ("GET", "/fapi/v1/depth"): (
        SYMBOL,
        Param("limit", "integer", values=("5", "10", "20", "50", "100", "500", "1000"), doc="default 500"),
    ),
    ("GET", "/fapi/v1/ticker/price"): (Param("symbol", "symbol"),),
    ("GET", "/fapi/v2/ticker/price"): (Param("symbol", "symbol"),),
    ("GET", "/fapi/v1/ticker/bookTicker"): (Param("symbol", "symbol"),),
    ("GET", "/fapi/v1/ticker/24hr"): (Param("symbol", "symbol"),),
}
SIGNED_PARAMS = (
    Param("recvWindow", "integer", doc="default 5000, at most 60000"),
    Param("timestamp", "integer", True, doc="milliseconds"),
    Param("signature", "string", True, doc="HMAC hex, or RSA/Ed25519 base64 URL-encoded"),
)


def params_of(route: Endpoint) -> tuple[Param, ...]:
    own = PARAMETERS.get((route.method, route.path), ())
    return own + SIGNED_PARAMS if route.security.signed else own


def _schema(param: Param) -> dict[str, Any]:
    if param.kind == "symbol":
        return {"type": "string", "pattern": SYMBOL_RANGE}
    if param.kind == "decimal":
        return {"type": "string", "pattern": r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$", "maxLength": 64}
    if param.kind == "integer":
        schema: dict[str, Any] = {"type": "integer", "format": "int64"}
        if param.values:
            schema["enum"] = [int(v) for v in param.values]
        return schema
    if param.kind == "enum":
        return {"type": "string", "enum": list(param.values)}
    return {"type": "string", "maxLength": MAX_VALUE_CHARS}


def _operation(route: Endpoint) -> dict[str, Any]:
    weight = route.weight if isinstance(route.weight, int) else "depends on parameters"
    operation: dict[str, Any] = {
        "operationId": f"{route.method.lower()}{route.path.replace('/', '_')}",
        "summary": f"{route.method} {route.path} ({route.security.value})",
        "externalDocs": {"url": route.doc},
        "x-weight": weight,
        "x-security-type": route.security.value,
        "parameters": [
            {"name": p.name, "in": "query", "required": p.required, "schema": _schema(p), "description": p.doc}
            for p in params_of(route)
        ],
        "responses": {
            "200": {"description": "Binance's response", "content": {"application/json": {"schema": {}}}},
            "default": {
                "description": "A Binance error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
    if route.security is not Security.NONE:
        operation["security"] = [{"ApiKey": []}]
    return operation


#: The one control-plane call with parameters a generated client needs: the paged account list
#: (docs/control-plane.md describes the whole control plane; keep both in step).
CONTROL_PATHS: dict[str, dict[str, Any]] = {
    "/_isomargin/v1/accounts": {
        "get": {
            "operationId": "control_list_accounts",
            "summary": "GET /_isomargin/v1/accounts (isomargin control plane, not Binance)",
            "tags": ["control plane"],
            "externalDocs": {"url": "docs/control-plane.md"},
            "parameters": [
                {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "format": "int64", "minimum": 0, "default": 0},
                    "description": "accounts to skip, in id order",
                },
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
                    "description": "accounts in the page",
                },
            ],
            "responses": {
                "200": {"description": "a page of accounts, by id", "content": {"application/json": {"schema": {}}}},
                "400": {"description": 'bad paging: {"error": "<words>"}'},
            },
        }
    }
}


def openapi_document(routes: tuple[Endpoint, ...] = ROUTES) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    paths.update(CONTROL_PATHS)
    codes = sorted({spec.code for spec in errors.all_specs()})
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "isomargin — Binance USDⓈ-M Futures endpoints",
            "version": __version__,
            "description": "The Binance endpoints this server answers, and the control plane's paged"
            " account list (the rest of the control plane: docs/control-plane.md).",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-MBX-APIKEY"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["code", "msg"],
                    "additionalProperties": False,
                    "properties": {"code": {"type": "integer", "enum": codes}, "msg": {"type": "string"}},
                }
            },
        },
    }
