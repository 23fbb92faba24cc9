"""Propose cross-profile mappings: exact lexical matches plus the top-K fused candidates.

Candidates are ranked as :class:`~kcgraph.match.proposals.Candidate` (two
:class:`~kcgraph.match.items.Item` and their scores);
:func:`~kcgraph.match.proposals.to_semantic_mapping` turns each into the typed SSSOM record
that leaves the match room.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ...terms import (
    CLOSE_MATCH,
    COMPOSITE_MATCHING,
    EXACT_MATCH,
    LEXICAL_MATCHING,
    SEMANTIC_SIMILARITY,
)
from ..engine import Engine
from ..items import Item
from ..proposals import Candidate, to_semantic_mapping
from ..queue import cut_by_expected_precision
from .neighbours import Approximate, neighbour_pool
from .scoring import Scorer

if TYPE_CHECKING:
    from .ranker import Ranker

__all__ = [
    "POOL",
    "CandidateTable",
    "Scoring",
    "candidate_table",
    "pair_tables",
    "predict_candidates",
    "predict_mappings",
    "to_candidates",
    "top_k_blocks",
]


def _normal(label: str) -> str:
    return " ".join(label.casefold().split())


def top_k_blocks(
    scorer: Scorer,
    *,
    top_k: int,
    block_size: int = 512,
    workers: int | None = None,
    pool: np.ndarray | None = None,
    rows: range | None = None,
) -> Iterator[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]]:
    """For blocks of query items (``rows``, a range that starts at a multiple of
    ``block_size``; default: every item): the top-K items of each *other* profile.

    Yields ``(first_row, profile, indices, fused, signals)`` where ``indices`` and ``fused``
    have shape (rows, K) and ``signals`` (signals, rows, K), in block order. Blocks run on
    ``workers`` threads (the BLAS and sparse products release the GIL); memory stays bounded
    by (workers x signals x block x items) floats.

    With ``pool`` (one row per item of ``rows``, P candidate indices, ``-1`` for none: see
    :func:`~kcgraph.match.crosswalk.neighbours.neighbour_pool`), each row is scored exactly
    against its pool only, and the top-K per other profile are taken from it; a profile
    with no candidate in a block's pools is not yielded for that block, and a row with
    fewer than K of a profile has ``-inf`` fused scores in the rest.
    """
    profiles = list(dict.fromkeys(item.profile for item in scorer.items))
    owner = scorer.owners
    bounds = _profile_bounds(owner, len(profiles))
    rows = rows if rows is not None else range(len(scorer.items))

    def run(start: int) -> list[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]]:
        stop = min(start + block_size, rows.stop)
        if pool is None:
            return _exact_block(scorer, owner, profiles, bounds, start, stop, top_k)
        part = pool[start - rows.start : stop - rows.start]
        return _pool_block(scorer, owner, profiles, part, start, top_k)

    starts = range(rows.start, rows.stop, block_size)
    workers = workers or min(4, os.cpu_count() or 1)
    if workers == 1 or len(starts) == 1:
        for start in starts:
            yield from run(start)
        return
    with ThreadPoolExecutor(workers) as threads:
        pending = []
        for start in starts:  # keep at most `workers` blocks in flight
            pending.append(threads.submit(run, start))
            if len(pending) >= workers:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


def _profile_bounds(owner: np.ndarray, profiles: int) -> list[tuple[int, int]]:
    """Each profile's first and past-last item (the items come profile by profile)."""
    return [
        (int(np.argmax(owner == i)), int(len(owner) - np.argmax(owner[::-1] == i)))
        for i in range(profiles)
    ]


