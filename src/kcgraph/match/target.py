"""Cross-lingual matching of profile statements to an external vocabulary (ESCO, ISCO-08).

Lexical overlap means little between Dutch and English, so only the multilingual encoders
score these pairs. Everything ESCO says about a concept is used: each label and alternative
label is its own text (a concept scores its best label, so one apt synonym is enough), and
the description is one more. A concept's score is the mean over encoders of its best label
or description. Target embeddings are cached like all others, so ESCO is encoded once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from ..esco import ESCO_SCHEMES, TEXT_WORDS, EscoConcept
from .cache import EmbeddingCache, embed_with_progress
from .encoders import Encoder
from .predict import CLOSE, COMPOSITE, SEMANTIC, Candidate
from .scoring import Item

__all__ = ["TargetSet", "esco_items", "predict_target_candidates", "target_set"]

#: Profile-like key of each external concept kind (its CURIE prefix) and its SSSOM category.
_KIND_PREFIX = {"occupation": "escooccupation", "skill": "escoskill", "isco": "isco"}
_KIND_CATEGORY = {"occupation": "esco:Occupation", "skill": "esco:Skill", "isco": "skos:Concept"}
#: Alternative labels read per concept (occupations list dozens; the first say the most).
MAX_LABELS = 6


def esco_items(concepts: Sequence[EscoConcept]) -> list[Item]:
    """Items for ESCO/ISCO concepts (label: the label shown; text: the main text)."""
    return [
        Item(
            _KIND_PREFIX[c.kind],
            c.uri,
            c.pref_label,
            _KIND_CATEGORY[c.kind],
            str(ESCO_SCHEMES[c.kind]),
            c.text,
        )
        for c in concepts
    ]


@dataclass(frozen=True)
class TargetSet:
    """Targets and their texts: ``owner[j]`` is the target of text ``j`` (grouped, in order)."""

    items: list[Item]
    texts: list[str]
    owner: np.ndarray

    @property
    def starts(self) -> np.ndarray:
        return np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])


def target_set(concepts: Sequence[EscoConcept], *, labels: bool = True) -> TargetSet:
    """Every label (at most :data:`MAX_LABELS`) and the description of each concept as its
    own text; with ``labels=False`` one main text per concept."""
    texts: list[str] = []
    owner: list[int] = []
    for i, concept in enumerate(concepts):
        own = list(concept.label_texts[:MAX_LABELS]) if labels else [concept.text]
        if labels and concept.exact and concept.description:
            own.append(" ".join(concept.description.split()[:TEXT_WORDS]))
        for text in dict.fromkeys(own):
            texts.append(text)
            owner.append(i)
    return TargetSet(esco_items(concepts), texts, np.asarray(owner))


def predict_target_candidates(
    queries: Sequence[Item],
    targets: TargetSet | Sequence[Item] | Sequence[TargetSet],
    *,
    encoders: Sequence[Encoder],
    cache: EmbeddingCache,
    top_k: int,
    threshold: float = 0.0,
    exclude: Collection[frozenset[str]] = (),
    block_size: int = 1024,
    progress: bool = True,
) -> list[Candidate]:
    """For each query, the top-K targets by the mean over encoders of each target's best
    text (>= ``threshold``)."""
    if not encoders:
        raise ValueError("cross-lingual matching needs at least one encoder")
    if isinstance(targets, TargetSet):
        per_encoder = [targets] * len(encoders)
    elif targets and isinstance(targets[0], TargetSet):
        per_encoder = list(targets)  # type: ignore[arg-type]
    else:
        items = list(targets)  # type: ignore[arg-type]
        one = TargetSet(items, [t.embed_text for t in items], np.arange(len(items)))  # type: ignore[union-attr]
        per_encoder = [one] * len(encoders)
    targets = per_encoder[0]
    q_vectors = [
        embed_with_progress(
            cache, e, [q.embed_text for q in queries], what="statements", progress=progress
        )
        for e in encoders
    ]
    t_vectors = [
        embed_with_progress(cache, e, t.texts, what="targets", progress=progress)
        for e, t in zip(encoders, per_encoder, strict=True)
    ]
    names = [e.id.split("@")[0] for e in encoders]
    justification = COMPOSITE if len(encoders) > 1 else SEMANTIC
    k = min(top_k, len(targets.items))
    candidates = []
    for start in range(0, len(queries), block_size):
        stop = min(start + block_size, len(queries))
        # per encoder: each target's best text
        signals = np.stack(
            [
                np.maximum.reduceat(q[start:stop] @ t.T, ts.starts, axis=1)
                for q, t, ts in zip(q_vectors, t_vectors, per_encoder, strict=True)
            ]
        )
        fused = signals.mean(axis=0)
        part = np.argpartition(-fused, k - 1, axis=1)[:, :k]
        scores = np.take_along_axis(fused, part, axis=1)
        order = np.lexsort((part, -scores), axis=1)
        chosen = np.take_along_axis(part, order, axis=1)
        for r in range(stop - start):
            query = queries[start + r]
            for rank, c in enumerate(chosen[r].tolist(), start=1):
                score = float(fused[r, c])
                target = targets.items[c]
                if score < threshold or frozenset((query.iri, target.iri)) in exclude:
                    continue
                detail = {n: round(float(signals[i, r, c]), 4) for i, n in enumerate(names)}
                candidates.append(
                    Candidate(query, target, CLOSE, justification, round(score, 4), rank, detail)
                )
    return sorted(candidates, key=lambda m: (m.subject.profile, m.subject.iri, m.rank))
