"""Which stream a URL names (trading reference §4.2), and the --user-stream-urls setting."""

from __future__ import annotations

import pytest

from isomargin.api.stream.urls import KeyRequest, StreamUrl, parse
from isomargin.config import Settings


def test_the_2026_forms() -> None:
    assert parse("/private/ws/abc", "") == StreamUrl("private", False, (KeyRequest("abc", None),))
    assert parse("/private/ws", "listenKey=abc&events=ACCOUNT_UPDATE/listenKeyExpired") == StreamUrl(
        "private", False, (KeyRequest("abc", frozenset({"ACCOUNT_UPDATE", "listenKeyExpired"})),)
    )
    # each events= belongs to the listenKey before it
    assert parse("/private/stream", "listenKey=a&events=X&listenKey=b&events=Y/Z&listenKey=c").keys == (
        KeyRequest("a", frozenset({"X"})),
        KeyRequest("b", frozenset({"Y", "Z"})),
        KeyRequest("c", None),
    )
    assert parse("/private/stream", "") == StreamUrl("private", True, ())
    assert parse("/market/stream", "streams=btcusdt@markPrice/!markPrice@arr") == StreamUrl(
        "market", True, (), ("btcusdt@markPrice", "!markPrice@arr")
    )
    assert parse("/market/ws/btcusdt@markPrice@1s", "") == StreamUrl("market", False, (), ("btcusdt@markPrice@1s",))


def test_legacy_forms_and_unknown_paths() -> None:
    assert parse("/ws/abc", "") == StreamUrl("legacy", False, (KeyRequest("abc", None),))
    assert parse("/stream", "streams=a/b") == StreamUrl("legacy", True, (KeyRequest("a", None), KeyRequest("b", None)))
    assert parse("/stream", "streams=k/btcusdt@markPrice") == StreamUrl(
        "legacy", True, (KeyRequest("k", None),), ("btcusdt@markPrice",)
    )
    assert parse("/ws", "") == StreamUrl("legacy", False, ())
    for path in ("/", "/fapi/v1/ping", "/private", "/private/stream/abc", "/private/other", "/ws/a/b"):
        assert parse(path, "") is None, path


def test_the_setting_accepts_current_and_legacy_only() -> None:
    assert Settings().user_stream_urls == "current"
    assert Settings(user_stream_urls="legacy").user_stream_urls == "legacy"
    with pytest.raises(ValueError, match="current or legacy"):
        Settings(user_stream_urls="mainnet")