def _exact_block(
    scorer: Scorer,
    owner: np.ndarray,
    profiles: list[str],
    bounds: list[tuple[int, int]],
    start: int,
    stop: int,
    top_k: int,
) -> list[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`top_k_blocks` for one block of rows, each scored against every item."""
    all_signals = scorer.signals(slice(start, stop), slice(None))
    fused = all_signals.mean(axis=0)
    out = []
    for index, (lo, hi) in enumerate(bounds):
        block = fused[:, lo:hi].copy()
        block[owner[start:stop] == index] = -np.inf  # no pair within one profile
        k = min(top_k, hi - lo)
        part = np.argpartition(-block, k - 1, axis=1)[:, :k]
        part_scores = np.take_along_axis(block, part, axis=1)
        order = np.lexsort((part, -part_scores), axis=1)
        chosen = np.take_along_axis(part, order, axis=1)
        chosen_scores = np.take_along_axis(part_scores, order, axis=1)
        signals = np.take_along_axis(all_signals[:, :, lo:hi], chosen[None, :, :], axis=2)
        out.append((start, profiles[index], chosen + lo, chosen_scores, signals))
    return out


def _pool_block(
    scorer: Scorer,
    owner: np.ndarray,
    profiles: list[str],
    candidates: np.ndarray,
    start: int,
    top_k: int,
) -> list[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`top_k_blocks` for one block of rows from ``start``, each scored against its
    pool (``candidates``: a row each) only."""
    rows, width = candidates.shape
    valid = candidates >= 0
    signals = scorer.pool_signals(start, candidates)
    fused = np.where(valid, signals.mean(axis=0), np.float32(-np.inf)).astype(np.float32)
    columns = np.where(valid, candidates, 0)
    profile = np.where(valid, owner[columns], len(profiles))
    # per row: by profile, then best fused first, then index (as the exact search orders)
    order = np.lexsort((columns, -fused, profile), axis=1)
    columns, fused, profile = (
        np.take_along_axis(a, order, axis=1) for a in (columns, fused, profile)
    )
    signals = np.take_along_axis(signals, order[None, :, :], axis=2)
    places = np.broadcast_to(np.arange(width), (rows, width))
    first = np.ones((rows, width), dtype=bool)
    first[:, 1:] = profile[:, 1:] != profile[:, :-1]
    place = places - np.maximum.accumulate(np.where(first, places, 0), axis=1)
    keep = (place < top_k) & (profile < len(profiles))
    r, p, k = np.nonzero(keep)[0], profile[keep], place[keep]
    k_out = np.full((len(profiles), rows, top_k), 0, dtype=np.int64)
    f_out = np.full((len(profiles), rows, top_k), -np.inf, dtype=np.float32)
    s_out = np.zeros((len(signals), len(profiles), rows, top_k), dtype=np.float32)
    k_out[p, r, k] = columns[keep]
    f_out[p, r, k] = fused[keep]
    s_out[:, p, r, k] = signals[:, keep]
    return [(start, profiles[i], k_out[i], f_out[i], s_out[:, i]) for i in np.unique(p).tolist()]


#: Candidates per statement and other profile that the learned ranker re-scores.
POOL = 20


@dataclass(frozen=True)
class CandidateTable:
    """Candidates as columns, one row per pair of item indices, before they become
    :class:`~kcgraph.match.proposals.Candidate` records: a large corpus's tens of millions
    of candidates fit in memory as arrays, not as records.

    ``subject``, ``object``: int32 item indices; ``rank``: int16 (ranks up to ``top_k``);
    ``exact``: identical texts (score 1, rank 1, no per-signal cosines); ``signals``: shape
    (signals, rows), the parts of the fused ``score``; ``confidence``: the ranker's
    probability (``None``: no ranker).
    """

    subject: np.ndarray
    object: np.ndarray
    exact: np.ndarray
    rank: np.ndarray
    score: np.ndarray
    signals: np.ndarray
    confidence: np.ndarray | None

    def __len__(self) -> int:
        return len(self.subject)

    @staticmethod
    def empty(signals: int, ranked: bool = False) -> CandidateTable:
        """A table of no rows (``signals`` parts of the score)."""
        return CandidateTable(
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=bool),
            np.zeros(0, dtype=np.int16),
            np.zeros(0, dtype=np.float32),
            np.zeros((signals, 0), dtype=np.float32),
            np.zeros(0) if ranked else None,
        )

    def take(self, rows: np.ndarray) -> CandidateTable:
        """The rows ``rows`` (indices), in that order."""
        return CandidateTable(
            self.subject[rows],
            self.object[rows],
            self.exact[rows],
            self.rank[rows],
            self.score[rows],
            self.signals[:, rows],
            None if self.confidence is None else self.confidence[rows],
        )

    @staticmethod
    def concat(parts: list[CandidateTable]) -> CandidateTable:
        """The rows of ``parts`` (at least one), one after the other; empties ``parts``, and
        joins one column at a time, so that at most one column is held twice."""
        names = ["subject", "object", "exact", "rank", "score", "signals", "confidence"]
        columns = {name: [getattr(p, name) for p in parts] for name in names}
        parts.clear()

        def join(name: str) -> np.ndarray:
            arrays = columns.pop(name)  # the parts' column is freed once joined
            return np.concatenate(arrays, axis=1 if name == "signals" else 0)

        ranked = all(c is not None for c in columns["confidence"])
        return CandidateTable(
            join("subject"),
            join("object"),
            join("exact"),
            join("rank"),
            join("score"),
            join("signals"),
            join("confidence") if ranked else None,
        )


