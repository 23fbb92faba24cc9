"""Statement -> ESCO concept links: what ESCO says about a concept besides its words, the
features of a pair, and a ranker that learns from ESCO review decisions.

Features of a (statement, concept) pair are computed densely, for a block of statements
against every concept (numpy):

* per encoder, the cosine of the concept's best text (each label, the description) as a
  z-score over the statement's row (how far the concept stands out among all of them), and
  the fused cosine (mean over encoders);
* the concept's *hubness*: its mean fused cosine with every statement of the run. Cross-lingual
  embeddings have hubs, concepts near everything ("interact verbally in Dutch" near any Dutch
  text); CSLS (Conneau et al., 2018, "Word translation without parallel data") subtracts such a
  term, here the model weighs it;
* context: the fused cosine of the statement's parent in its profile (the competency above an
  indicator, the work process above a competency) with the concept, as a z-score;
* the skill group above the concept: the statement's best cosine with the labels of the
  concept's nearest groups in ESCO's skills pillar, as a z-score;
* skill type against statement kind: whether a *knowledge* statement meets a knowledge
  concept, and whether another kind of statement does. A concept is knowledge by ESCO's
  ``skillType`` where its record states one, else by the pillar it sits in (the knowledge
  groups: ISCED-F fields);
* ESCO's reuse level (transversal, cross-sector, sector-specific, occupation-specific, or
  not stated), one-hot.

The learned model re-ranks each statement's shortlist (:data:`SHORTLIST`); with too few
decisions the ranker falls back to the fused cosine, the unsupervised default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ...parse.model import Kind
from ..items import Item
from ..learning import TrainingSet, fit_ranker
from .structure import REUSE_LEVELS, TargetStructure

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

__all__ = [
    "SHORTLIST",
    "PairBlock",
    "TargetRanker",
    "dense_features",
    "feature_names",
    "knowledge_flags",
    "pair_features",
]

#: The learned model re-ranks each statement's shortlist: its SHORTLIST best concepts by
#: fused cosine (the rest follow in fused order). The shortlist members a reviewer passed
#: over for an accepted one are the negative examples, so the model learns on the
#: distribution it is applied to.
SHORTLIST = 100


def _zscore(x: np.ndarray) -> np.ndarray:
    """Each row as z-scores (how far each entry stands out in its row)."""
    std = x.std(axis=1, keepdims=True)
    return (x - x.mean(axis=1, keepdims=True)) / np.where(std == 0, 1.0, std)


@dataclass
class PairBlock:
    """The raw per-encoder cosines of a block of queries against every target, and what the
    features need besides: the parents' fused cosines and the group cosines."""

    signals: np.ndarray  # encoders x rows x targets: each target's best text
    parent: np.ndarray  # rows x targets: fused cosine of each query's parent
    group: np.ndarray  # rows x targets: best cosine with the target's nearest groups
    knowledge_query: np.ndarray  # rows: 1 for a knowledge statement
    hub: np.ndarray  # targets: mean fused cosine with every statement of the run
    fused: np.ndarray = field(init=False)  # rows x targets: mean of the encoders' cosines

    def __post_init__(self) -> None:
        self.fused = self.signals.mean(axis=0)


def feature_names(encoders: Sequence[str]) -> list[str]:
    return [
        "fused",
        "hub",
        *(f"z:{name}" for name in encoders),
        "z:parent",
        "z:group",
        "knowledge:knowledge",
        "other:knowledge",
        *(f"reuse:{level or 'unstated'}" for level in REUSE_LEVELS),
    ]


def dense_features(block: PairBlock, structure: TargetStructure) -> list[np.ndarray]:
    """Every feature of every pair of a block, one rows x targets array per feature, in the
    order of :func:`feature_names` (the per-target ones broadcast over the rows)."""
    n = block.fused.shape[0]
    knowledge = structure.knowledge[None, :]
    asked = block.knowledge_query[:, None]
    width = structure.reuse.shape[0]
    features = [block.fused, np.broadcast_to(block.hub[None, :], (n, width))]
    features += [_zscore(s) for s in block.signals]
    features += [_zscore(block.parent), _zscore(block.group)]
    features += [asked * knowledge, (1 - asked) * knowledge]
    features += [np.broadcast_to(level[None, :], (n, width)) for level in structure.reuse.T]
    return features


def pair_features(
    block: PairBlock, structure: TargetStructure, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Feature matrix (pairs x features) of the pairs (rows[i], cols[i]) of a block: the
    same features as :func:`dense_features`, picked out."""
    return np.column_stack([f[rows, cols] for f in dense_features(block, structure)])


def knowledge_flags(queries: Sequence[Item]) -> np.ndarray:
    return np.array([q.kind == Kind.KNOWLEDGE for q in queries], dtype=np.float32)


class TargetRanker:
    """Scores statement -> concept pairs: the model's probability when trained on review
    decisions, else the fused cosine."""

    def __init__(self, encoders: Sequence[str]) -> None:
        self.names = feature_names(encoders)
        self.model: Pipeline | None = None
        self.examples = TrainingSet([], [])

    @property
    def trained(self) -> bool:
        return self.model is not None

    def fit(self, x: np.ndarray, examples: TrainingSet) -> TargetRanker:
        """Fit on the feature rows ``x`` of the (query, target) ``examples``."""
        self.examples = examples
        self.model = fit_ranker(x, examples.labels)
        return self

    def score(self, block: PairBlock, structure: TargetStructure) -> np.ndarray:
        """rows x targets: the fused cosine (untrained); trained, the probability on each
        row's shortlist and, below it, the fused cosine minus 2 (fused order after it)."""
        if self.model is None:
            return block.fused
        fused = block.fused
        k = min(SHORTLIST, fused.shape[1])
        shortlist = np.zeros(fused.shape, dtype=bool)
        np.put_along_axis(shortlist, np.argpartition(-fused, k - 1, axis=1)[:, :k], True, axis=1)
        return np.where(shortlist, self.probability(block, structure), fused - 2.0)

    def probability(self, block: PairBlock, structure: TargetStructure) -> np.ndarray:
        """rows x targets: the model's probability that each pair is a right link."""
        if self.model is None:
            raise ValueError("the ranker learnt nothing: there is no probability")
        scaler, logistic = self.model[0], self.model[-1]
        weights = logistic.coef_[0] / scaler.scale_
        logit = np.full(block.fused.shape, logistic.intercept_[0] - weights @ scaler.mean_)
        for w, feature in zip(weights, dense_features(block, structure), strict=True):
            logit += w * feature
        return 1.0 / (1.0 + np.exp(-logit))
