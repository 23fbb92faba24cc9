"""The crosswalk's fused similarity of statement pairs: lexical and semantic cosines,
averaged."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from ..cache import EmbeddingCache, embed_with_progress
from ..encoders import Encoder
from ..items import Item
from ..lexical import fit_tfidf

__all__ = ["Scorer", "profile_centred"]


def profile_centred(vectors: np.ndarray, profiles: Sequence[str]) -> np.ndarray:
    """``vectors`` minus the mean vector of their profile, re-normalised to unit length."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    owner = np.asarray(profiles)
    for profile in dict.fromkeys(profiles):
        rows = owner == profile
        out[rows] -= out[rows].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)


class Scorer:
    """Holds every signal's vectors for a list of items and scores blocks of item pairs.

    The fused score of a pair is the unweighted mean of its cosines: character n-gram
    TF-IDF (when ``lexical``) and one cosine per semantic encoder.
    """

    def __init__(
        self,
        items: Sequence[Item],
        *,
        encoders: Sequence[Encoder],
        cache: EmbeddingCache,
        lexical: bool = True,
        progress: bool = True,
    ) -> None:
        self.items = list(items)
        #: show progress of long work on stderr (:mod:`kcgraph.progress`)
        self.progress = progress
        self.names: list[str] = []
        hits, misses = cache.hits, cache.misses
        self._dense: list[np.ndarray] = []
        self._sparse: Any = None
        texts = [item.embed_text for item in self.items]
        if lexical:
            _, self._sparse = fit_tfidf(texts, cache=cache.path.parent / "tfidf")
            self.names.append("tfidf")
        for encoder in encoders:
            self._dense.append(embed_with_progress(cache, encoder, texts, progress=progress))
            self.names.append(encoder.id.split("@")[0])
        if not self.names:
            raise ValueError("at least one signal is needed")
        self.dense_names = self.names[1:] if lexical else list(self.names)
        #: texts read from the embedding cache / newly encoded, summed over encoders
        self.cache_hits, self.cache_misses = cache.hits - hits, cache.misses - misses

    @cached_property
    def owners(self) -> np.ndarray:
        """Each item's profile as a number, profiles numbered in the order they first come
        (the manifest's)."""
        number: dict[str, int] = {}
        return np.array(
            [number.setdefault(item.profile, len(number)) for item in self.items], dtype=np.int64
        )

    @cached_property
    def _sparse_t(self) -> Any:
        """The TF-IDF matrix transposed (CSR), for whole-corpus blocks (made when first asked)."""
        return self._sparse.T.tocsr()

    @cached_property
    def centred(self) -> list[np.ndarray]:
        """The dense vectors with each profile's mean subtracted (then re-normalised): what
        is common to a profile's wording says little about what a statement means (made
        when first asked: a large corpus matched without a ranker never needs them)."""
        profiles = [item.profile for item in self.items]
        return [profile_centred(v, profiles) for v in self._dense]

    def signals(self, rows: np.ndarray | slice, cols: np.ndarray | slice) -> np.ndarray:
        """Cosines of every signal for ``rows`` x ``cols``: shape (signals, rows, cols)."""
        parts = []
        if self._sparse is not None:
            whole = isinstance(cols, slice) and cols == slice(None)
            right = self._sparse_t if whole else self._sparse[cols].T
            parts.append((self._sparse[rows] @ right).toarray().astype(np.float32, copy=False))
        for vectors in self._dense:
            parts.append(vectors[rows] @ vectors[cols].T)
        return np.stack(parts)

    def pair_signals(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Cosines of every signal for the pairs ``q[i]``-``c[i]``: shape (signals, pairs)."""
        q, c = np.asarray(q, dtype=np.int64), np.asarray(c, dtype=np.int64)
        parts = []
        if self._sparse is not None:
            both = self._sparse[q].multiply(self._sparse[c])
            parts.append(np.asarray(both.sum(axis=1)).ravel().astype(np.float32))
        for vectors in self._dense:
            parts.append(np.einsum("ij,ij->i", vectors[q], vectors[c]).astype(np.float32))
        return np.stack(parts) if parts else np.zeros((0, len(q)), dtype=np.float32)

    def pool_signals(self, start: int, pool: np.ndarray) -> np.ndarray:
        """Cosines of every signal for each row of a block from ``start`` against its
        ``pool`` (rows x width item indices, ``-1``: none): shape (signals, rows, width),
        ``0`` where none. The block's TF-IDF rows are made dense once and read against each
        candidate's sparse row, and each encoder's candidates against their row's vector,
        instead of both sides gathered for every pair."""
        rows, width = pool.shape
        columns = np.where(pool >= 0, pool, 0).astype(np.int64)
        parts = []
        if self._sparse is not None:
            block = self._sparse[start : start + rows].toarray()
            right = self._sparse[columns.ravel()]
            owner = np.repeat(np.repeat(np.arange(rows), width), np.diff(right.indptr))
            right.data = right.data * block[owner, right.indices]
            parts.append(np.asarray(right.sum(axis=1), dtype=np.float32).reshape(rows, width))
        for vectors in self._dense:
            mine = vectors[start : start + rows, :, None]
            parts.append(np.matmul(vectors[columns], mine)[..., 0].astype(np.float32))
        out = np.stack(parts)
        out[:, pool < 0] = 0.0
        return out

    def fused(self, rows: np.ndarray | slice, cols: np.ndarray | slice) -> np.ndarray:
        return self.signals(rows, cols).mean(axis=0)
