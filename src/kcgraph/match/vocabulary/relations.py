"""Typed links to a vocabulary: whether a proposed concept is the statement's exact, close,
broader or narrower match, learnt from typed examples.

Experts type their links (the ESCO-VDAB mapping: 43 % close, 29 % broad, 18 % narrow, 11 %
exact). A multinomial logistic regression learns the relation of a (statement, concept) pair
from the examples at hand: the published crosswalks imported with ``kcgraph review import``
and the reviewers' accepted ESCO links. Its features say what the relation depends on:

* how near the two are: each encoder's cosine of the concept's best text;
* how much each says: the words of the statement and of the concept's label, and whether the
  statement lists ("(", ",", "...");
* where the concept sits in ESCO: knowledge or not, its reuse level, how many narrower
  skills it has;
* the concept's own record: how the examples typed their links to the same concept, a prior
  smoothed towards the overall shares (left out for the example itself while training).

With fewer than :data:`MIN_EXAMPLES` typed examples, or one relation only, every proposal is
``skos:closeMatch`` (the most common relation of experts and what kcgraph proposed before).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ...terms import BROAD_MATCH, CLOSE_MATCH, EXACT_MATCH, NARROW_MATCH

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from .matcher import TargetMatcher

__all__ = [
    "MIN_EXAMPLES",
    "RELATIONS",
    "Reference",
    "RelationModel",
    "chosen_relations",
    "learn_relations",
    "relation_features",
]

#: The relations a proposal may carry, in this order (the model's classes).
RELATIONS = (EXACT_MATCH, CLOSE_MATCH, BROAD_MATCH, NARROW_MATCH)
#: Fewer typed examples than this teach no relation.
MIN_EXAMPLES = 50
#: Weight of the overall shares in a concept's prior (one pseudo-example: Laplace's rule).
PRIOR_WEIGHT = 1.0


class Reference(NamedTuple):
    """A typed example: a subject's text, its target's IRI and the relation stated."""

    text: str
    target: str
    predicate: str


def _best_text_cosines(
    vectors: np.ndarray, targets: np.ndarray, owner_starts: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Per pair (vectors[i], target cols[i]): the cosine of the target's best text."""
    ends = np.r_[owner_starts[1:], len(targets)]
    return np.array(
        [
            float((targets[owner_starts[c] : ends[c]] @ v).max()) if len(v) else 0.0
            for v, c in zip(vectors, cols.tolist(), strict=True)
        ],
        dtype=np.float32,
    )


def relation_features(
    matcher: TargetMatcher,
    query_vectors: Sequence[np.ndarray],
    texts: Sequence[str],
    cols: np.ndarray,
) -> np.ndarray:
    """Feature rows of the pairs (``texts[i]``, target ``cols[i]``) (without the prior):
    ``query_vectors`` holds each encoder's vectors of the texts."""
    cosines = [
        _best_text_cosines(q, t, ts.starts, cols)
        for q, t, ts in zip(query_vectors, matcher.target_vectors, matcher.per_encoder, strict=True)
    ]
    main = matcher.targets  # the first text of each target: its preferred label
    structure = matcher.structure
    shape = np.array(
        [
            [
                np.log1p(len(text.split())),
                np.log1p(len(main.texts[main.starts[c]].split())),
                "(" in text,
                "," in text,
                "..." in text or "…" in text,
            ]
            for text, c in zip(texts, cols.tolist(), strict=True)
        ],
        dtype=np.float32,
    ).reshape(len(texts), 5)
    return np.column_stack(
        [
            *cosines,
            shape,
            structure.knowledge[cols],
            structure.reuse[cols],
            np.log1p(structure.narrower[cols]),
        ]
    )


