"""SecretBox keeps opened secrets (docs/BENCHMARKS.md): the cache must never change an answer."""

from __future__ import annotations

import os

import pytest

from isomargin.auth.keystore import MasterKeyError, SecretBox


def test_a_resealed_secret_opens_to_the_new_value_not_the_cached_one() -> None:
    box = SecretBox(os.urandom(32))
    old = box.seal("key-1", "old-secret")
    assert box.open("key-1", old) == "old-secret"
    new = box.seal("key-1", "new-secret")
    assert box.open("key-1", new) == "new-secret"
    assert box.open("key-1", old) == "old-secret"


def test_a_sealed_text_opens_only_for_its_own_api_key_even_after_being_cached() -> None:
    box = SecretBox(os.urandom(32))
    sealed = box.seal("key-1", "secret")
    assert box.open("key-1", sealed) == "secret"
    with pytest.raises(MasterKeyError):
        box.open("key-2", sealed)  # the API key is the AEAD's associated data


def test_another_master_key_still_fails_after_the_right_one_opened_it() -> None:
    right, wrong = SecretBox(os.urandom(32)), SecretBox(os.urandom(32))
    sealed = right.seal("key-1", "secret")
    assert right.open("key-1", sealed) == "secret"
    with pytest.raises(MasterKeyError):
        wrong.open("key-1", sealed)
    with pytest.raises(MasterKeyError):  # a failure is not cached as anything either
        wrong.open("key-1", sealed)


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SecretBox, "OPENED_MAX", 3)
    box = SecretBox(os.urandom(32))
    sealed = [(f"key-{i}", box.seal(f"key-{i}", f"secret-{i}")) for i in range(10)]
    for i, (api_key, text) in enumerate(sealed):
        assert box.open(api_key, text) == f"secret-{i}"
    assert len(box._opened) <= 3
