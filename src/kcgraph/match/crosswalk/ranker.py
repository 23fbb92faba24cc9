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

from collections.abc import Sequence
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ..learning import TrainingSet, decided_pairs, fit_ranker
from .features import PairFeatures
from .links import LINK_FEATURES, Links
from .scoring import Scorer

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

__all__ = ["PASSED_OVER", "Ranker", "training_set"]

#: Candidates of the same statement and profile, best first, that a reviewer who accepted
#: another one passed over: each becomes a negative example.
PASSED_OVER = 10


def training_set(
    features: PairFeatures,
    positive: set[tuple[int, int]],
    negative: set[tuple[int, int]],
    *,
    passed_over: int = PASSED_OVER,
) -> TrainingSet:
    """Examples from decided pairs: accepted, rejected, and passed over (both orientations)."""
    items = features.items
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
        self._links: Links | None = None
        self._memo: dict[tuple[int, int], np.ndarray] = {}

    @property
    def features(self) -> PairFeatures:
        """The pair features, computed when first needed (an untrained ranker costs nothing)."""
        if self._features is None:
            self._features = PairFeatures(self.scorer)
        return self._features

    @property
    def trained(self) -> bool:
        return self.model is not None

    @property
    def names(self) -> list[str]:
        """The model's features: the fixed ones, then the decision-dependent ones."""
        return [*self.features.names, *LINK_FEATURES]

    @property
    def links(self) -> Links:
        """The accepted equivalences the decision-dependent features read."""
        if self._links is None:
            self._links = Links((), self.features.owner, self.features.parents)
        return self._links

    def fixed(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """The fixed features of pairs, each computed once per ranker (the review loop
        re-scores the same candidates after every answer)."""
        keys = list(zip(q.tolist(), c.tolist(), strict=True))
        missing = [k for k in dict.fromkeys(keys) if k not in self._memo]
        if missing:
            mq, mc = (np.array(column) for column in zip(*missing, strict=True))
            self._memo.update(zip(missing, self.features.matrix(mq, mc), strict=True))
        if not keys:
            return np.zeros((0, len(self.features.names)))
        return np.array([self._memo[k] for k in keys])

    def matrix(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Every feature of pairs (columns: :attr:`names`)."""
        return np.hstack([self.fixed(q, c), self.links.matrix(q, c)])

    def train(self, decisions: Sequence[SemanticMapping], converter: curies.Converter) -> Ranker:
        """Fit on the decisions (deterministic); too few examples keep the fallback."""
        index = {item.iri: i for i, item in enumerate(self.scorer.items)}
        positive, negative = decided_pairs(decisions, converter, index, index)
        return self.train_on(positive, negative)

    def train_on(self, positive: set[tuple[int, int]], negative: set[tuple[int, int]]) -> Ranker:
        """Fit on accepted and rejected pairs of item indices."""
        self.model = None
        self._links = Links(positive, self.features.owner, self.features.parents)
        if not positive and not negative:
            self.examples = TrainingSet([], [])
            return self
        self.examples = training_set(self.features, positive, negative)
        if self.examples.pairs:
            q, c = np.array(self.examples.pairs).T
            self.model = fit_ranker(self.matrix(q, c), self.examples.labels)
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
        forward = self.model.predict_proba(self.matrix(q, c))[:, 1]
        backward = self.model.predict_proba(self.matrix(c, q))[:, 1]
        return (forward + backward) / 2
