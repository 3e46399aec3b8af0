"""The comparison itself: each kind of difference is found, reported by path, and judged."""

from __future__ import annotations

import pytest

from tests.parity.compare import Difference, KnownDifference, compare, judge
from tests.parity.jsontext import parse, render
from tests.parity.snapfile import Answer, Known, Snapshot
from tests.parity.transform import MaskKeys, MaskPrice, RowOf, SortKeys, SubText, SymbolFilters, Unwrap, Without

JSON = {"content-type": "application/json"}
WHOLE = Known()


def snap(
    body: str | None, status: int | None = 200, known: Known = WHOLE, headers: dict[str, str] | None = None
) -> Snapshot:
    return Snapshot("t", "GET /x", {"kind": "capture"}, status, headers or {}, body, "json", known)


def kinds(snapshot: Snapshot, text: str, status: int = 200, **kw: object) -> list[tuple[str, str]]:
    headers = {**JSON, "content-length": str(len(text.encode()))}
    found = compare(snapshot, Answer(status, headers, text), **kw)  # type: ignore[arg-type]
    return [(d.path, d.kind) for d in found]


def test_literals_order_and_masks_survive_a_round_trip() -> None:
    text = '{"b":1.0,"a":[1,"0.00",true,null],"c":"<masked int:decimal:0>"}'
    assert render(parse(text)) == text


def test_identical_answers_have_no_difference() -> None:
    body = '{"code":200,"msg":"success","amount":0.5}'
    assert kinds(snap(body), body) == []


