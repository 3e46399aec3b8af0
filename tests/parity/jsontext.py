"""JSON as text: parse a body keeping what ``json.loads`` throws away.

Parity is about bytes a client sees, so a parsed body here keeps each number's literal (``1.0``
and ``1`` differ), each object's key order (a list of pairs, duplicates kept) and masked values
(``Masked``: what a transformer left of a volatile value — its JSON type and format class).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TypeAlias

_DECIMAL = re.compile(r"^-?\d+(?:\.(\d+))?$")
_MASKED = re.compile(r"^<masked (\w+)(?::(.*))?>$")


@dataclass(frozen=True, slots=True)
class Num:
    """A JSON number as written: ``literal`` is its exact text."""

    literal: str


@dataclass(frozen=True, slots=True)
class Masked:
    """A value a transformer masked: its JSON type and (if kept) its format class."""

    jtype: str
    fmt: str = ""


@dataclass(slots=True)
class Obj:
    """A JSON object as written: its (key, value) pairs in order."""

    pairs: list[tuple[str, Node]]

    def keys(self) -> list[str]:
        return [k for k, _ in self.pairs]

    def get(self, key: str) -> Node | None:
        for k, v in self.pairs:
            if k == key:
                return v
        return None


Node: TypeAlias = "Obj | list[Node] | str | Num | Masked | bool | None"


def _string_or_mask(value: str) -> str | Masked:
    found = _MASKED.match(value)
    return Masked(found.group(1), found.group(2) or "") if found else value


def _revive(node: object) -> Node:
    if isinstance(node, Obj):
        return Obj([(k, _revive(v)) for k, v in node.pairs])
    if isinstance(node, list):
        return [_revive(v) for v in node]
    if isinstance(node, str):
        return _string_or_mask(node)
    assert node is None or isinstance(node, bool | Num), node
    return node


def parse(text: str) -> Node:
    """Parse JSON text; a string written as ``"<masked TYPE:FORMAT>"`` comes back as ``Masked``."""
    raw = json.loads(text, object_pairs_hook=Obj, parse_float=Num, parse_int=Num, parse_constant=Num)
    return _revive(raw)


def render(node: Node) -> str:
    """Compact JSON text (Binance's own layout); literals, key order and masks survive a round trip."""
    if isinstance(node, Obj):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{render(v)}" for k, v in node.pairs) + "}"
    if isinstance(node, list):
        return "[" + ",".join(render(v) for v in node) + "]"
    if isinstance(node, Num):
        return node.literal
    if isinstance(node, Masked):
        return json.dumps(f"<masked {node.jtype}:{node.fmt}>" if node.fmt else f"<masked {node.jtype}>")
    return json.dumps(node, ensure_ascii=False)


def jtype(node: Node) -> str:
    """The JSON type a client's decoder sees: an integer literal and a float literal differ."""
    if isinstance(node, Masked):
        return node.jtype
    if node is None:
        return "null"
    if isinstance(node, bool):
        return "bool"
    if isinstance(node, Num):
        return "int" if re.fullmatch(r"-?\d+", node.literal) else "float"
    if isinstance(node, str):
        return "string"
    return "array" if isinstance(node, list) else "object"


def text_of(node: Node) -> str:
    """A leaf as text: a string's content, a number's literal (for sources that lost JSON types)."""
    if isinstance(node, Num):
        return node.literal
    if isinstance(node, str):
        return node
    return render(node)


def format_class(node: Node) -> str:
    """How a leaf is written, beyond its type: ``decimal:8`` (8 places), ``-decimal:8`` (negative),
    ``decimal:0``, ``number`` (an exponent), ``text``."""
    if isinstance(node, Masked):
        return node.fmt
    if isinstance(node, Num | str):
        text = text_of(node)
        found = _DECIMAL.match(text)
        if found:
            sign = "-" if text.startswith("-") else ""
            return f"{sign}decimal:{len(found.group(1) or '')}"
        return "number" if isinstance(node, Num) else "text"
    return ""


def is_leaf(node: Node) -> bool:
    return not isinstance(node, Obj | list)
