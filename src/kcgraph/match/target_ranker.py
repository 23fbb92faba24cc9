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

import numpy as np

from ..esco import EscoConcept
from ..model import Kind
from .ranker import MIN_EXAMPLES, TrainingSet
from .scoring import Item

__all__ = [
    "REUSE_LEVELS",
    "SHORTLIST",
    "TargetRanker",
    "TargetStructure",
    "target_structure",
]

#: ESCO's reuse levels, in its order; a concept whose record states none has "".
REUSE_LEVELS = ("transversal", "cross-sector", "sector-specific", "occupation-specific", "")
#: The learned model re-ranks each statement's shortlist: its SHORTLIST best concepts by
#: fused cosine (the rest follow in fused order). The shortlist members a reviewer passed
#: over for an accepted one are the negative examples, so the model learns on the
#: distribution it is applied to.
SHORTLIST = 100
#: Regularisation of the logistic regression (scikit-learn's default; not tuned).
C = 1.0


@dataclass(frozen=True)
class TargetStructure:
    """Per target concept: its nearest skill groups, whether it is knowledge, its reuse level."""

    group_texts: list[str]
    #: ``groups[i, j]``: the j-th nearest group of target i (padding: ``len(group_texts)``)
    groups: np.ndarray
    knowledge: np.ndarray
    reuse: np.ndarray  # one-hot over REUSE_LEVELS

    @classmethod
    def empty(cls, n: int) -> TargetStructure:
        """No structure (ESCO occupations, ISCO groups): the structural features are 0."""
        reuse = np.zeros((n, len(REUSE_LEVELS)), dtype=np.float32)
        reuse[:, -1] = 1
        return cls([], np.zeros((n, 0), dtype=int), np.zeros(n, dtype=np.float32), reuse)


def _is_knowledge_group(group: EscoConcept) -> bool:
    """Groups of the knowledge pillar: its root (code K) and the ISCED-F fields (digits)."""
    return group.code == "K" or group.code[:1].isdigit()


def target_structure(
    targets: Sequence[EscoConcept], groups: Sequence[EscoConcept], *, every: Sequence[EscoConcept]
) -> TargetStructure:
    """The structure of ``targets`` in ESCO's skills pillar (``groups``: the skill groups;
    ``every``: all concepts, to follow a skill's broader skills up to its groups)."""
    by_uri = {c.uri: c for c in every}
    group_index = {g.uri: i for i, g in enumerate(groups)}

    def nearest(concept: EscoConcept, seen: set[str]) -> set[int]:
        found: set[int] = set()
        for parent in concept.broader:
            if parent in group_index:
                found.add(group_index[parent])
            elif parent in by_uri and parent not in seen:
                seen.add(parent)
                found |= nearest(by_uri[parent], seen)
        return found

    near = [sorted(nearest(t, {t.uri})) for t in targets]
    width = max((len(n) for n in near), default=0)
    padded = np.full((len(targets), width), len(groups), dtype=int)
    knowledge = np.zeros(len(targets), dtype=np.float32)
    reuse = np.zeros((len(targets), len(REUSE_LEVELS)), dtype=np.float32)
    for i, (target, indices) in enumerate(zip(targets, near, strict=True)):
        padded[i, : len(indices)] = indices
        if target.skill_type:
            knowledge[i] = target.skill_type == "knowledge"
        else:
            knowledge[i] = bool(indices) and all(_is_knowledge_group(groups[j]) for j in indices)
        level = target.reuse_level if target.reuse_level in REUSE_LEVELS else ""
        reuse[i, REUSE_LEVELS.index(level)] = 1
    return TargetStructure([g.pref_label for g in groups], padded, knowledge, reuse)


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
        self.model = None
        self.examples = TrainingSet([], [])

    @property
    def trained(self) -> bool:
        return self.model is not None

    def fit(self, x: np.ndarray, examples: TrainingSet) -> TargetRanker:
        """Fit on the feature rows ``x`` of the (query, target) ``examples``."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.examples = examples
        self.model = None
        if self.examples.positives >= MIN_EXAMPLES and self.examples.negatives >= MIN_EXAMPLES:
            model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
            self.model = model.fit(x, np.array(examples.labels))
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
        scaler, logistic = self.model[0], self.model[-1]
        weights = logistic.coef_[0] / scaler.scale_
        logit = np.full(block.fused.shape, logistic.intercept_[0] - weights @ scaler.mean_)
        for w, feature in zip(weights, dense_features(block, structure), strict=True):
            logit += w * feature
        return 1.0 / (1.0 + np.exp(-logit))