@pytest.mark.parametrize(
    ("real", "ours", "expected"),
    [
        ('{"a":1.0}', '{"a":1}', [("$.a", "type")]),  # float literal vs int literal
        ('{"a":"1"}', '{"a":1}', [("$.a", "type")]),  # string vs number
        ('{"a":"0.10"}', '{"a":"0.1"}', [("$.a", "format")]),  # decimal places
        ('{"a":"-4.04422425"}', '{"a":"4.04422425"}', [("$.a", "format")]),  # sign
        ('{"a":"x"}', '{"a":"y"}', [("$.a", "value")]),
        ('{"a":1,"b":2}', '{"b":2,"a":1}', [("$", "key order")]),
        ('{"a":1,"b":2}', '{"a":1}', [("$.b", "missing key")]),
        ('{"a":1}', '{"a":1,"b":2}', [("$.b", "extra key")]),
        ("[1,2]", "[1]", [("$", "length")]),
        ("[{}]", "{}", [("$", "type")]),
        ('{"code":-1102,"msg":"x"}', '{"code":-1130,"msg":"y"}', [("$.code", "code"), ("$.msg", "message")]),
    ],
)
def test_each_kind_of_difference_is_found(real: str, ours: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(snap(real), ours) == expected


def test_status_headers_and_body_format() -> None:
    snapshot = snap('{"code":-1}', status=400, headers={"content-length": "11"})
    assert kinds(snapshot, '{"code":-1}', status=404) == [("status", "status")]
    assert kinds(snapshot, '{"code":-10}', status=400) == [("header:content-length", "header"), ("$.code", "code")]
    html = Snapshot("t", "GET /x", {"kind": "capture"}, 404, {}, None, "html")
    assert kinds(html, '{"code":-1099}', status=404) == [("$", "body format")]


def test_what_the_source_does_not_show_is_not_compared() -> None:
    partial = snap('{"msg":"m"}', known=Known(whole_body=False, key_order=False, json_types=True))
    assert kinds(partial, '{"code":-1,"msg":"m"}') == []
    untyped = snap('{"amount":"10","code":"200"}', known=Known(True, False, False))
    assert kinds(untyped, '{"code":200,"amount":10}') == []
    assert kinds(untyped, '{"code":200,"amount":10.0}') == [("$.amount", "format")]


def test_transformers_mask_values_but_keep_type_and_format() -> None:
    money = MaskKeys(("balance",), keep_format=True)
    assert kinds(snap('{"balance":"9385.95730535"}'), '{"balance":"10000.00000000"}', transformers=(money,)) == []
    assert kinds(snap('{"balance":"9385.95730535"}'), '{"balance":"10000"}', transformers=(money,)) == [
        ("$.balance", "format")
    ]
    assert kinds(snap('{"t":1}'), '{"t":"1"}', transformers=(MaskKeys(("t",)),)) == [("$.t", "type")]
    ip = SubText("msg", r"\d+(?:\.\d+){3}", "<ip>")
    assert kinds(snap('{"msg":"ip: 1.2.3.4"}'), '{"msg":"ip: 5.6.7.8"}', transformers=(ip,)) == []
    row = RowOf("symbol", "ETHUSDT")
    assert (
        kinds(
            snap('{"symbol":"ETHUSDT","a":1}'), '[{"symbol":"BTCUSDT"},{"symbol":"ETHUSDT","a":1}]', transformers=(row,)
        )
        == []
    )


def test_a_masked_price_keeps_only_its_decimal_point() -> None:
    price = (MaskPrice(("entryPrice",)),)
    real = snap('{"entryPrice":"313.20000000000005"}')
    assert kinds(real, '{"entryPrice":"50000.0"}', transformers=price) == []
    assert kinds(real, '{"entryPrice":"50000"}', transformers=price) == [("$.entryPrice", "format")]
    assert kinds(real, '{"entryPrice":50000.0}', transformers=price) == [("$.entryPrice", "type")]


def test_without_and_symbol_filters() -> None:
    old = snap('{"s":[{"settlePlan":0,"filters":[{"filterType":"A"},{"filterType":"OLD"}]}]}')
    ours = '{"s":[{"filters":[{"filterType":"A"},{"filterType":"NEW"}],"permissionSets":[]}]}'
    assert ("$.s[0].settlePlan", "missing key") in kinds(old, ours)
    assert kinds(old, ours, transformers=(Without(("settlePlan", "permissionSets"), ("OLD", "NEW")),)) == []
    assert kinds(old, ours, transformers=(Without(("settlePlan", "permissionSets"), ("OLD",)),)) == [
        ("$.s[0].filters", "length")
    ]
    answer = '{"symbols":[{"symbol":"ETHUSDT","filters":[]},{"symbol":"BTCUSDT","filters":[{"a":"1"}]}]}'
    pick = (SymbolFilters("BTCUSDT"),)
    assert kinds(snap('[{"a":"1"}]'), answer, transformers=pick) == []
    assert kinds(snap('[{"a":"2"}]'), answer, transformers=pick) == [("$[0].a", "value")]


def test_unwrap_and_sort_keys() -> None:
    assert kinds(snap('[{"a":"1.0"}]'), '{"a":"1"}', transformers=(Unwrap(),)) == [("$.a", "format")]
    assert kinds(snap('[{"a":1},{"a":2}]'), "[]", transformers=(Unwrap(),)) == [("$", "length")]
    filters = '{"filters":[{"b":1,"filterType":"X"}]}'
    assert kinds(snap(filters), '{"filters":[{"filterType":"X","b":1}]}') == [("$.filters[0]", "key order")]
    assert kinds(snap(filters), '{"filters":[{"filterType":"X","b":1}]}', transformers=(SortKeys("filters"),)) == []


def test_judge_explains_fails_and_catches_stale_declarations() -> None:
    diff = Difference("$[3].amount", "format", "decimal:8", "decimal:0")
    declared = KnownDifference("$[*].amount", "format", "audit #4: amounts have 8 decimals")
    assert judge([diff], (declared,)).ok
    verdict = judge([diff], ())
    assert not verdict.ok and "$[3].amount: format: real decimal:8, isomargin decimal:0" in verdict.report("c")
    stale = judge([], (declared,))
    assert not stale.ok and "no longer different" in stale.report("c")
    assert not judge([diff], (KnownDifference("$[*].amount", "value", "wrong kind"),)).ok


def test_a_declaration_needs_a_reason_and_a_known_kind() -> None:
    with pytest.raises(AssertionError):
        KnownDifference("$", "format", " ")
    with pytest.raises(AssertionError):
        KnownDifference("$", "colour", "why")
