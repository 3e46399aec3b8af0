"""The fast path of form parsing (no '%' or '+') answers exactly like the general decoder."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from isomargin import errors
from isomargin.api import params


def slow(raw: bytes) -> dict[str, str] | int:
    found: dict[str, str] = {}
    try:
        for name, value in params._pairs(raw):
            if name in found:
                raise errors.DUPLICATE_PARAMETER.error()
            if len(found) >= params.MAX_PARAMS:
                raise errors.TOO_MANY_PARAMETERS.error()
            found[name] = value
    except errors.ApiError as exc:
        return int(exc.body()["code"])
    return found


def fast(raw: bytes) -> dict[str, str] | int:
    try:
        return params._parse_source(raw)
    except errors.ApiError as exc:
        return int(exc.body()["code"])


PIECES = st.sampled_from([b"a", b"b", b"amount", b"=", b"&", b"&&", b"1", b"\xc3\xa9", b"\xff", b"\xe2\x82"])


@given(st.lists(PIECES, max_size=40).map(b"".join))
def test_fast_path_equals_general_decoder(raw: bytes) -> None:
    assert fast(raw) == slow(raw)


def test_many_parameters_still_refused() -> None:
    raw = "&".join(f"p{i}=1" for i in range(params.MAX_PARAMS + 1)).encode()
    answer = fast(raw)
    assert isinstance(answer, int) and answer == slow(raw)
