"""Vectors that ship with kcgraph: what the embedded encoders make of every text the default
job encodes (the vendored ESCO and ISCO-08 texts and the bundled statements).

A first run reads them instead of encoding for minutes. They are float16 package data in
``data/vectors/``, one file per encoder id (model and package version, e.g.
``e5-small-q4@0.3.0.npy``). An encoder of another version finds no file and encodes as before.
A text is found by the first 16 bytes of the SHA-256 of its UTF-8 bytes, the key the embedding
cache uses too. ``make vectors`` (``bench/ship_vectors.py``) makes the files again.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..files import write_atomic
from ..resources import resource_dir

__all__ = ["ShippedVectors", "read_cache", "shipped_dir", "text_key", "write_shipped"]

#: Bytes of the SHA-256 digest that key a shipped vector.
KEY_BYTES = 16


def text_key(text: str) -> str:
    """The embedding cache's key of a text: its SHA-256, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shipped_dir() -> Path:
    return resource_dir("data") / "vectors"


def _path(directory: Path, encoder_id: str) -> Path:
    return directory / f"{encoder_id}.npy"


def _dtype(dim: int) -> np.dtype:
    return np.dtype([("key", f"V{KEY_BYTES}"), ("vec", "<f2", (dim,))])


class _Table:
    def __init__(self, path: Path) -> None:
        self.rows = np.load(path, mmap_mode="r")
        raw = np.ascontiguousarray(self.rows["key"]).tobytes()
        starts = range(0, len(raw), KEY_BYTES)
        self.index = {raw[i : i + KEY_BYTES]: n for n, i in enumerate(starts)}


class ShippedVectors:
    """The shipped vectors of each encoder id, opened (memory-mapped) on first use."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else shipped_dir()
        self._tables: dict[str, _Table | None] = {}

    def _table(self, encoder_id: str) -> _Table | None:
        if encoder_id not in self._tables:
            path = _path(self.directory, encoder_id)
            self._tables[encoder_id] = _Table(path) if path.is_file() else None
        return self._tables[encoder_id]

    def lookup(self, encoder_id: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The float32 vectors of those ``keys`` (hex SHA-256) that ship for ``encoder_id``."""
        table = self._table(encoder_id)
        if table is None:
            return {}
        rows = {k: table.index.get(bytes.fromhex(k[: 2 * KEY_BYTES])) for k in keys}
        found = {k: n for k, n in rows.items() if n is not None}
        if not found:
            return {}
        vectors = np.asarray(table.rows["vec"][sorted(found.values())], dtype=np.float32)
        position = {n: i for i, n in enumerate(sorted(found.values()))}
        return {k: vectors[position[n]] for k, n in found.items()}


def write_shipped(directory: Path, encoder_id: str, vectors: dict[str, np.ndarray]) -> Path:
    """Write one encoder's vectors (hex key -> vector), sorted by key: the same vectors give
    the same bytes."""
    keys = sorted(vectors)
    dim = len(vectors[keys[0]])
    rows = np.zeros(len(keys), dtype=_dtype(dim))
    rows["key"] = [bytes.fromhex(k[: 2 * KEY_BYTES]) for k in keys]
    rows["vec"] = np.stack([vectors[k] for k in keys]).astype("<f2")
    import io

    buffer = io.BytesIO()
    np.save(buffer, rows, allow_pickle=False)
    path = _path(directory, encoder_id)
    write_atomic(path, buffer.getvalue())
    return path


def read_cache(cache_file: Path) -> dict[str, dict[str, np.ndarray]]:
    """Every vector in an embedding cache file, by encoder id."""
    out: dict[str, dict[str, np.ndarray]] = {}
    with sqlite3.connect(cache_file) as db:
        for model, key, dim, blob in db.execute("SELECT model, key, dim, vec FROM vectors"):
            out.setdefault(model, {})[key] = np.frombuffer(blob, dtype=np.float32, count=dim)
    return out
