"""Transformers: what a case masks before comparing, declared per case (LocalStack's model).

Each applies to BOTH sides — the snapshot and isomargin's answer — and is idempotent, so a
snapshot recorded already masked compares the same way as a raw public capture. A masked value
keeps its JSON type (and, with ``keep_format``, its format class such as "decimal string with 8
places"), so masking a balance still checks that it is a string with 8 decimals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from tests.parity.jsontext import Masked, Node, Obj, format_class, jtype


class Transformer(Protocol):
    def __call__(self, node: Node) -> Node: ...


def _map_members(node: Node, fn: Callable[[str, Node], Node]) -> Node:
    """Rebuild ``node`` with ``fn(key, value)`` applied to every object member, depth first."""
    if isinstance(node, Obj):
        return Obj([(k, fn(k, _map_members(v, fn))) for k, v in node.pairs])
    if isinstance(node, list):
        return [_map_members(v, fn) for v in node]
    return node


def mask(value: Node, keep_format: bool, keep_sign: bool = True) -> Node:
    if isinstance(value, Masked | Obj | list):
        return value
    fmt = format_class(value) if keep_format else ""
    return Masked(jtype(value), fmt if keep_sign else fmt.removeprefix("-"))


@dataclass(frozen=True, slots=True)
class MaskKeys:
    """Mask the value of every member named in ``keys``, at any depth (times, ids, balances).

    ``keep_format`` keeps the value's format class ("decimal string with 8 places");
    ``keep_sign=False`` drops its sign from it, for values whose sign is state (a PnL)."""

    keys: tuple[str, ...]
    keep_format: bool = False
    keep_sign: bool = True

    def __call__(self, node: Node) -> Node:
        return _map_members(node, lambda k, v: mask(v, self.keep_format, self.keep_sign) if k in self.keys else v)


@dataclass(frozen=True, slots=True)
class MaskPrice:
    """Mask a price string of members named in ``keys``, keeping only whether it is written with a
    decimal point: a Java double always has one (``"37140.0"``), a plain decimal may not
    (``"37140"``). Its digits are the position's own (``"313.20000000000005"`` is a double's
    rounding of an average), so their count is not compared."""

    keys: tuple[str, ...]

    def __call__(self, node: Node) -> Node:
        def price(k: str, v: Node) -> Node:
            if k in self.keys and isinstance(v, str):
                return Masked(jtype(v), "with point" if "." in v else "without point")
            return v

        return _map_members(node, price)


@dataclass(frozen=True, slots=True)
class Without:
    """Leave out members named in ``keys`` and the ``filters`` entries whose ``filterType`` is in
    ``filter_types``, at any depth: for a capture older than a documented change to them, which a
    newer capture's case compares instead."""

    keys: tuple[str, ...] = ()
    filter_types: tuple[str, ...] = ()

    def __call__(self, node: Node) -> Node:
        if isinstance(node, Obj):
            pairs = [(k, self(v)) for k, v in node.pairs if k not in self.keys]
            return Obj([(k, self._drop(v) if k == "filters" else v) for k, v in pairs])
        if isinstance(node, list):
            return [self(v) for v in node]
        return node

    def _drop(self, filters: Node) -> Node:
        if not isinstance(filters, list):
            return filters
        return [f for f in filters if not (isinstance(f, Obj) and f.get("filterType") in self.filter_types)]


@dataclass(frozen=True, slots=True)
class SymbolFilters:
    """exchangeInfo's ``filters`` of ``symbol``, for a capture that quotes only those; an array is
    left as it is (the capture itself)."""

    symbol: str

    def __call__(self, node: Node) -> Node:
        symbols = node.get("symbols") if isinstance(node, Obj) else None
        for entry in symbols if isinstance(symbols, list) else ():
            if isinstance(entry, Obj) and entry.get("symbol") == self.symbol:
                return entry.get("filters")
        return node


@dataclass(frozen=True, slots=True)
class SubText:
    """Replace ``pattern`` by ``replacement`` in the string values of members named ``key``
    (an IP address inside an error message, say)."""

    key: str
    pattern: str
    replacement: str

    def __call__(self, node: Node) -> Node:
        regex = re.compile(self.pattern)

        def sub(k: str, v: Node) -> Node:
            return regex.sub(self.replacement, v) if k == self.key and isinstance(v, str) else v

        return _map_members(node, sub)


@dataclass(frozen=True, slots=True)
class RowOf:
    """The top-level array's row whose ``key`` equals ``value``, as an object; an object is left as
    it is. For a capture that quotes one row of a list (another account's symbol, say)."""

    key: str
    value: str

    def __call__(self, node: Node) -> Node:
        if not isinstance(node, list):
            return node
        for row in node:
            if isinstance(row, Obj) and row.get(self.key) == self.value:
                return row
        return node


@dataclass(frozen=True, slots=True)
class FirstRow:
    """Keep only the first row of arrays held by members named ``member`` (or of the top-level
    array): for lists whose length depends on the account, not on the server's shape."""

    member: str | None = None

    def __call__(self, node: Node) -> Node:
        def first(v: Node) -> Node:
            return v[:1] if isinstance(v, list) else v

        if self.member is None:
            return first(node)
        return _map_members(node, lambda k, v: first(v) if k == self.member else v)


@dataclass(frozen=True, slots=True)
class Unwrap:
    """A one-element top-level array becomes its element: to compare the element of an answer
    whose wrapping is a separate, declared difference (an array on one side, an object on the
    other would otherwise stop the comparison at the root)."""

    def __call__(self, node: Node) -> Node:
        return node[0] if isinstance(node, list) and len(node) == 1 else node


@dataclass(frozen=True, slots=True)
class SortKeys:
    """Sort the keys of the objects in arrays held by members named ``member``: for objects whose
    key order the server does not keep stable (exchangeInfo filters vary between captures)."""

    member: str

    def __call__(self, node: Node) -> Node:
        def sort(v: Node) -> Node:
            if not isinstance(v, list):
                return v
            return [Obj(sorted(row.pairs, key=lambda kv: kv[0])) if isinstance(row, Obj) else row for row in v]

        return _map_members(node, lambda k, v: sort(v) if k == self.member else v)


def apply_all(transformers: tuple[Transformer, ...], node: Node) -> Node:
    for transformer in transformers:
        node = transformer(node)
    return node


#: Response headers whose value changes with the minute a test runs in: kept only as a form.
def mask_header(name: str, value: str) -> str:
    if name == "x-mbx-used-weight-1m" and value.isdigit():
        return "<digits>"
    return value
