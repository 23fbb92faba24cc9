"""Features of a candidate pair, for the learned ranker (:mod:`kcgraph.match.ranker`).

Every feature is computed for arrays of item index pairs at once (numpy), so a whole queue
of candidates costs milliseconds:

* the cosine of each signal (TF-IDF, each encoder) and their mean, the fused score;
* each encoder's cosine after *profile centring* (each profile's mean vector subtracted);
* the mutual rank: 1/rank of the candidate among the query's profile-mates of the candidate,
  and 1/rank of the query seen from the candidate;
* the kind pair (same kind, same kind group);
* the similarity of the two statements' parents and of their children (the ``skos:broader``
  structure, as a networkx graph);
* the length ratio and the overlap of content words.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np

from ...parse.model import Kind
from ..items import Item
from ..lexical import normalise
from .scoring import Scorer

__all__ = ["KIND_GROUPS", "PairFeatures", "broader_graph"]

#: Kinds that describe the same level of a profile: a pair within a group is more alike.
KIND_GROUPS: dict[Kind, str] = {
    Kind.ROLE: "unit",
    Kind.CORE_TASK: "unit",
    Kind.WORK_PROCESS: "unit",
    Kind.COMPETENCY: "competence",
    Kind.INDICATOR: "behaviour",
    Kind.ACTIVITY: "behaviour",
    Kind.RESULT: "behaviour",
    Kind.SKILL: "skill",
    Kind.ATTITUDE: "competence",
    Kind.KNOWLEDGE: "knowledge",
}
#: Words too common in competency statements to say what one is about (Dutch).
STOP_WORDS = frozenset(
    """aan als bij dat de deze die dit door een en het hij in is kan kennis met naar niet of om
    op te tot uit van voor wat wordt zich zijn zij ze eigen klant klanten""".split()
)
#: Rank assumed for a pair outside the computed ranking (large profiles).
_FAR = 1000.0


def broader_graph(items: Sequence[Item]) -> nx.DiGraph:
    """The ``skos:broader`` structure among items: an edge child -> parent (by index)."""
    graph = nx.DiGraph()
    index = {item.iri: i for i, item in enumerate(items)}
    graph.add_nodes_from(range(len(items)))
    for i, item in enumerate(items):
        for parent in item.parents:
            if parent in index:
                graph.add_edge(i, index[parent])
    return graph


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:6] for w in normalise(text).split() if len(w) > 2 and w not in STOP_WORDS)


def _neighbour_means(vectors: np.ndarray, neighbours: list[list[int]]) -> np.ndarray:
    out = np.zeros_like(vectors)
    for i, near in enumerate(neighbours):
        if near:
            mean = vectors[near].mean(axis=0)
            norm = np.linalg.norm(mean)
            out[i] = mean / norm if norm else mean
    return out


class PairFeatures:
    """Precomputed context of a scorer's items; :meth:`matrix` gives features of pairs."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        items = scorer.items
        self.items = items
        self.profiles = list(dict.fromkeys(item.profile for item in items))
        owner = np.array([self.profiles.index(item.profile) for item in items])
        self.owner = owner
        self.bounds = {
            p: (int(np.argmax(owner == i)), int(len(owner) - np.argmax(owner[::-1] == i)))
            for i, p in enumerate(self.profiles)
        }
        graph = broader_graph(items)
        parents = [list(graph.successors(i)) for i in range(len(items))]
        #: each item's parents (indices), for the decision-dependent features
        self.parents = parents
        children = [list(graph.predecessors(i)) for i in range(len(items))]
        self.parent_vectors = [_neighbour_means(v, parents) for v in scorer._dense]
        self.child_vectors = [_neighbour_means(v, children) for v in scorer._dense]
        self.has_parent = np.array([bool(p) for p in parents], dtype=np.float32)
        self.has_children = np.array([bool(c) for c in children], dtype=np.float32)
        self.kind_code = np.array([str(item.kind) for item in items])
        self.group_code = np.array(
            [
                KIND_GROUPS.get(item.kind, str(item.kind))
                if isinstance(item.kind, Kind)
                else item.kind
                for item in items
            ]
        )
        self.words = np.array([len(item.label.split()) for item in items], dtype=np.float32)
        self.stems = [_stems(item.label) for item in items]
        n = len(items)
        self.fused = scorer.fused(slice(None), slice(None)) if n <= 8000 else None
        self._row_stats: dict | None = None
        self.names = [
            "fused",
            *(f"cos:{name}" for name in scorer.names),
            *(f"centred:{name}" for name in scorer.dense_names),
            "inverse_rank",
            "inverse_rank_back",
            "z_in_row",
            "z_in_column",
            "same_kind",
            "same_kind_group",
            "parent_similarity",
            "child_similarity",
            "both_have_parents",
            "length_ratio",
            "word_overlap",
        ]

    def _rank(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """1 + how many statements of c's profile score higher for q than c does."""
        if self.fused is None:
            return np.full(len(q), _FAR, dtype=np.float32)
        out = np.empty(len(q), dtype=np.float32)
        for i, (a, b) in enumerate(zip(q.tolist(), c.tolist(), strict=True)):
            lo, hi = self.bounds[self.items[b].profile]
            row = self.fused[a, lo:hi]
            out[i] = 1 + np.count_nonzero(row > self.fused[a, b])
        return out

    def _z(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """How far the pair's fused score stands above q's scores for c's profile (z-score)."""
        if self.fused is None:
            return np.zeros(len(q), dtype=np.float32)
        if self._row_stats is None:
            stats = {}
            for p, (lo, hi) in self.bounds.items():
                block = self.fused[:, lo:hi]
                stats[p] = (block.mean(axis=1), block.std(axis=1) + 1e-6)
            self._row_stats = stats
        out = np.empty(len(q), dtype=np.float32)
        for p in self.bounds:
            rows = np.array([self.items[b].profile == p for b in c.tolist()], dtype=bool)
            if rows.any():
                mean, std = self._row_stats[p]
                qq, cc = q[rows], c[rows]
                out[rows] = (self.fused[qq, cc] - mean[qq]) / std[qq]
        return out

    def matrix(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Features (rows: pairs ``q[i]``-``c[i]``, columns: :attr:`names`)."""
        q, c = np.asarray(q, dtype=int), np.asarray(c, dtype=int)
        scorer = self.scorer
        columns: list[np.ndarray] = []
        cosines = scorer.pair_signals(q, c)
        columns.append(cosines.mean(axis=0))
        columns.extend(cosines)
        for vectors in scorer.centred:
            columns.append(np.einsum("ij,ij->i", vectors[q], vectors[c]))
        columns.append(1.0 / self._rank(q, c))
        columns.append(1.0 / self._rank(c, q))
        columns.append(self._z(q, c))
        columns.append(self._z(c, q))
        columns.append((self.kind_code[q] == self.kind_code[c]).astype(np.float32))
        columns.append((self.group_code[q] == self.group_code[c]).astype(np.float32))
        columns.append(
            np.mean([np.einsum("ij,ij->i", v[q], v[c]) for v in self.parent_vectors], axis=0)
        )
        columns.append(
            np.mean([np.einsum("ij,ij->i", v[q], v[c]) for v in self.child_vectors], axis=0)
        )
        columns.append(self.has_parent[q] * self.has_parent[c])
        longer = np.maximum(self.words[q], self.words[c])
        columns.append(np.minimum(self.words[q], self.words[c]) / np.maximum(longer, 1.0))
        overlap = []
        for a, b in zip(q.tolist(), c.tolist(), strict=True):
            union = self.stems[a] | self.stems[b]
            overlap.append(len(self.stems[a] & self.stems[b]) / len(union) if union else 0.0)
        columns.append(np.asarray(overlap, dtype=np.float32))
        return np.column_stack(columns).astype(np.float64)
