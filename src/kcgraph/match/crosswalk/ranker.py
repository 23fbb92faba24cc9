"""A ranker that learns from review decisions: which candidate pairs an analyst accepts.

Training data come from the decision files, screen by screen (a screen: one statement and
its candidates in one other profile, the unit of review by statement). An accepted
``exactMatch``/``closeMatch`` is a positive on the screens of both its statements; a
rejection is a negative; and so is every candidate a reviewer *passed over* on an accepted
pair's screen (its best :data:`PASSED_OVER` by fused score: the pool ``kcgraph match``
re-ranks, so the model learns on the distribution it is applied to). Accepted broader,
narrower or related links are not wrong ones: never examples, never passed over. A pair is
scored from its query's screen, with the decisions' features as they were before that
screen was answered (:mod:`.links`).

A ranker never trusts a model its own decisions do not support. It fits the logistic
regressions of :data:`MODELS` (standardised features, deterministic), simplest first, and
ranks the held-out screens of a cross-validation over its decisions split by statement
(:data:`SELECTION_FOLDS` folds). A richer model replaces the one kept so far only where it
ranks better by more than one standard error of the paired difference of reciprocal ranks
(the one-standard-error rule of Hastie, Tibshirani and Friedman, *The Elements of
Statistical Learning*, 7.10). The simplest model reads only what rises with the fused score
within one screen (the score, its z-score in the query's row, the candidate's inverse rank
there), with weights kept positive: it ranks a screen as the fused score does, and says how
much a candidate stands out, which orders screens by their expected yield. The chosen
model's logit is then recalibrated on its out-of-fold logits (Platt scaling), so that
``confidence`` is what it says.

With too few decisions the ranker falls back to the unsupervised fused score (the mean of
the signals' cosines). Every figure, learned beside cold, is in the README ("A ranker that
learns from review decisions").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ..learning import TrainingSet, decided_pairs, fit_ranker, statement_folds
from .features import PairFeatures
from .fitted import fit_key, read_fit, write_fit
from .links import LINK_FEATURES, Links
from .predict import POOL
from .scoring import Scorer

if TYPE_CHECKING:
    from pathlib import Path

    from sklearn.pipeline import Pipeline

__all__ = [
    "MODELS",
    "PASSED_OVER",
    "SELECTION_FOLDS",
    "SIMPLEST",
    "Choice",
    "Ranker",
    "training_set",
]

#: Candidates of the same statement and profile, best first, that a reviewer who accepted
#: another one passed over: each becomes a negative example.
PASSED_OVER = POOL
#: The models a ranker chooses among, simplest first, by the features they read (``None``:
#: every feature): what rises with the fused score within a screen (it ranks as the fused
#: score does); each signal and how far the pair stands out for either side (rank and
#: z-score: hubness); everything, the decisions' links included.
MODELS: dict[str, tuple[str, ...] | None] = {
    "standout": ("fused", "z_in_row", "inverse_rank"),
    "signals": (
        "fused",
        "cos:*",
        "inverse_rank",
        "inverse_rank_back",
        "z_in_row",
        "z_in_column",
    ),
    "all": None,
}
#: The model that ranks every screen as the fused score does (its weights kept positive).
SIMPLEST = next(iter(MODELS))
#: Folds (split by statement) of the cross-validation that chooses a model.
SELECTION_FOLDS = 5


@dataclass(frozen=True)
class Choice:
    """The model a ranker chose, and the out-of-fold MRR of each model it tried."""

    model: str
    mrr: dict[str, float]


def training_set(
    features: PairFeatures,
    positive: set[tuple[int, int]],
    negative: set[tuple[int, int]],
    *,
    otherwise: Collection[tuple[int, int]] = (),
    passed_over: int = PASSED_OVER,
) -> TrainingSet:
    """Examples from decided pairs, each on the screen it was answered on.

    A decided pair ``(a, b)`` was answered on the screen of ``a`` in ``b``'s profile and on
    that of ``b`` in ``a``'s: it is an example on each, seen from the screen's statement. On
    the screen of an accepted pair, the reviewer passed over the other best candidates: each
    is a negative there, unless it was judged ``otherwise`` (a related, broader or narrower
    link is not a wrong one).
    """
    items = features.items
    known = positive | {(b, a) for a, b in positive}
    judged = known | set(otherwise) | {(b, a) for a, b in otherwise}
    rejected = set(negative) | {(b, a) for a, b in negative}
    examples: dict[tuple[int, int], int] = {}
    for pair in sorted(known):
        examples[pair] = 1
    for pair in sorted(rejected - known):
        examples[pair] = 0
    if features.fused is not None:
        for query, chosen in sorted(known):
            lo, hi = features.bounds[items[chosen].profile]
            row = features.fused[query, lo:hi]
            for j in np.argsort(-row, kind="stable")[:passed_over].tolist():
                if lo + j != chosen and (query, lo + j) not in judged:
                    examples.setdefault((query, lo + j), 0)
    pairs = sorted(examples, key=lambda k: (-examples[k], k))
    return TrainingSet(pairs, [examples[p] for p in pairs])


#: What a fit sets on a :class:`Ranker` (what :mod:`.fitted` keeps).
FITTED = ("model", "choice", "calibration", "columns", "examples")


class Ranker:
    """Scores item pairs: the model's probability when trained, else the fallback score."""

    def __init__(self, scorer: Scorer, features: PairFeatures | None = None) -> None:
        self.scorer = scorer
        self._features = features
        self.model: Pipeline | None = None
        self.examples = TrainingSet([], [])
        #: the columns of :attr:`names` the model reads, and the Platt scaling of its logit
        self.columns: list[int] = []
        self.calibration = (1.0, 0.0)
        self.choice: Choice | None = None
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
        """Every feature of pairs (columns: :attr:`names`), each pair seen on the screen of
        ``q`` in ``c``'s profile."""
        return np.hstack([self.fixed(q, c), self.links.matrix(q, c)])

    def train(
        self,
        decisions: Sequence[SemanticMapping],
        converter: curies.Converter,
        *,
        cache: Path | None = None,
    ) -> Ranker:
        """Fit on the decisions (deterministic); too few examples keep the fallback. With
        ``cache`` (a folder), a fit on the same inputs is read from it, and a new one kept
        there (:mod:`.fitted`)."""
        index = {item.iri: i for i, item in enumerate(self.scorer.items)}
        decided = decided_pairs(decisions, converter, index, index)
        pairs = (decided.positive, decided.negative, decided.otherwise)
        if cache is None:
            return self.train_on(*pairs)
        key = fit_key(self.scorer, *pairs)
        state = read_fit(cache, key)
        if state is not None:
            self._links = Links(decided.positive, self.features.owner, self.features.parents)
            self.__dict__.update(state)
            return self
        self.train_on(*pairs)
        write_fit(cache, key, {name: getattr(self, name) for name in FITTED})
        return self

    def train_on(
        self,
        positive: set[tuple[int, int]],
        negative: set[tuple[int, int]],
        otherwise: Collection[tuple[int, int]] = (),
    ) -> Ranker:
        """Fit on accepted and rejected pairs of item indices (``otherwise``: pairs judged
        neither, never passed over): choose a model of :data:`MODELS` by cross-validation,
        fit it on everything, calibrate it."""
        self.model, self.choice, self.calibration = None, None, (1.0, 0.0)
        self._links = Links(positive, self.features.owner, self.features.parents)
        if not positive and not negative:
            self.examples = TrainingSet([], [])
            return self
        self.examples = examples = training_set(
            self.features, positive, negative, otherwise=otherwise
        )
        if not examples.pairs:
            return self
        q, c = np.array(examples.pairs).T
        x = self.matrix(q, c)
        labels = np.array(examples.labels)
        folds = _example_folds(examples, sorted(positive), SELECTION_FOLDS)
        screens = [(a, int(self.features.owner[b])) for a, b in examples.pairs]
        reciprocal: dict[str, np.ndarray] = {}
        logits: dict[str, np.ndarray] = {}
        best = ""
        for name, wanted in MODELS.items():
            columns = self._columns(wanted)
            logits[name], reciprocal[name] = _out_of_fold(x[:, columns], labels, folds, screens)
            if not best or _better(reciprocal[name], reciprocal[best]):
                best = name
        mrr = {name: float(r.mean()) if r.size else 0.0 for name, r in reciprocal.items()}
        self.columns = self._columns(MODELS[best])
        if best == SIMPLEST:
            self.columns = _positive_weights(x, labels, self.columns)
            logits[best] = _out_of_fold(x[:, self.columns], labels, folds, screens)[0]
        self.model = fit_ranker(x[:, self.columns], examples.labels)
        if self.model is None:
            return self
        self.choice = Choice(best, mrr)
        self.calibration = _platt(logits[best], labels)
        return self

    def _columns(self, wanted: tuple[str, ...] | None) -> list[int]:
        names = self.names
        if wanted is None:
            return list(range(len(names)))
        return [
            i
            for i, name in enumerate(names)
            if name in wanted or any(w.endswith("*") and name.startswith(w[:-1]) for w in wanted)
        ]

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
        """Probability of pairs on the screens of ``q`` (trained), or the fallback score."""
        q, c = np.asarray(q, dtype=int), np.asarray(c, dtype=int)
        if len(q) == 0:
            return np.zeros(0)
        if self.model is None:
            return (self.fallback(q, c) + self.fallback(c, q)) / 2
        logit = self.model.decision_function(self.matrix(q, c)[:, self.columns])
        slope, intercept = self.calibration
        return 1.0 / (1.0 + np.exp(-(slope * logit + intercept)))