def candidate_table(
    scorer: Scorer,
    *,
    top_k: int,
    threshold: float,
    exclude: Collection[frozenset[str]] = (),
    block_size: int = 512,
    ranker: Ranker | None = None,
    approximate: Approximate | None = None,
    engine: Engine | None = None,
) -> CandidateTable:
    """:func:`predict_candidates` as a table, before the queue is cut: one row per pair, in
    the orientation first offered (exact matches, then the blocks in order), never a pair of
    ``exclude``. An exact match wins, else the best rank, else the row offered first. On a
    cluster (``engine``), the index's search and the blocks run as its tasks."""
    if len(scorer.items) >= 2**31:
        raise ValueError("at most 2**31 - 1 statements are matched at once")
    learned = ranker if ranker is not None and ranker.trained else None
    parts = [_exact_table(scorer, learned)]
    depth = max(POOL, top_k) if learned else top_k
    candidates = (
        neighbour_pool(scorer, max(approximate.pool, depth), engine=engine)
        if approximate is not None and approximate.applies(scorer)
        else None
    )
    scoring = Scoring(scorer, learned, depth, top_k, threshold, block_size)
    parts += pair_tables(scoring, candidates, engine)
    del candidates  # done with: freed before the table is sorted
    table = CandidateTable.concat(parts)
    return _first_per_pair(table, len(scorer.items), _excluded(scorer.items, exclude))


#: Blocks of rows per scoring task on a cluster.
BLOCKS_PER_TASK = 16


@dataclass(frozen=True)
class Scoring:
    """What every block's scoring shares: the scorer, the trained ranker (or none), the
    candidates looked at per other profile (``depth``) and those kept (``top_k``)."""

    scorer: Scorer
    ranker: Ranker | None
    depth: int
    top_k: int
    threshold: float
    block_size: int


def pair_tables(
    scoring: Scoring, pool: np.ndarray | None, engine: Engine | None = None
) -> Iterator[CandidateTable]:
    """The pair scoring of :func:`candidate_table`: the candidates of every row (against its
    ``pool``, or every item), in row order: a table per block here, per task on a cluster."""
    n = len(scoring.scorer.items)
    if engine is None:
        yield from _block_tables((range(n), pool), scoring, workers=None)
        return
    span = scoring.block_size * BLOCKS_PER_TASK
    bounds = [range(lo, min(lo + span, n)) for lo in range(0, n, span)]
    tasks = [(r, None if pool is None else pool[r.start : r.stop]) for r in bounds]
    yield from engine.map(_score_rows, tasks, scoring)


def _block_tables(
    part: tuple[range, np.ndarray | None], shared: Scoring, workers: int | None
) -> Iterator[CandidateTable]:
    """The candidates of the rows ``part[0]`` (their pools ``part[1]``, or every item), a
    table per block, in order."""
    rows, pool = part
    for start, _, indices, fused, signals in top_k_blocks(
        shared.scorer,
        top_k=shared.depth,
        block_size=shared.block_size,
        workers=workers,
        pool=pool,
        rows=rows,
    ):
        block = _Block(start, indices, fused, signals)
        yield _block_table(block, shared.top_k, shared.threshold, shared.ranker)


def _score_rows(part: tuple[range, np.ndarray | None], shared: Scoring) -> CandidateTable:
    """:func:`_block_tables` as one table: a task on a cluster (one thread: the workers are
    the parallelism)."""
    tables = list(_block_tables(part, shared, workers=1))
    if not tables:
        return CandidateTable.empty(len(shared.scorer.names), ranked=shared.ranker is not None)
    return CandidateTable.concat(tables)


