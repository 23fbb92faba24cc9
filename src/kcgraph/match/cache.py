"""On-disk embedding cache: one SQLite file, keyed by encoder id and text."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import KcgraphError
from ..progress import counter
from .encoders import Encoder, encode_batches
from .engine import Engine
from .shipped import ShippedVectors, text_key

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["EmbeddingCache", "embed_with_progress"]

#: Batches of texts per encoding task on a cluster (each batch as the encoder reads it).
BATCHES_PER_TASK = 8


class EmbeddingCache:
    """Vectors already computed are read back; only new texts are encoded.

    A text neither cached nor shipped (:mod:`kcgraph.match.shipped`) is encoded and cached.
    Concurrent processes are safe: SQLite serialises the writes.
    """

    def __init__(
        self, directory: str | Path, *, shipped: bool = True, engine: Engine | None = None
    ) -> None:
        """``directory``: the cache folder (:attr:`kcgraph.Settings.embedding_cache_dir`);
        ``shipped``: read the shipped vectors (:attr:`kcgraph.Settings.shipped_vectors`);
        ``engine``: where the texts not found are encoded (:mod:`.engine`; default here)."""
        self.shipped = ShippedVectors() if shipped else None
        self.engine = engine
        self.path = Path(directory) / "embeddings.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, dim INTEGER, vec BLOB,"
            " PRIMARY KEY (model, key))"
        )
        self.hits = 0
        self.misses = 0

    @classmethod
    def of(cls, settings: Settings, engine: Engine | None = None) -> EmbeddingCache:
        """The cache a run's settings name (folder, and whether shipped vectors are read),
        encoding on ``engine``."""
        return cls(settings.embedding_cache_dir, shipped=settings.shipped_vectors, engine=engine)

    def close(self) -> None:
        self._db.close()

    def embed(
        self,
        encoder: Encoder,
        texts: Sequence[str],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Vectors for ``texts`` (in order), encoding only those not cached yet."""
        keys = [text_key(t) for t in texts]
        unique = sorted(set(keys))
        found = self.shipped.lookup(encoder.id, unique) if self.shipped else {}
        unique = [k for k in unique if k not in found]
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, dim, blob in self._db.execute(
                f"SELECT key, dim, vec FROM vectors WHERE model = ? AND key IN ({marks})",
                [encoder.id, *chunk],
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32, count=dim)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        self.hits += len(set(keys)) - len(missing)
        self.misses += len(missing)
        todo = list(missing.items())
        batches = [
            todo[s : s + encoder.batch_size] for s in range(0, len(todo), encoder.batch_size)
        ]
        for batch, vectors in zip(batches, self._encode(encoder, batches), strict=True):
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                    [
                        (encoder.id, k, v.shape[0], v.astype(np.float32).tobytes())
                        for (k, _), v in zip(batch, vectors, strict=True)
                    ],
                )
            for (k, _), v in zip(batch, vectors, strict=True):
                found[k] = v
            if progress:
                progress(len(batch))
        if not keys:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def _encode(
        self, encoder: Encoder, batches: list[list[tuple[str, str]]]
    ) -> Iterator[np.ndarray]:
        """Each batch's vectors, in order: here, or (on a cluster) partitions of
        :data:`BATCHES_PER_TASK` batches, each batch encoded whole as here."""
        texts = [[t for _, t in batch] for batch in batches]
        if self.engine is None:
            yield from (encoder.encode(batch) for batch in texts)
            return
        if not encoder.source:
            raise KcgraphError(f"encoder {encoder.id} was not loaded by name: it cannot be sent")
        parts = [texts[s : s + BATCHES_PER_TASK] for s in range(0, len(texts), BATCHES_PER_TASK)]
        for vectors in self.engine.map(encode_batches, parts, encoder.source):
            yield from vectors


def embed_with_progress(
    cache: EmbeddingCache,
    encoder: Encoder,
    texts: list[str],
    *,
    what: str = "",
    progress: bool = True,
) -> np.ndarray:
    """:meth:`EmbeddingCache.embed` with progress on stderr (:func:`kcgraph.progress.counter`)."""
    if not progress:
        return cache.embed(encoder, texts)
    label = f"encoding {what} ({encoder.id})" if what else f"encoding ({encoder.id})"
    with counter(label, len(set(texts)), "text") as done:
        return cache.embed(encoder, texts, progress=done)
