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
from ..items import Item
from ..proposals import Candidate, to_semantic_mapping
from ..queue import cut_by_expected_precision
from .scoring import Scorer

if TYPE_CHECKING:
    from .ranker import Ranker

__all__ = ["POOL", "predict_candidates", "predict_mappings", "top_k_blocks"]


def _normal(label: str) -> str:
    return " ".join(label.casefold().split())


def top_k_blocks(
    scorer: Scorer, *, top_k: int, block_size: int = 512, workers: int | None = None
) -> Iterator[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]]:
    """For blocks of query items: the top-K items of each *other* profile.

    Yields ``(first_row, profile, indices, fused, signals)`` where ``indices`` and ``fused``
    have shape (rows, K) and ``signals`` (signals, rows, K), in block order. Blocks run on
    ``workers`` threads (the BLAS and sparse products release the GIL); memory stays bounded
    by (workers x signals x block x items) floats.
    """
    items = scorer.items
    profiles = list(dict.fromkeys(item.profile for item in items))
    owner = np.array([profiles.index(item.profile) for item in items])
    bounds = [
        (int(np.argmax(owner == i)), int(len(owner) - np.argmax(owner[::-1] == i)))
        for i in range(len(profiles))
    ]

    def one_block(start: int) -> list[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]]:
        stop = min(start + block_size, len(items))
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

    starts = range(0, len(items), block_size)
    workers = workers or min(4, os.cpu_count() or 1)
    if workers == 1 or len(starts) == 1:
        for start in starts:
            yield from one_block(start)
        return
    with ThreadPoolExecutor(workers) as pool:
        pending = []
        for start in starts:  # keep at most `workers` blocks in flight
            pending.append(pool.submit(one_block, start))
            if len(pending) >= workers:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


#: Candidates per statement and other profile that the learned ranker re-scores.
POOL = 20


class _Proposals:
    """The proposals so far, one per pair: subject from the profile that comes first in the
    manifest, never a pair of ``exclude``; an exact match, else the best rank, wins."""

    def __init__(self, items: list[Item], exclude: Collection[frozenset[str]]) -> None:
        self.rank_of_profile = {p: i for i, p in enumerate(dict.fromkeys(i.profile for i in items))}
        self.exclude = exclude
        self.chosen: dict[frozenset[str], Candidate] = {}

    def offer(self, mapping: Candidate) -> None:
        rank = self.rank_of_profile
        if rank[mapping.subject.profile] > rank[mapping.object.profile]:
            mapping = mapping.flipped()
        key = frozenset((mapping.subject.iri, mapping.object.iri))
        if key in self.exclude:
            return
        known = self.chosen.get(key)
        if known is None or (
            known.predicate != EXACT_MATCH
            and (mapping.predicate == EXACT_MATCH or mapping.rank < known.rank)
        ):
            self.chosen[key] = mapping


def predict_candidates(
    scorer: Scorer,
    *,
    top_k: int,
    threshold: float,
    exclude: Collection[frozenset[str]] = (),
    block_size: int = 512,
    ranker: Ranker | None = None,
    target_precision: float | None = None,
) -> list[Candidate]:
    """Exact matches of identical texts, then the top-K candidates per other profile.

    Candidates have a fused score at or above ``threshold``. Without a trained ``ranker``
    they are the top-K by fused score. With one, the top :data:`POOL` by fused score are
    re-ranked by the ranker's probability and the top-K of those kept; with
    ``target_precision`` the queue is then cut by expected precision: the longest run, most
    probable first, whose mean probability reaches it. A pair is listed once (subject from
    the profile that comes first in the manifest), never within one profile, and never when
    ``exclude`` holds it.
    """
    learned = ranker if ranker is not None and ranker.trained else None
    proposals = _Proposals(scorer.items, exclude)
    for candidate in _exact_candidates(scorer.items, learned):
        proposals.offer(candidate)
    pool = max(POOL, top_k) if learned else top_k
    for start, _, indices, fused, signals in top_k_blocks(
        scorer, top_k=pool, block_size=block_size
    ):
        block = _Block(start, indices, fused, signals)
        for candidate in _block_candidates(scorer, block, top_k, threshold, learned):
            proposals.offer(candidate)
    chosen = list(proposals.chosen.values())
    if learned and target_precision is not None:
        chosen = _cut(chosen, target_precision)
    return sorted(chosen, key=_order)


def _exact_candidates(items: list[Item], ranker: Ranker | None) -> list[Candidate]:
    """A candidate for each pair of identical texts (case and spacing aside) across profiles,
    with the ranker's probability when there is one."""
    index = {item.iri: i for i, item in enumerate(items)}
    by_text: dict[str, list[Item]] = {}
    for item in items:
        by_text.setdefault(_normal(item.label), []).append(item)
    pairs = [
        (a, b) for same in by_text.values() for a in same for b in same if a.profile != b.profile
    ]
    confidence: dict[tuple[int, int], float] = {}
    if ranker is not None and pairs:
        q = np.array([index[a.iri] for a, _ in pairs])
        c = np.array([index[b.iri] for _, b in pairs])
        scores = ranker.score(q, c).tolist()
        confidence = dict(zip(zip(q.tolist(), c.tolist(), strict=True), scores, strict=True))
    return [
        Candidate(
            a,
            b,
            EXACT_MATCH,
            LEXICAL_MATCHING,
            1.0,
            1,
            confidence=confidence.get((index[a.iri], index[b.iri])),
        )
        for a, b in pairs
    ]


@dataclass(frozen=True)
class _Block:
    """One block of :func:`top_k_blocks`: rows from ``start``, their candidates' indices,
    fused scores and per-signal cosines."""

    start: int
    indices: np.ndarray
    fused: np.ndarray
    signals: np.ndarray


def _block_candidates(
    scorer: Scorer, block: _Block, top_k: int, threshold: float, ranker: Ranker | None
) -> Iterator[Candidate]:
    """The top-K candidates of each row of a block: by fused score at or above
    ``threshold``, or (with a ranker) by the ranker's probability."""
    items, fused = scorer.items, block.fused
    names = scorer.names
    justification = (
        COMPOSITE_MATCHING
        if len(names) > 1
        else (LEXICAL_MATCHING if names == ["tfidf"] else SEMANTIC_SIMILARITY)
    )
    ok = np.isfinite(fused) & (fused >= threshold)
    probability = _probability(block, ok, ranker) if ranker is not None else None
    order = np.argsort(-probability, axis=1, kind="stable") if probability is not None else None
    for r in range(fused.shape[0]):
        columns = order[r].tolist() if order is not None else range(fused.shape[1])
        rank = 0
        for col in columns:
            if not ok[r, col]:
                continue
            rank += 1
            if rank > top_k:
                break
            detail = {
                name: round(float(block.signals[s, r, col]), 4) for s, name in enumerate(names)
            }
            yield Candidate(
                items[block.start + r],
                items[int(block.indices[r, col])],
                CLOSE_MATCH,
                justification,
                round(float(fused[r, col]), 4),
                rank,
                detail,
                round(float(probability[r, col]), 4) if probability is not None else None,
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
        )
    ]
