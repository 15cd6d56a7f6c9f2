"""Keys of the normalised table: hashing each distinct value once, the sort order of the hashes,
and the first row of each natural key (duplicates) (no Django imports)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from doudi.core.id_hashing import KeyedHasher
from doudi.exchange.validation.arrays import _mask


def _hasher(id_hash: Callable[[str], str]) -> Callable[[list[str]], list[str]]:
    """Hash many values: a `KeyedHasher` (what ingestion passes, with the registry's key) hashes
    them with its prepared HMAC states; any other function is called per value."""
    if isinstance(id_hash, KeyedHasher):
        return id_hash.many
    return lambda values: [id_hash(value) for value in values]


def _string_order(strings: pa.Array) -> np.ndarray:
    """Indices sorting a string array without nulls bytewise, as Arrow sorts strings. Strings of
    one width (hex digests) are sorted as a fixed-width byte view of the Arrow buffer."""
    if not len(strings):
        return np.array([], dtype=np.int64)
    lengths = pc.binary_length(strings)
    width = pc.max(lengths).as_py()
    if width and pc.min(lengths).as_py() == width and strings.offset == 0:
        data = strings.buffers()[2]
        start = int(np.frombuffer(strings.buffers()[1], dtype=np.int32)[0])
        view = np.frombuffer(data, dtype=f"S{width}", count=len(strings), offset=start)
        if b"\0" not in data.to_pybytes()[start : start + width * len(strings)]:
            return np.argsort(view, kind="stable")
    return np.asarray(pc.sort_indices(strings), dtype=np.int64)


def _hash_array(
    values: pa.Array, hash_many: Callable[[list[str]], list[str]]
) -> tuple[pa.Array, np.ndarray]:
    """Hash each distinct non-null value once; nulls stay null. Also returns each row's rank in
    the sort order of the hashes (nulls after all others)."""
    encoded = values.dictionary_encode()
    digests = hash_many(encoded.dictionary.to_pylist())
    hashed = pa.array(digests, pa.string())
    order = _string_order(hashed)
    rank = np.empty(len(digests) + 1, dtype=np.int64)
    rank[order] = np.arange(len(digests))
    rank[len(digests)] = len(digests)
    indices = np.asarray(pc.fill_null(encoded.indices, len(digests)), dtype=np.int64)
    return hashed.take(encoded.indices), rank[indices]


def _first_occurrence(keys: list[pa.Array], eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Among `eligible` rows: (their positions, position of the first eligible row with an
    equal key). Nulls compare equal, like `None` in a tuple."""
    positions = np.flatnonzero(eligible)
    codes = np.zeros(len(positions), dtype=np.int64)
    selector = _mask(eligible)
    for number, array in enumerate(keys):
        encoded = array.filter(selector).dictionary_encode(null_encoding="encode")
        codes = codes * len(encoded.dictionary) + np.asarray(encoded.indices, dtype=np.int64)
        if number < len(keys) - 1:
            codes = np.unique(codes, return_inverse=True)[1].ravel()
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return positions, positions[first[inverse.ravel()]]