def _example_folds(examples: TrainingSet, positive: list[tuple[int, int]], k: int) -> np.ndarray:
    """A fold for each example, by the statement of its screen (its query): the statements
    of accepted pairs keep together (:func:`~kcgraph.match.learning.statement_folds`), any
    other goes by its index."""
    fold_of = {}
    for (a, b), fold in zip(positive, statement_folds(positive, k), strict=True):
        fold_of[a] = fold_of[b] = fold
    return np.array([fold_of.get(a, a % k) for a, _ in examples.pairs])


def _positive_weights(x: np.ndarray, labels: np.ndarray, columns: list[int]) -> list[int]:
    """``columns`` less those the fitted model weighs at or below zero (refitted until none
    is), the first (the fused score) always kept: a model of features that rise with the
    fused score then ranks as it does."""
    columns = list(columns)
    while len(columns) > 1:
        model = fit_ranker(x[:, columns], labels.tolist())
        if model is None:
            break
        weights = model[-1].coef_[0]
        worst = int(np.argmin(weights[1:])) + 1
        if weights[worst] > 0:
            break
        del columns[worst]
    return columns


def _better(richer: np.ndarray, kept: np.ndarray) -> bool:
    """Whether reciprocal ranks ``richer`` beat ``kept`` (the same screens) by more than one
    standard error of their paired difference."""
    difference = richer - kept
    if difference.size < 2:
        return False
    error = difference.std(ddof=1) / np.sqrt(difference.size)
    return bool(difference.mean() > error)


def _out_of_fold(
    x: np.ndarray, labels: np.ndarray, folds: np.ndarray, screens: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Each example's logit from a model fitted without its fold, and the reciprocal rank
    of each accepted pair among the examples of its screen (screens in order)."""
    logit = np.zeros(len(labels))
    for fold in np.unique(folds).tolist():
        held = folds == fold
        model = fit_ranker(x[~held], labels[~held].tolist())
        logit[held] = model.decision_function(x[held]) if model is not None else x[held, 0]
    by_screen: dict[tuple[int, int], list[int]] = {}
    for i, screen in enumerate(screens):
        by_screen.setdefault(screen, []).append(i)
    reciprocal = []
    for rows in by_screen.values():
        negatives = [logit[i] for i in rows if not labels[i]]
        for i in rows:
            if labels[i]:
                reciprocal.append(1.0 / (1 + sum(n > logit[i] for n in negatives)))
    return logit, np.array(reciprocal)


def _platt(logit: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Slope and intercept that turn out-of-fold logits into calibrated probabilities."""
    from sklearn.linear_model import LogisticRegression

    if labels.min() == labels.max():
        return 1.0, 0.0
    fitted = LogisticRegression(C=1e6, max_iter=1000).fit(logit[:, None], labels)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])
