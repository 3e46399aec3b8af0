"""Compare an answer with a snapshot, field by field, and judge the differences against a case's
declared known differences.

Reported kinds: ``status``, ``header``, ``body format`` (JSON vs an HTML page), ``missing key``,
``extra key``, ``key order``, ``length``, ``type`` (string vs number, int vs float literal),
``format`` (decimal places, ``"0"`` vs ``"0.0"``), ``code``, ``message`` and ``value``. What the
snapshot's source does not show (``Snapshot.known``) is not compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.parity.jsontext import Masked, Node, Obj, format_class, is_leaf, jtype, parse, render, text_of
from tests.parity.snapfile import Answer, Known, Snapshot
from tests.parity.transform import Transformer, apply_all, mask_header

KINDS = (
    "status",
    "header",
    "body format",
    "missing key",
    "extra key",
    "key order",
    "length",
    "type",
    "format",
    "code",
    "message",
    "value",
)


@dataclass(frozen=True, slots=True)
class Difference:
    path: str  # "$.brackets[0].cum", "header:content-type", "status"
    kind: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}: real {self.expected}, isomargin {self.actual}"


@dataclass(frozen=True, slots=True)
class KnownDifference:
    """A difference a case expects, with its reason: ``path`` may use ``[*]`` for any index."""

    path: str
    kind: str
    reason: str

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind
        assert self.reason.strip(), "a known difference needs its reason"

    def matches(self, difference: Difference) -> bool:
        pattern = re.escape(self.path).replace(r"\[\*\]", r"\[\d+\]")
        return difference.kind == self.kind and re.fullmatch(pattern, difference.path) is not None


def _short(node: Node) -> str:
    text = render(node)
    return text if len(text) <= 80 else text[:77] + "..."


class _Walker:
    def __init__(self, known: Known) -> None:
        self.known = known
        self.found: list[Difference] = []

    def add(self, path: str, kind: str, expected: str, actual: str) -> None:
        self.found.append(Difference(path, kind, expected, actual))

    def walk(self, exp: Node, act: Node, path: str) -> None:
        if isinstance(exp, Obj):
            if not isinstance(act, Obj):
                self.add(path, "type", "object", jtype(act))
                return
            self._object(exp, act, path)
        elif isinstance(exp, list):
            if not isinstance(act, list):
                self.add(path, "type", "array", jtype(act))
                return
            if self.known.whole_body and len(exp) != len(act):
                self.add(path, "length", str(len(exp)), str(len(act)))
            for index, (e, a) in enumerate(zip(exp, act, strict=False)):
                self.walk(e, a, f"{path}[{index}]")
        else:
            self._leaf(exp, act, path)

    def _object(self, exp: Obj, act: Obj, path: str) -> None:
        exp_keys, act_keys = exp.keys(), act.keys()
        for key in exp_keys:
            if key not in act_keys:
                self.add(f"{path}.{key}", "missing key", _short(exp.get(key)), "(absent)")
        if self.known.whole_body:
            for key in act_keys:
                if key not in exp_keys:
                    self.add(f"{path}.{key}", "extra key", "(absent)", _short(act.get(key)))
        if self.known.key_order:
            exp_order = [k for k in exp_keys if k in act_keys]
            act_order = [k for k in act_keys if k in exp_keys]
            if exp_order != act_order:
                self.add(path, "key order", ",".join(exp_order), ",".join(act_order))
        for key, value in exp.pairs:
            other = act.get(key)
            if key in act_keys:
                self.walk(value, other, f"{path}.{key}")

    def _leaf(self, exp: Node, act: Node, path: str) -> None:
        if not is_leaf(act):
            self.add(path, "type", jtype(exp), jtype(act))
            return
        value_kind = {"$.code": "code", "$.msg": "message"}.get(path, "value")
        if self.known.json_types:
            if jtype(exp) != jtype(act):
                self.add(path, "type", f"{jtype(exp)} {_short(exp)}", f"{jtype(act)} {_short(act)}")
                return
            if format_class(exp) != format_class(act):
                self.add(path, "format", f"{format_class(exp)} {_short(exp)}", f"{format_class(act)} {_short(act)}")
                return
        else:
            # The source re-typed numbers as strings: compare how each value is written.
            exp_fmt = exp.fmt if isinstance(exp, Masked) else format_class(text_of(exp))
            act_fmt = act.fmt if isinstance(act, Masked) else format_class(text_of(act))
            if exp_fmt != act_fmt:
                self.add(path, "format", f"{exp_fmt} {_short(exp)}", f"{act_fmt} {_short(act)}")
                return
        if isinstance(exp, Masked) or isinstance(act, Masked):
            if isinstance(exp, Masked) != isinstance(act, Masked):
                self.add(path, value_kind, _short(exp), _short(act))
            return
        if text_of(exp) != text_of(act):
            self.add(path, value_kind, _short(exp), _short(act))


def compare(snapshot: Snapshot, answer: Answer, transformers: tuple[Transformer, ...] = ()) -> list[Difference]:
    """Every difference between ``snapshot`` and ``answer`` that the snapshot's source can show."""
    found: list[Difference] = []
    if snapshot.status is not None and snapshot.status != answer.status:
        found.append(Difference("status", "status", str(snapshot.status), str(answer.status)))
    for name, expected in snapshot.headers.items():
        actual = answer.headers.get(name)
        if actual is None or mask_header(name, actual) != mask_header(name, expected):
            found.append(Difference(f"header:{name}", "header", expected, actual or "(absent)"))
    if snapshot.body_format != answer.body_format:
        found.append(Difference("$", "body format", snapshot.body_format, answer.body_format))
        return found
    if snapshot.body is None:
        return found
    if snapshot.body_format != "json":
        if snapshot.body != answer.text:
            found.append(Difference("$", "value", snapshot.body[:80], answer.text[:80]))
        return found
    walker = _Walker(snapshot.known)
    walker.walk(apply_all(transformers, parse(snapshot.body)), apply_all(transformers, parse(answer.text)), "$")
    return found + walker.found


@dataclass(frozen=True, slots=True)
class Verdict:
    unexplained: list[Difference]  # differences no declaration explains: the case fails
    stale: list[KnownDifference]  # declarations no difference matched: the case fails too
    explained: list[tuple[Difference, KnownDifference]]

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.stale

    def report(self, case: str) -> str:
        lines = [f"parity case {case!r} differs from the real server:"]
        lines += [f"  - {d}" for d in self.unexplained]
        lines += [
            f"  - declared but no longer different (remove it): {k.path} {k.kind} ({k.reason})" for k in self.stale
        ]
        return "\n".join(lines)


def judge(differences: list[Difference], known: tuple[KnownDifference, ...]) -> Verdict:
    explained = [(d, k) for d in differences for k in known if k.matches(d)]
    explained_diffs = {id(d) for d, _ in explained}
    used = {id(k) for _, k in explained}
    return Verdict(
        unexplained=[d for d in differences if id(d) not in explained_diffs],
        stale=[k for k in known if id(k) not in used],
        explained=explained,
    )
