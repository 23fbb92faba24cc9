"""Learning from review decisions, shared by both rankers: which pairs the decisions make
examples of, and the one model fitted on their features.

An accepted ``exactMatch``/``closeMatch`` is a positive; a rejection is a negative; each
ranker adds the candidates a reviewer *passed over* for an accepted one. Unsure decisions,
and accepted broader/narrower/related links, teach nothing about equivalence and are left
out. The model is a logistic regression over standardised features, deterministic; its
probability is what SSSOM calls ``confidence``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ..terms import EQUIVALENCE_PREDICATES

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

__all__ = ["MIN_EXAMPLES", "C", "TrainingSet", "decided_pairs", "fit_ranker"]

#: Fewest positives and negatives a model is trained on; below that, the fallback score.
MIN_EXAMPLES = 3
#: Regularisation of the logistic regression (scikit-learn's default; not tuned).
C = 1.0


@dataclass
class TrainingSet:
    """Pairs of item indices with their labels (1: a right mapping, 0: a wrong one)."""

    pairs: list[tuple[int, int]]
    labels: list[int]

    @property
    def positives(self) -> int:
        return sum(self.labels)

    @property
    def negatives(self) -> int:
        return len(self.labels) - self.positives


def decided_pairs(
    decisions: Iterable[SemanticMapping],
    converter: curies.Converter,
    queries: dict[str, int],
    targets: dict[str, int],
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(query, target) index pairs accepted as equivalent, and those rejected; a decision
    stated target-first is turned round, one on anything else (a statement that is gone, a
    link to another vocabulary) is left out."""
    positive, negative = set(), set()
    for m in decisions:
        a, b = converter.expand(m.subject.curie), converter.expand(m.object.curie)
        if a not in queries and a in targets and b in queries:
            a, b = b, a
        if a is None or b is None or a not in queries or b not in targets:
            continue
        pair = (queries[a], targets[b])
        if m.negated:
            negative.add(pair)
        elif m.predicate.curie in EQUIVALENCE_PREDICATES:
            positive.add(pair)
    return positive, negative


def fit_ranker(x: np.ndarray, labels: Sequence[int]) -> Pipeline | None:
    """The logistic regression (standardised features) fitted on the rows ``x`` and their
    labels; ``None`` when there are fewer than :data:`MIN_EXAMPLES` of either label."""
    positives = sum(labels)
    if positives < MIN_EXAMPLES or len(labels) - positives < MIN_EXAMPLES:
        return None
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
    return model.fit(x, np.array(labels))
