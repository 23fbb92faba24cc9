"""Cross-lingual matching of profile statements to an external vocabulary (ESCO, ISCO-08).

Lexical overlap means little between Dutch and English, so only the multilingual encoders
score these pairs: the fused score is the mean of their cosines. Target embeddings are cached
like all others, so ESCO's 13,939 skills are encoded once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from ..esco import ESCO_SCHEMES, EscoConcept
from .cache import EmbeddingCache, embed_with_progress
from .encoders import Encoder
from .predict import CLOSE, COMPOSITE, SEMANTIC, Candidate
from .scoring import Item

__all__ = ["esco_items", "predict_target_candidates"]

#: Profile-like key of each external concept kind (its CURIE prefix) and its SSSOM category.
_KIND_PREFIX = {"occupation": "escooccupation", "skill": "escoskill", "isco": "isco"}
_KIND_CATEGORY = {"occupation": "esco:Occupation", "skill": "esco:Skill", "isco": "skos:Concept"}


def esco_items(concepts: Sequence[EscoConcept]) -> list[Item]:
    """Items for ESCO/ISCO concepts; ``label`` is what the encoders read (the labels)."""
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


def predict_target_candidates(
    queries: Sequence[Item],
    targets: Sequence[Item],
    *,
    encoders: Sequence[Encoder],
    cache: EmbeddingCache,
    top_k: int,
    threshold: float = 0.0,
    exclude: Collection[frozenset[str]] = (),
    block_size: int = 1024,
) -> list[Candidate]:
    """For each query, the top-K targets by mean cosine of ``encoders`` (>= ``threshold``)."""
    if not encoders:
        raise ValueError("cross-lingual matching needs at least one encoder")
    q_vectors = [
        embed_with_progress(cache, e, [q.embed_text for q in queries], what="statements")
        for e in encoders
    ]
    t_vectors = [
        embed_with_progress(cache, e, [t.embed_text for t in targets], what="targets")
        for e in encoders
    ]
    names = [e.id.split("@")[0] for e in encoders]
    justification = COMPOSITE if len(encoders) > 1 else SEMANTIC
    k = min(top_k, len(targets))
    mappings = []
    for start in range(0, len(queries), block_size):
        stop = min(start + block_size, len(queries))
        signals = np.stack([q[start:stop] @ t.T for q, t in zip(q_vectors, t_vectors, strict=True)])
        fused = signals.mean(axis=0)
        part = np.argpartition(-fused, k - 1, axis=1)[:, :k]
        scores = np.take_along_axis(fused, part, axis=1)
        order = np.lexsort((part, -scores), axis=1)
        chosen = np.take_along_axis(part, order, axis=1)
        for r in range(stop - start):
            query = queries[start + r]
            for rank, c in enumerate(chosen[r].tolist(), start=1):
                score = float(fused[r, c])
                target = targets[c]
                if score < threshold or frozenset((query.iri, target.iri)) in exclude:
                    continue
                detail = {n: round(float(signals[i, r, c]), 4) for i, n in enumerate(names)}
                mappings.append(
                    Candidate(query, target, CLOSE, justification, round(score, 4), rank, detail)
                )
    return sorted(mappings, key=lambda m: (m.subject.profile, m.subject.iri, m.rank))
