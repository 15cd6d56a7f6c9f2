"""Protection of ID numbers at rest: encrypted (Fernet, rotatable keys) plus a keyed hash for
exact lookup, so that a database dump does not reveal them."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from doudi.core.id_hashing import keyed_hash


@cache
def _fernet() -> MultiFernet:
    keys = settings.DOUDI_ID_ENCRYPTION_KEYS
    if not keys:
        raise RuntimeError("DOUDI_ID_ENCRYPTION_KEYS 未配置")
    return MultiFernet([Fernet(key) for key in keys])


@cache
def id_number_hash_key() -> bytes:
    """The key of `id_number_hash` (setting DOUDI_ID_HASH_KEY), for callers that hash many
    numbers with `id_hashing.KeyedHasher` in code that imports no Django."""
    return settings.DOUDI_ID_HASH_KEY.encode("utf-8")


def id_number_encrypt(number: str) -> str:
    """Encrypt a normalised ID number with the newest key."""
    return _fernet().encrypt(number.encode("ascii")).decode("ascii")


def id_number_decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise RuntimeError("身份证号码密文无法用当前密钥解密") from error


def id_number_hash(number: str) -> str:
    """Keyed HMAC-SHA256 of a normalised ID number: equal numbers, equal hashes; no key, no reversal."""
    return keyed_hash(number, key=id_number_hash_key())


def field_encrypt(value: str) -> str:
    """Encrypt another sensitive field (bank account numbers) with the same rotatable keys."""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def field_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
