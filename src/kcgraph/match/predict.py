"""Propose cross-profile mappings: exact lexical matches plus the top-K fused candidates.

Candidates are ranked as :class:`Candidate` (two :class:`~kcgraph.match.scoring.Item` and
their scores); :func:`to_semantic_mapping` turns each into the typed SSSOM record that
leaves the match room.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import curies
import numpy as np
from curies import NamableReference, Reference
from sssom_pydantic import MappingTool, SemanticMapping, Slot
from sssom_pydantic.api import ExtensionDefinitionRecord

from ..version import VERSION
from .scoring import Item, Scorer

if TYPE_CHECKING:
    from .ranker import Ranker

__all__ = [
    "COSINE_SLOT",
    "RANK_SLOT",
    "Candidate",
    "extension_definitions",
    "predict_candidates",
    "predict_mappings",
    "signal_slot",
    "to_semantic_mapping",
    "top_k_blocks",
]

EXACT = "skos:exactMatch"
CLOSE = "skos:closeMatch"
LEXICAL = "semapv:LexicalMatching"
SEMANTIC = "semapv:SemanticSimilarityThresholdMatching"
COMPOSITE = "semapv:CompositeMatching"


@dataclass(frozen=True)
class Candidate:
    """One proposed link between two items, as ranked (before it becomes an SSSOM record)."""

    subject: Item
    object: Item
    predicate: str
    justification: str
    score: float
    rank: int
    signals: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    #: the learned ranker's probability that the link is right (None: no ranker trained)
    confidence: float | None = None

    def flipped(self) -> Candidate:
        return replace(self, subject=self.object, object=self.subject)


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

    Without a trained ``ranker`` the candidates are the top-K by fused score at or above
    ``threshold``. With one, the top :data:`POOL` by fused score are re-ranked by the
    ranker's probability, the top-K of those kept, and the queue is cut by expected
    precision: the longest run, most probable first, whose mean probability reaches
    ``target_precision``. A pair is listed once (subject from the profile that comes first
    in the manifest), never within one profile, and never when ``exclude`` holds it.
    """
    items = scorer.items
    learned = ranker is not None and ranker.trained
    rank_of_profile = {p: i for i, p in enumerate(dict.fromkeys(i.profile for i in items))}
    justification = (
        COMPOSITE if len(scorer.names) > 1 else (LEXICAL if scorer.names == ["tfidf"] else SEMANTIC)
    )
    proposals: dict[frozenset[str], Candidate] = {}

    def offer(mapping: Candidate) -> None:
        if rank_of_profile[mapping.subject.profile] > rank_of_profile[mapping.object.profile]:
            mapping = mapping.flipped()
        key = frozenset((mapping.subject.iri, mapping.object.iri))
        if key in exclude:
            return
        known = proposals.get(key)
        if known is None or (
            known.predicate != EXACT and (mapping.predicate == EXACT or mapping.rank < known.rank)
        ):
            proposals[key] = mapping

    index = {item.iri: i for i, item in enumerate(items)}
    by_text: dict[str, list[Item]] = {}
    for item in items:
        by_text.setdefault(_normal(item.label), []).append(item)
    exact_pairs = [
        (a, b) for same in by_text.values() for a in same for b in same if a.profile != b.profile
    ]
    exact_confidence = {}
    if learned and exact_pairs:
        q = np.array([index[a.iri] for a, _ in exact_pairs])
        c = np.array([index[b.iri] for _, b in exact_pairs])
        scores = ranker.score(q, c).tolist()  # type: ignore[union-attr]
        exact_confidence = dict(zip(zip(q.tolist(), c.tolist(), strict=True), scores, strict=True))
    for a, b in exact_pairs:
        p = exact_confidence.get((index[a.iri], index[b.iri]))
        offer(Candidate(a, b, EXACT, LEXICAL, 1.0, 1, confidence=p))

    pool = max(POOL, top_k) if learned else top_k
    for start, _, indices, fused, signals in top_k_blocks(
        scorer, top_k=pool, block_size=block_size
    ):
        ok = np.isfinite(fused) & (learned or fused >= threshold)
        if learned:
            rows_all = np.repeat(np.arange(fused.shape[0]), fused.shape[1])
            q = start + rows_all
            c = indices.reshape(-1)
            valid = ok.reshape(-1)
            probability = np.full(q.shape, -1.0)
            probability[valid] = ranker.score(q[valid], c[valid])  # type: ignore[union-attr]
            probability = probability.reshape(fused.shape)
            order = np.argsort(-probability, axis=1, kind="stable")
        for r in range(fused.shape[0]):
            columns = order[r].tolist() if learned else range(fused.shape[1])
            rank = 0
            for col in columns:
                if not ok[r, col]:
                    continue
                rank += 1
                if rank > top_k:
                    break
                subject, obj = items[start + r], items[int(indices[r, col])]
                detail = {
                    name: round(float(signals[s, r, col]), 4) for s, name in enumerate(scorer.names)
                }
                offer(
                    Candidate(
                        subject,
                        obj,
                        CLOSE,
                        justification,
                        round(float(fused[r, col]), 4),
                        rank,
                        detail,
                        round(float(probability[r, col]), 4) if learned else None,
                    )
                )
    chosen = list(proposals.values())
    if learned and target_precision is not None:
        chosen = _cut_by_expected_precision(chosen, target_precision)
    return sorted(chosen, key=_order)


