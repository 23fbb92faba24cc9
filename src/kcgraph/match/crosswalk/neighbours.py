"""Candidate pools for crosswalks past brute force: an approximate nearest-neighbour index.

Brute force scores every statement against every statement, so its cost grows with the
square of the corpus. From :attr:`kcgraph.Settings.ann_min_items` statements on, each
statement's candidates come instead from an HNSW index (`usearch`_) that stands in for the
fused score: one part per signal, each a unit vector scaled by ``1/sqrt(m)`` (``m``
signals), so that an inner product is the mean of the parts' cosines. The encoders' vectors
are their own parts; the TF-IDF signal's part is its low-rank projection (truncated SVD,
fitted on a fixed sample), since its sparse vectors have no index of their own. The index
gives each statement a pool of its nearest statements of other profiles;
:func:`~kcgraph.match.crosswalk.predict.top_k_blocks` then scores the pool exactly, with every
signal, and keeps the top-K per other profile.

The index is built in shards of :data:`SHARD` statements, each on one thread (in parallel):
the same vectors give the same graphs, and so the same pools, on any number of cores.

.. _usearch: https://github.com/unum-cloud/usearch
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from usearch.index import BatchMatches, Index

from ...progress import counter
from ..engine import Engine
from .scoring import Scorer

__all__ = ["Approximate", "build_index", "index_vectors", "neighbour_pool", "search_index"]

#: HNSW parameters: links per node, and the candidate lists kept while adding and searching
#: (usearch's defaults are 16 / 128 / 64; a search never keeps fewer than it is asked for),
#: and the scalar the vectors are kept in. Measured on 30,000 synthetic statements (docs/
#: crosswalk.md): a search list of 1,024 over 8-bit vectors agrees with brute force where
#: one of ~262 over 16-bit floats fell short, in the same time.
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 1024
DTYPE = "i8"
#: Statements per shard of the index (each shard is built on its own thread).
SHARD = 1_000_000
#: Statements added or searched between two progress updates.
CHUNK = 10_000
#: Dimensions of the TF-IDF signal's projection, and the statements its SVD is fitted on.
LEXICAL_DIMS = 512
LEXICAL_SAMPLE = 20_000


@dataclass(frozen=True)
class Approximate:
    """When candidates come from the approximate index, and how many per statement.

    ``min_items``: the fewest statements for which it is used (below, brute force);
    ``pool``: nearest statements of other profiles scored exactly per statement.
    """

    min_items: int
    pool: int

    def applies(self, scorer: Scorer) -> bool:
        return len(scorer.items) >= self.min_items


def index_vectors(scorer: Scorer) -> np.ndarray:
    """One row per item: each signal's unit vector (TF-IDF: its SVD projection, then
    re-normalised) scaled by ``1/sqrt(signals)``, side by side, so that an inner product is
    the mean of the parts' cosines. float16, as the index keeps them."""
    parts = [_lexical_projection(scorer._sparse)] if scorer._sparse is not None else []
    parts += [np.asarray(v, dtype=np.float32) for v in scorer._dense]
    if not parts:
        raise ValueError("an approximate index needs at least one signal")
    scale = np.float32(1.0 / math.sqrt(len(parts)))
    out = np.empty((len(parts[0]), sum(p.shape[1] for p in parts)), dtype=np.float16)
    at = 0
    for part in parts:  # filled in place, in chunks: no float32 copy of the whole
        for lo in range(0, len(part), CHUNK):
            out[lo : lo + CHUNK, at : at + part.shape[1]] = part[lo : lo + CHUNK] * scale
        at += part.shape[1]
    return out


def _lexical_projection(sparse: object) -> np.ndarray:
    from scipy.sparse import csr_matrix
    from sklearn.decomposition import TruncatedSVD

    matrix = csr_matrix(sparse)
    n, features = matrix.shape
    dims = min(LEXICAL_DIMS, features - 1, n - 1)
    if dims < 1:
        return np.ones((n, 1), dtype=np.float32)
    rows = np.sort(np.random.default_rng(0).choice(n, min(n, LEXICAL_SAMPLE), replace=False))
    svd = TruncatedSVD(dims, random_state=0).fit(matrix[rows])
    z = np.empty((n, dims), dtype=np.float32)
    for lo in range(0, n, CHUNK):  # in chunks: the SVD answers in float64
        part = svd.transform(matrix[lo : lo + CHUNK])
        norms = np.linalg.norm(part, axis=1, keepdims=True)
        z[lo : lo + CHUNK] = part / np.where(norms == 0, 1.0, norms)
    return z


def neighbour_pool(
    scorer: Scorer, pool: int, *, threads: int | None = None, engine: Engine | None = None
) -> np.ndarray:
    """For each item, up to ``pool`` nearest items of *other* profiles by the index's score
    (approximate), nearest first: int32 array (items, pool), ``-1`` where fewer. The index
    is built here; on a cluster (``engine``), each chunk of queries is searched by a task."""
    threads = threads or os.cpu_count() or 1
    shards, vectors = build_index(scorer, threads=threads)
    return search_index(scorer, shards, vectors, pool, threads=threads, engine=engine)


