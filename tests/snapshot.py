"""Golden responses, LocalStack style: record once, compare every run, never edit by hand.

``check(name, response)`` masks volatile fields (times, keys, ids) with a placeholder naming their
JSON type — ``"<int>"``, ``"<str>"`` — and compares the result, as indented JSON text, with
``tests/golden/<name>.json``. Comparing text (not parsed values) keeps JSON types exact: ``100.0``
and ``100`` and ``"100"`` all differ. ``UPDATE_GOLDEN=1 pytest tests/api/test_golden*.py`` rewrites
the files; review the diff against the Binance doc examples before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx

GOLDEN_DIR = Path(__file__).parent / "golden"

#: Keys whose values change from run to run (or with the database the suite runs on: ``database``);
#: their JSON type is kept, their value masked.
VOLATILE_KEYS = frozenset(
    {
        "serverTime",
        "time",
        "nextFundingTime",
        "updateTime",
        "apiKey",
        "secretKey",
        "accountId",
        "publicKey",
        "database",
        "listenKey",
        "fundingTime",
        # market data (issue 13): the 24hr window's bounds, the book's times and update id
        "openTime",
        "closeTime",
        "E",
        "T",
        "lastUpdateId",
        "createTime",
        "triggerTime",
    }
)
#: Response headers worth pinning (the rest is server noise).
HEADERS = ("content-type", "x-mbx-used-weight-1m")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "array"
    return "object"


def mask(value: Any, key: str | None = None) -> Any:
    if key in VOLATILE_KEYS:
        return f"<{json_type(value)}>"
    if isinstance(value, str) and value.startswith("autoclose-") and value[10:].isdigit():
        # a liquidation order's id carries the time it was placed at (service/liquidation.py)
        return "autoclose-<ms><seq>"
    if isinstance(value, dict):
        return {k: mask(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


def _mask_header(name: str, value: str) -> str:
    if name == "x-mbx-used-weight-1m":
        # the count depends on the minute the test runs in; its form does not
        return "<digits>" if value.isdigit() else value
    return value


def record(response: httpx.Response) -> dict[str, Any]:
    headers = {h: _mask_header(h, response.headers[h]) for h in HEADERS if h in response.headers}
    body = json.loads(response.text) if response.content else None
    return {
        "request": f"{response.request.method} {response.request.url.path}",
        "status": response.status_code,
        "headers": headers,
        "body": mask(body),
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def check(name: str, response: httpx.Response) -> None:
    path = GOLDEN_DIR / f"{name}.json"
    actual = render(record(response))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual)
        return
    assert path.exists(), f"no golden file {path}; run UPDATE_GOLDEN=1 pytest to create it"
    expected = path.read_text()
    assert actual == expected, f"{name}: response differs from {path} (UPDATE_GOLDEN=1 to regenerate)"


def skeleton(value: Any) -> Any:
    """The shape of a JSON value with every leaf replaced by its JSON type (lists: first item)."""
    if isinstance(value, dict):
        return {k: skeleton(v) for k, v in value.items()}
    if isinstance(value, list):
        return [skeleton(value[0])] if value else []
    return json_type(value)