def _excluded(items: list[Item], exclude: Collection[frozenset[str]]) -> np.ndarray:
    """The pairs of ``exclude`` whose both items are in ``items``, as pair keys
    (``low * items + high``), sorted."""
    index = {item.iri: i for i, item in enumerate(items)}
    keys = []
    for pair in exclude:
        found = sorted(index[iri] for iri in pair if iri in index)
        if len(found) == 2:
            keys.append(found[0] * len(items) + found[1])
    return np.unique(np.array(keys, dtype=np.int64))


def _first_per_pair(table: CandidateTable, n: int, excluded: np.ndarray) -> CandidateTable:
    """One row per pair of the ``n`` items (either orientation), none of ``excluded``: an
    exact match, else the best rank, else the row that comes first; rows in their order."""
    low = np.minimum(table.subject, table.object).astype(np.int64)
    key = low * n + np.maximum(table.subject, table.object)
    del low
    # stable: among rows of one pair, exactness and rank, the one offered first stays first
    order = np.lexsort((table.rank, ~table.exact, key))
    ordered = key[order]
    del key
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    first &= ~np.isin(ordered, excluded)
    return table.take(np.sort(order[first]))


def _exact_table(scorer: Scorer, ranker: Ranker | None) -> CandidateTable:
    """A row for each pair of identical texts (case and spacing aside) across profiles, in
    both orientations, with the ranker's probability when there is one."""
    items = scorer.items
    by_text: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        by_text.setdefault(_normal(item.label), []).append(i)
    pairs = [
        (a, b)
        for same in by_text.values()
        if len(same) > 1
        for a in same
        for b in same
        if items[a].profile != items[b].profile
    ]
    q = np.array([a for a, _ in pairs], dtype=np.int32)
    c = np.array([b for _, b in pairs], dtype=np.int32)
    return CandidateTable(
        q,
        c,
        np.ones(len(q), dtype=bool),
        np.ones(len(q), dtype=np.int16),
        np.ones(len(q), dtype=np.float32),
        np.full((len(scorer.names), len(q)), np.nan, dtype=np.float32),
        ranker.score(q, c) if ranker is not None else None,
    )


@dataclass(frozen=True)
class _Block:
    """One block of :func:`top_k_blocks`: rows from ``start``, their candidates' indices,
    fused scores and per-signal cosines."""

    start: int
    indices: np.ndarray
    fused: np.ndarray
    signals: np.ndarray


def _block_table(
    block: _Block, top_k: int, threshold: float, ranker: Ranker | None
) -> CandidateTable:
    """The top-K candidates of each row of a block, row by row, best first: by fused score
    at or above ``threshold``, or (with a ranker) by the ranker's probability."""
    fused = block.fused
    ok = np.isfinite(fused) & (fused >= threshold)
    probability = _probability(block, ok, ranker) if ranker is not None else None
    # each row's due cells in rank order (by probability, else as ranked), the first top-K
    order = (
        np.argsort(-probability, axis=1, kind="stable")
        if probability is not None
        else np.broadcast_to(np.arange(fused.shape[1]), fused.shape)
    )
    due = np.take_along_axis(ok, order, axis=1)
    rank = np.cumsum(due, axis=1)
    rows, places = np.nonzero(due & (rank <= top_k))
    cols = order[rows, places]
    return CandidateTable(
        (block.start + rows).astype(np.int32),
        block.indices[rows, cols].astype(np.int32),
        np.zeros(len(rows), dtype=bool),
        rank[rows, places].astype(np.int16),
        fused[rows, cols],
        block.signals[:, rows, cols],
        None if probability is None else probability[rows, cols],
    )


def _probability(block: _Block, ok: np.ndarray, ranker: Ranker) -> np.ndarray:
    """The ranker's probability of each candidate of a block (-1 where none is due)."""
    rows = np.repeat(np.arange(block.fused.shape[0]), block.fused.shape[1])
    q = block.start + rows
    c = block.indices.reshape(-1)
    valid = ok.reshape(-1)
    probability = np.full(q.shape, -1.0)
    probability[valid] = ranker.score(q[valid], c[valid])
    return probability.reshape(block.fused.shape)


