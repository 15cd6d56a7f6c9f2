"""Keyed hashing of ID numbers (`core.id_hashing`), pure, and the registry hash built on it."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from doudi.core.id_hashing import KeyedHasher, keyed_hash
from doudi.core.tests.purity import django_modules_loaded_by

NUMBERS = ["350112198005170013", "35011219800517001X", "", "110101199003077777"]


@pytest.mark.parametrize(
    ("_case", "key"),
    [("short key", b"doudi-demo-hash-key"), ("empty key", b""), ("key above a block", b"k" * 65)],
)
def test_the_prepared_hasher_gives_the_hmac_of_every_value(_case, key):
    expected = [hmac.new(key, n.encode("ascii"), hashlib.sha256).hexdigest() for n in NUMBERS]

    assert [keyed_hash(n, key=key) for n in NUMBERS] == expected
    assert KeyedHasher(key).many(NUMBERS) == expected
    assert [KeyedHasher(key)(n) for n in NUMBERS] == expected


def test_another_key_gives_other_hashes():
    assert keyed_hash(NUMBERS[0], key=b"a") != keyed_hash(NUMBERS[0], key=b"b")


def test_the_registry_hash_is_the_keyed_hash_under_the_settings_key(settings):
    from doudi.core.id_protection import id_number_hash, id_number_hash_key

    key = settings.DOUDI_ID_HASH_KEY.encode("utf-8")
    assert id_number_hash_key() == key
    assert id_number_hash(NUMBERS[0]) == keyed_hash(NUMBERS[0], key=key)


def test_it_imports_without_django():
    loaded = django_modules_loaded_by(
        """
        from doudi.core.id_hashing import KeyedHasher, keyed_hash
        assert KeyedHasher(b"k").many(["1"]) == [keyed_hash("1", key=b"k")]
        """
    )
    assert loaded == []