def build_index(scorer: Scorer, *, threads: int) -> tuple[list[Index], np.ndarray]:
    """The index's shards over every item, and the items' index vectors."""
    vectors = index_vectors(scorer)
    n = len(vectors)
    bounds = [(lo, min(lo + SHARD, n)) for lo in range(0, n, SHARD)]
    with _counting(scorer, "approximate index: adding", n) as added:

        def build(lo: int, hi: int) -> Index:
            index = Index(
                ndim=vectors.shape[1],
                metric="ip",
                dtype=DTYPE,
                connectivity=CONNECTIVITY,
                expansion_add=EXPANSION_ADD,
                expansion_search=EXPANSION_SEARCH,
            )
            for start in range(lo, hi, CHUNK):  # one thread per shard: the same graph
                stop = min(start + CHUNK, hi)
                index.add(np.arange(start, stop, dtype=np.uint64), vectors[start:stop], threads=1)
                added(stop - start)
            return index

        with ThreadPoolExecutor(max(1, min(threads, len(bounds)))) as workers:
            return list(workers.map(lambda b: build(*b), bounds)), vectors


def search_index(
    scorer: Scorer,
    shards: list[Index],
    vectors: np.ndarray,
    pool: int,
    *,
    threads: int,
    engine: Engine | None = None,
) -> np.ndarray:
    """:func:`neighbour_pool` from the index built (:func:`build_index`)."""
    owner = scorer.owners
    n = len(vectors)
    # a statement's own profile takes part of its neighbourhood: ask for twice its share more
    biggest = int(np.bincount(owner).max()) if n else 0
    ask = min(n, pool + min(biggest, 2 * math.ceil(pool * biggest / max(n, 1))))
    out = np.full((n, pool), -1, dtype=np.int32 if n < 2**31 else np.int64)
    chunks = [(lo, min(lo + CHUNK, n)) for lo in range(0, n, CHUNK)]
    with _counting(scorer, "approximate index: searching", n) as searched:
        if engine is None:
            for lo, hi in chunks:
                keys = _search(shards, vectors[lo:hi], ask, threads)
                out[lo:hi] = _others(keys, owner, owner[lo:hi], pool)
                searched(hi - lo)
            return out
        shared = _Searching([_saved(shard) for shard in shards], owner, ask, pool)
        del shards
        tasks = [(vectors[lo:hi], owner[lo:hi]) for lo, hi in chunks]
        for (lo, hi), found in zip(chunks, engine.map(_search_task, tasks, shared), strict=True):
            out[lo:hi] = found
            searched(hi - lo)
    return out


class _Searching:
    """What every search task shares: the index's shards (saved), the items' owners, how
    many neighbours are asked for and kept; the shards are restored once per worker."""

    def __init__(self, saved: list[bytes], owner: np.ndarray, ask: int, pool: int) -> None:
        self.saved, self.owner, self.ask, self.pool = saved, owner, ask, pool
        self._shards: list[Index] | None = None

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_shards": None}

    @property
    def shards(self) -> list[Index]:
        if self._shards is None:
            self._shards = [_restored(saved) for saved in self.saved]
        return self._shards


def _saved(index: Index) -> bytes:
    saved = index.save()
    assert saved is not None  # no path: the index as bytes
    return bytes(saved)


def _restored(saved: bytes) -> Index:
    """The index saved, searched as the one built is (a saved index keeps its graph, not
    its search list: restored, it would search with usearch's default)."""
    index = Index.restore(saved)
    assert index is not None  # bytes an index saved
    index.expansion_search = EXPANSION_SEARCH  # type: ignore[misc]  # (it has a setter)
    return index


def _search_task(part: tuple[np.ndarray, np.ndarray], shared: _Searching) -> np.ndarray:
    """One chunk's pools (its query vectors and their owners): a task on a cluster."""
    queries, own = part
    queries = np.array(queries, dtype=np.float16)  # a native copy: not the message's buffer
    keys = _search(shared.shards, queries, shared.ask, os.cpu_count() or 1)
    return _others(keys, shared.owner, own, shared.pool)


def _others(keys: np.ndarray, owner: np.ndarray, own: np.ndarray, pool: int) -> np.ndarray:
    """The first ``pool`` keys of each row (``-1``: none) owned by a profile other than the
    row's ``own``, in their order, padded with ``-1``."""
    valid = keys >= 0
    keep = valid & (owner[np.where(valid, keys, 0)] != own[:, None])
    order = np.argsort(~keep, axis=1, kind="stable")[:, :pool]  # stable: nearest first
    out = np.take_along_axis(keys, order, axis=1)
    out[~np.take_along_axis(keep, order, axis=1)] = -1
    if out.shape[1] < pool:
        out = np.pad(out, ((0, 0), (0, pool - out.shape[1])), constant_values=-1)
    return out


def _search(shards: list[Index], queries: np.ndarray, ask: int, threads: int) -> np.ndarray:
    """The ``ask`` nearest keys of each query over every shard, nearest first (ties: by key),
    ``-1`` where fewer."""
    keys, distances = [], []
    for shard in shards:
        k = min(ask, len(shard))
        found = shard.search(queries, k, threads=threads)
        assert isinstance(found, BatchMatches)  # queries is a matrix
        got = np.asarray(found.keys).astype(np.int64).reshape(len(queries), -1)
        far = np.asarray(found.distances, dtype=np.float64).reshape(len(queries), -1)
        missing = np.arange(got.shape[1])[None, :] >= np.asarray(found.counts).reshape(-1, 1)
        got[missing], far[missing] = -1, np.inf
        keys.append(got)
        distances.append(far)
    got, far = np.hstack(keys), np.hstack(distances)
    order = np.lexsort((got, far), axis=1)[:, :ask]
    out = np.take_along_axis(got, order, axis=1)
    if out.shape[1] < ask:
        out = np.pad(out, ((0, 0), (0, ask - out.shape[1])), constant_values=-1)
    return out


@contextmanager
def _counting(scorer: Scorer, label: str, total: int) -> Iterator[Callable[[int], None]]:
    if not scorer.progress:
        yield lambda _: None
        return
    with counter(label, total, "statement") as done:
        yield done