def to_candidates(scorer: Scorer, table: CandidateTable) -> list[Candidate]:
    """The table's rows as records, each with its subject from the profile that comes
    first in the manifest."""
    items, names = scorer.items, scorer.names
    justification = (
        COMPOSITE_MATCHING
        if len(names) > 1
        else (LEXICAL_MATCHING if names == ["tfidf"] else SEMANTIC_SIMILARITY)
    )
    owner = scorer.owners.tolist()
    confidence = table.confidence.tolist() if table.confidence is not None else None
    signals = table.signals.T.tolist()
    out = []
    columns = (table.subject, table.object, table.exact, table.rank, table.score)
    rows = zip(*(a.tolist() for a in columns), strict=True)
    for row, (q, c, exact, rank, score) in enumerate(rows):
        p = None if confidence is None else confidence[row]
        if exact:
            candidate = Candidate(
                items[q], items[c], EXACT_MATCH, LEXICAL_MATCHING, 1.0, 1, confidence=p
            )
        else:
            detail = {name: round(s, 4) for name, s in zip(names, signals[row], strict=True)}
            candidate = Candidate(
                items[q],
                items[c],
                CLOSE_MATCH,
                justification,
                round(score, 4),
                rank,
                detail,
                None if p is None else round(p, 4),
            )
        if owner[q] > owner[c]:  # the subject from the profile that comes first
            candidate = candidate.flipped()
        out.append(candidate)
    return out


def predict_candidates(
    scorer: Scorer,
    *,
    top_k: int,
    threshold: float,
    exclude: Collection[frozenset[str]] = (),
    block_size: int = 512,
    ranker: Ranker | None = None,
    target_precision: float | None = None,
    approximate: Approximate | None = None,
    engine: Engine | None = None,
) -> list[Candidate]:
    """Exact matches of identical texts, then the top-K candidates per other profile.

    Candidates have a fused score at or above ``threshold``. Without a trained ``ranker``
    they are the top-K by fused score. With one, the top :data:`POOL` by fused score are
    re-ranked by the ranker's probability and the top-K of those kept; with
    ``target_precision`` the queue is then cut by expected precision: the longest run, most
    probable first, whose mean probability reaches it. A pair is listed once (subject from
    the profile that comes first in the manifest), never within one profile, and never when
    ``exclude`` holds it. With ``approximate`` and enough items, each statement's candidates
    come from its pool of approximate nearest neighbours (:mod:`.neighbours`), scored
    exactly.
    """
    table = candidate_table(
        scorer,
        top_k=top_k,
        threshold=threshold,
        exclude=exclude,
        block_size=block_size,
        ranker=ranker,
        approximate=approximate,
        engine=engine,
    )
    chosen = to_candidates(scorer, table)
    if table.confidence is not None and target_precision is not None:
        chosen = _cut(chosen, target_precision)
    return sorted(chosen, key=_order)


def _cut(candidates: list[Candidate], target: float) -> list[Candidate]:
    """Exact lexical matches, and the longest run of the others (most probable first) whose
    expected precision reaches ``target``."""
    exact = [c for c in candidates if c.predicate == EXACT_MATCH]
    rest = sorted(
        (c for c in candidates if c.predicate != EXACT_MATCH),
        key=lambda c: (-(c.confidence or 0.0), c.subject.iri, c.object.iri),
    )
    return exact + cut_by_expected_precision(rest, lambda c: c.confidence or 0.0, target)


def _order(m: Candidate) -> tuple[str, str, str, float, str]:
    return (m.subject.profile, m.object.profile, m.subject.iri, -m.score, m.object.iri)


def predict_mappings(
    scorer: Scorer,
    converter: curies.Converter,
    *,
    top_k: int,
    threshold: float,
    exclude: Collection[frozenset[str]] = (),
    block_size: int = 512,
    ranker: Ranker | None = None,
    target_precision: float | None = None,
    versions: dict[str, str] | None = None,
    approximate: Approximate | None = None,
    engine: Engine | None = None,
) -> list[SemanticMapping]:
    """:func:`predict_candidates` as SSSOM records, in the same order (``versions``: scheme
    IRI -> the version of the document or vocabulary)."""
    measure = "mean cosine (" + ", ".join(scorer.names) + ")"
    return [
        to_semantic_mapping(c, converter, measure=measure, versions=versions)
        for c in predict_candidates(
            scorer,
            top_k=top_k,
            threshold=threshold,
            exclude=exclude,
            block_size=block_size,
            ranker=ranker,
            target_precision=target_precision,
            approximate=approximate,
            engine=engine,
        )
    ]
