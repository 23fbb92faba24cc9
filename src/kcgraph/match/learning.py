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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ..terms import EQUIVALENCE_PREDICATES

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

__all__ = [
    "MIN_EXAMPLES",
    "C",
    "DecidedPairs",
    "TrainingSet",
    "decided_pairs",
    "fit_ranker",
    "statement_folds",
]

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


@dataclass
class DecidedPairs:
    """(query, target) index pairs by what their decisions say: accepted as equivalent,
    rejected, and judged otherwise (an accepted broader, narrower or related link). A pair
    judged otherwise is no example, and never a negative passed over on its screen."""

    positive: set[tuple[int, int]] = field(default_factory=set)
    negative: set[tuple[int, int]] = field(default_factory=set)
    otherwise: set[tuple[int, int]] = field(default_factory=set)


def decided_pairs(
    decisions: Iterable[SemanticMapping],
    converter: curies.Converter,
    queries: dict[str, int],
    targets: dict[str, int],
) -> DecidedPairs:
    """The decided (query, target) index pairs; a decision stated target-first is turned
    round, one on anything else (a statement that is gone, a link to another vocabulary) is
    left out."""
    out = DecidedPairs()
    for m in decisions:
        a, b = converter.expand(m.subject.curie), converter.expand(m.object.curie)
        if a not in queries and a in targets and b in queries:
            a, b = b, a
        if a is None or b is None or a not in queries or b not in targets:
            continue
        pair = (queries[a], targets[b])
        if m.negated:
            out.negative.add(pair)
        elif m.predicate.curie in EQUIVALENCE_PREDICATES:
            out.positive.add(pair)
        else:
            out.otherwise.add(pair)
    out.otherwise -= out.positive | out.negative
    return out


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


def statement_folds(pairs: Sequence[tuple[int, int]], folds: int, seed: int = 0) -> list[int]:
    """A fold for each pair such that no statement is in two folds: the pairs' statements
    form a graph, and each of its connected parts goes whole to one fold (seeded order, each
    part to the fold that has fewest pairs so far).

    >>> statement_folds([(0, 1), (1, 2), (3, 4), (5, 6)], 2)
    [1, 1, 0, 0]
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from(pairs)
    parts = sorted((sorted(part) for part in nx.connected_components(graph)), key=lambda p: p[0])
    part_of = {s: i for i, part in enumerate(parts) for s in part}
    size = [0] * len(parts)
    for a, _ in pairs:
        size[part_of[a]] += 1
    fold_of_part = [0] * len(parts)
    load = [0] * max(folds, 1)
    for i in np.random.default_rng(seed).permutation(len(parts)).tolist():
        fold = int(np.argmin(load))
        fold_of_part[i] = fold
        load[fold] += size[i]
    return [fold_of_part[part_of[a]] for a, _ in pairs]
