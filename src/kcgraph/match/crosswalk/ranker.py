"""A ranker that learns from review decisions: which candidate pairs an analyst accepts.

Training data come from the decision files: an accepted ``exactMatch``/``closeMatch`` is a
positive; a rejection is a negative; and so is every candidate a reviewer *passed over* for
an accepted one (the other top candidates of the same statement in the same profile).
Unsure decisions, and accepted broader/narrower/related links, teach nothing about
equivalence and are left out. The model is a logistic regression over
:class:`~kcgraph.match.features.PairFeatures` (standardised), deterministic, and its
probability is what SSSOM calls ``confidence``.

With too few decisions the ranker falls back to the unsupervised fused score (the mean of
the signals' cosines), today's default. Profile-centred cosines alone were measured as a
fallback too (README, "Quality") and are kept as features of the learned model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ..learning import TrainingSet, decided_pairs, fit_ranker
from .features import PairFeatures
from .scoring import Scorer

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

__all__ = ["PASSED_OVER", "Ranker", "training_set"]

#: Candidates of the same statement and profile, best first, that a reviewer who accepted
#: another one passed over: each becomes a negative example.
PASSED_OVER = 10


def training_set(
    features: PairFeatures,
    decisions: Iterable[SemanticMapping],
    converter: curies.Converter,
    *,
    passed_over: int = PASSED_OVER,
) -> TrainingSet:
    """Examples from decisions: accepted, rejected, and passed over (both orientations)."""
    items = features.items
    index = {item.iri: i for i, item in enumerate(items)}
    positive, negative = decided_pairs(decisions, converter, index, index)
    known = positive | {(b, a) for a, b in positive}
    negatives = set(negative) | {(b, a) for a, b in negative}
    if features.fused is not None:
        for a, b in positive:
            for query, chosen in ((a, b), (b, a)):
                lo, hi = features.bounds[items[chosen].profile]
                row = features.fused[query, lo:hi]
                for j in np.argsort(-row, kind="stable")[:passed_over].tolist():
                    other = lo + j
                    if other != chosen and (query, other) not in known:
                        negatives.add((query, other))
                        negatives.add((other, query))
    pairs = sorted(known) + sorted(negatives - known)
    labels = [1] * len(known) + [0] * (len(pairs) - len(known))
    return TrainingSet(pairs, labels)


class Ranker:
    """Scores item pairs: the model's probability when trained, else the fallback score."""

    def __init__(self, scorer: Scorer, features: PairFeatures | None = None) -> None:
        self.scorer = scorer
        self._features = features
        self.model: Pipeline | None = None
        self.examples = TrainingSet([], [])

    @property
    def features(self) -> PairFeatures:
        """The pair features, computed when first needed (an untrained ranker costs nothing)."""
        if self._features is None:
            self._features = PairFeatures(self.scorer)
        return self._features

    @property
    def trained(self) -> bool:
        return self.model is not None

    def train(self, decisions: Sequence[SemanticMapping], converter: curies.Converter) -> Ranker:
        """Fit on the decisions (deterministic); too few examples keep the fallback."""
        decisions = list(decisions)
        self.model = None
        if not decisions:
            self.examples = TrainingSet([], [])
            return self
        self.examples = training_set(self.features, decisions, converter)
        if self.examples.pairs:
            q, c = np.array(self.examples.pairs).T
            self.model = fit_ranker(self.features.matrix(q, c), self.examples.labels)
        return self

    def fallback(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """The unsupervised score: the fused score (mean of the signals' cosines)."""
        return self.features.matrix(q, c)[:, self.features.names.index("fused")]

    def centred_fallback(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """An alternative unsupervised score, measured in bench/bench_learning.py: the mean of
        the lexical and the profile-centred encoder cosines."""
        names = self.features.names
        x = self.features.matrix(q, c)
        columns = [names.index("cos:tfidf")] if "cos:tfidf" in names else []
        columns += [i for i, n in enumerate(names) if n.startswith("centred:")]
        return x[:, columns].mean(axis=1)

    def score(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Probability (trained) or fallback score of pairs, averaged over both orientations."""
        q, c = np.asarray(q, dtype=int), np.asarray(c, dtype=int)
        if len(q) == 0:
            return np.zeros(0)
        if self.model is None:
            return (self.fallback(q, c) + self.fallback(c, q)) / 2
        forward = self.model.predict_proba(self.features.matrix(q, c))[:, 1]
        backward = self.model.predict_proba(self.features.matrix(c, q))[:, 1]
        return (forward + backward) / 2