@dataclass
class RelationModel:
    """The relation of each pair: learnt (:meth:`fit`) or ``skos:closeMatch``."""

    model: Pipeline | None = None
    counts: dict[int, np.ndarray] | None = None  # target column -> examples per relation
    overall: np.ndarray | None = None
    examples: int = 0

    @property
    def trained(self) -> bool:
        return self.model is not None

    def _prior(self, cols: np.ndarray, leave_out: np.ndarray | None = None) -> np.ndarray:
        assert self.counts is not None and self.overall is not None
        zero = np.zeros(len(RELATIONS))
        own = np.array([self.counts.get(c, zero) for c in cols.tolist()]).reshape(len(cols), -1)
        if leave_out is not None:
            own = own - np.eye(len(RELATIONS))[leave_out]
        prior = (own + PRIOR_WEIGHT * self.overall) / (
            own.sum(axis=1, keepdims=True) + PRIOR_WEIGHT
        )
        return np.log(prior)

    def fit(self, x: np.ndarray, cols: np.ndarray, relations: Sequence[str]) -> RelationModel:
        """Learn from the feature rows ``x`` of pairs with target ``cols`` and their stated
        ``relations``; too few examples (or one relation) learn nothing."""
        kept = [i for i, r in enumerate(relations) if r in RELATIONS]
        labels = np.array([RELATIONS.index(relations[i]) for i in kept], dtype=int)
        if len(kept) < MIN_EXAMPLES or len(set(labels.tolist())) < 2:
            return self
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        cols = cols[kept]
        counts = np.bincount(labels, minlength=len(RELATIONS))
        self.overall = (counts + 1) / (len(labels) + len(RELATIONS))  # none is impossible
        self.counts = {}
        for c, label in zip(cols.tolist(), labels.tolist(), strict=True):
            self.counts.setdefault(c, np.zeros(len(RELATIONS)))[label] += 1
        features = np.hstack([x[kept], self._prior(cols, leave_out=labels)])
        self.model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
        self.model.fit(features, labels)
        self.examples = len(kept)
        return self

    def probabilities(self, x: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """pairs x :data:`RELATIONS`: each relation's probability (untrained: all close)."""
        out = np.zeros((len(x), len(RELATIONS)))
        if self.model is None:
            out[:, RELATIONS.index(CLOSE_MATCH)] = 1.0
            return out
        classes = self.model.classes_.tolist()
        out[:, classes] = self.model.predict_proba(np.hstack([x, self._prior(cols)]))
        return out

    def predict(self, x: np.ndarray, cols: np.ndarray) -> list[str]:
        """The most probable relation of each pair."""
        if len(x) == 0:
            return []
        return [RELATIONS[i] for i in self.probabilities(x, cols).argmax(axis=1).tolist()]


def learn_relations(
    references: Sequence[Reference],
    embedders: Sequence[Callable[[list[str]], np.ndarray]],
    matcher: TargetMatcher,
) -> RelationModel:
    """A relation model learnt from the typed ``references`` whose target is among the
    matcher's (each encoder embeds their texts through ``embedders``)."""
    column = {t.iri: j for j, t in enumerate(matcher.targets.items)}
    typed = sorted({r for r in references if r.target in column and r.predicate in RELATIONS})
    if len(typed) < MIN_EXAMPLES:
        return RelationModel()
    texts = list(dict.fromkeys(r.text for r in typed))
    row = {text: i for i, text in enumerate(texts)}
    rows = np.array([row[r.text] for r in typed])
    vectors = [embedder(texts)[rows] for embedder in embedders]
    cols = np.array([column[r.target] for r in typed])
    x = relation_features(matcher, vectors, [r.text for r in typed], cols)
    return RelationModel().fit(x, cols, [r.predicate for r in typed])


def chosen_relations(matcher: TargetMatcher, start: int, chosen: np.ndarray) -> list[list[str]]:
    """The relation of each chosen target (``chosen[r]``: the targets of query ``start + r``)
    by the matcher's relation model."""
    n, k = chosen.shape
    if not matcher.relations.trained:
        return [[CLOSE_MATCH] * k for _ in range(n)]
    rows = np.repeat(np.arange(n) + start, k)
    cols = chosen.reshape(-1)
    vectors = [q[rows] for q in matcher.query_vectors]
    texts = [matcher.queries[r].embed_text for r in rows.tolist()]
    flat = matcher.relations.predict(relation_features(matcher, vectors, texts, cols), cols)
    return [flat[i * k : (i + 1) * k] for i in range(n)]