def _cut_by_expected_precision(candidates: list[Candidate], target: float) -> list[Candidate]:
    """The longest run of candidates, most probable first, whose mean probability is at
    least ``target`` (exact lexical matches are always kept)."""
    exact = [c for c in candidates if c.predicate == EXACT]
    rest = sorted(
        (c for c in candidates if c.predicate != EXACT),
        key=lambda c: (-(c.confidence or 0.0), c.subject.iri, c.object.iri),
    )
    total, keep = 0.0, 0
    for n, candidate in enumerate(rest, start=1):
        total += candidate.confidence or 0.0
        if total / n >= target:
            keep = n
    return exact + rest[:keep]


def _order(m: Candidate) -> tuple:
    return (m.subject.profile, m.object.profile, m.subject.iri, -m.score, m.object.iri)


#: Extension slot of SSSOM holding the candidate's rank, and the prefix of the per-signal
#: cosine slots (``cosine_tfidf``, ``cosine_use_m3``, ...), declared in each file's
#: ``extension_definitions`` with a property of the kcgraph ontology.
RANK_SLOT = "candidate_rank"
COSINE_SLOT = "cosine_"


def signal_slot(name: str) -> str:
    """The extension slot of a signal's cosine.

    >>> signal_slot("e5-small-q4")
    'cosine_e5_small_q4'
    """
    return COSINE_SLOT + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def extension_definitions(signals: Sequence[str]) -> list[ExtensionDefinitionRecord]:
    """The ``extension_definitions`` of a proposals file with these signals."""
    slots = [RANK_SLOT, *(signal_slot(s) for s in signals)]
    return [
        ExtensionDefinitionRecord(
            slot_name=slot,
            property=f"kcg:{slot}",
            type_hint="xsd:integer" if slot == RANK_SLOT else "xsd:double",
        )
        for slot in slots
    ]


def to_semantic_mapping(
    candidate: Candidate,
    converter: curies.Converter,
    *,
    measure: str,
    versions: dict[str, str] | None = None,
) -> SemanticMapping:
    """The SSSOM record of a candidate: CURIEs, labels, kinds, sources and their versions,
    score, confidence, and the per-signal cosines and rank as extension slots."""

    def ref(item: Item) -> NamableReference:
        curie = converter.compress(item.iri, strict=True)
        prefix, identifier = curie.split(":", 1)
        return NamableReference(prefix=prefix, identifier=identifier, name=item.label)

    identical = candidate.justification == LEXICAL and candidate.predicate == EXACT
    extensions = {
        signal_slot(name): Slot(
            predicate=Reference(prefix="kcg", identifier=signal_slot(name)), value=round(value, 4)
        )
        for name, value in sorted(candidate.signals.items())
    }
    if candidate.signals:
        extensions[RANK_SLOT] = Slot(
            predicate=Reference(prefix="kcg", identifier=RANK_SLOT), value=candidate.rank
        )
    versions = versions or {}
    return SemanticMapping(
        confidence=candidate.confidence,
        subject=ref(candidate.subject),
        predicate=candidate.predicate,
        object=ref(candidate.object),
        justification=candidate.justification,
        subject_category=Reference.from_curie(candidate.subject.category),
        object_category=Reference.from_curie(candidate.object.category),
        subject_source=Reference.from_curie(
            converter.compress(candidate.subject.scheme, strict=True)
        ),
        object_source=Reference.from_curie(
            converter.compress(candidate.object.scheme, strict=True)
        ),
        subject_source_version=versions.get(candidate.subject.scheme),
        object_source_version=versions.get(candidate.object.scheme),
        similarity_score=round(min(1.0, max(0.0, candidate.score)), 4),
        similarity_measure="identical text" if identical else measure,
        mapping_tool=MappingTool(name="kcgraph", version=VERSION),
        extensions=extensions or None,
    )


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
