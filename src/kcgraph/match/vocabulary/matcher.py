"""Cross-lingual matching of profile statements to an external vocabulary (ESCO, ISCO-08).

Lexical overlap means little between Dutch and English, so only the multilingual encoders
score these pairs. Everything ESCO says about a concept is used: each label and alternative
label is its own text (a concept scores its best label, so one apt synonym is enough), and
the description is one more. A concept's score is the mean over encoders of its best label
or description. Target embeddings are cached like all others, so ESCO is encoded once.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ...terms import COMPOSITE_MATCHING, SEMANTIC_SIMILARITY, SKOS_CONCEPT
from ...vocab.model import ESCO_SCHEMES, TEXT_WORDS, EscoConcept
from ..cache import EmbeddingCache, embed_with_progress
from ..encoders import Encoder
from ..items import Item
from ..learning import TrainingSet, decided_pairs
from ..proposals import Candidate
from .crosslingual import learn_maps, mapped
from .languages import OwnLanguage, blend_own_language
from .ranker import SHORTLIST, PairBlock, TargetRanker, knowledge_flags, pair_features
from .relations import Reference, chosen_relations, learn_relations
from .structure import TargetStructure

__all__ = [
    "TargetMatcher",
    "TargetSet",
    "as_target_sets",
    "esco_items",
    "predict_target_candidates",
    "target_set",
]

#: Profile-like key of each external concept kind (its CURIE prefix) and its SSSOM category.
_KIND_PREFIX = {"occupation": "escooccupation", "skill": "escoskill", "isco": "isco"}
_KIND_CATEGORY = {"occupation": "esco:Occupation", "skill": "esco:Skill", "isco": SKOS_CONCEPT}
#: Alternative labels read per concept (occupations list dozens; the first say the most).
MAX_LABELS = 6
#: Statements scored against every target at once (memory: a few arrays of BLOCK x targets).
BLOCK = 128


def esco_items(concepts: Sequence[EscoConcept]) -> list[Item]:
    """Items for ESCO/ISCO concepts (label: the label shown; text: the main text)."""
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


@dataclass(frozen=True)
class TargetSet:
    """Targets and their texts: ``owner[j]`` is the target of text ``j`` (grouped, in order)."""

    items: list[Item]
    texts: list[str]
    owner: np.ndarray

    @property
    def starts(self) -> np.ndarray:
        return np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])


def target_set(concepts: Sequence[EscoConcept], *, labels: bool = True) -> TargetSet:
    """Every label (at most :data:`MAX_LABELS`) and the description of each concept as its
    own text; with ``labels=False`` one main text per concept."""
    texts: list[str] = []
    owner: list[int] = []
    for i, concept in enumerate(concepts):
        own = list(concept.label_texts[:MAX_LABELS]) if labels else [concept.text]
        if labels and concept.exact and concept.description:
            own.append(" ".join(concept.description.split()[:TEXT_WORDS]))
        for text in dict.fromkeys(own):
            texts.append(text)
            owner.append(i)
    return TargetSet(esco_items(concepts), texts, np.asarray(owner))


class TargetMatcher:
    """Statements against every concept of a target set: the encoders' cosines (embedded
    once, through the cache) and, for skills, ESCO's structure; ranked by a
    :class:`~kcgraph.match.vocabulary.ranker.TargetRanker` (learnt from ESCO decisions, or the
    fused cosine)."""

    def __init__(
        self,
        queries: Sequence[Item],
        targets: Sequence[TargetSet],
        *,
        encoders: Sequence[Encoder],
        cache: EmbeddingCache,
        structure: TargetStructure | None = None,
        parents: Sequence[str] | None = None,
        references: Sequence[Reference] = (),
        typed: Sequence[Reference] = (),
        own: OwnLanguage | None = None,
        progress: bool = True,
    ) -> None:
        """``references``: typed links (a subject's text, a target IRI, the relation) that
        teach each encoder a cross-lingual map (:mod:`.crosslingual`; its cosine is one more
        signal) and, with the reviewers' ``typed`` links, the relation of each proposal
        (:mod:`.relations`). ``own``: the targets' labels in the queries' language."""
        if not encoders:
            raise ValueError("cross-lingual matching needs at least one encoder")
        self.queries = list(queries)
        self.per_encoder = list(targets)
        self.targets = self.per_encoder[0]
        self.names = [e.id.split("@")[0] for e in encoders]
        n = len(self.targets.items)
        self.structure = structure if structure is not None else TargetStructure.empty(n)
        texts = [q.embed_text for q in self.queries]
        parents = list(parents) if parents is not None else texts

        def embed(encoder: Encoder, what: str, strings: list[str]) -> np.ndarray:
            return embed_with_progress(cache, encoder, strings, what=what, progress=progress)

        self.query_vectors = [embed(e, "statements", texts) for e in encoders]
        self._parents = [embed(e, "statements' parents", parents) for e in encoders]
        self.target_vectors = [
            embed(e, "targets", t.texts) for e, t in zip(encoders, self.per_encoder, strict=True)
        ]
        groups = self.structure.group_texts
        self._groups = [embed(e, "skill groups", groups) for e in encoders] if groups else []
        self._knowledge = knowledge_flags(self.queries)
        self._own = own
        what = f"targets' labels in {own.language}" if own else ""
        texts_own = zip(encoders, own.texts, strict=True) if own else ()
        self._own_vectors = [embed(e, what, t) for e, t in texts_own]
        embedders = [lambda s, e=e: embed(e, "published links", s) for e in encoders]
        self.map_matrices: list[tuple[np.ndarray, int]] = []  # learn_maps keeps them here
        self._maps = learn_maps(
            references, embedders, self.query_vectors, self.target_vectors, self
        )
        self.relations = learn_relations([*references, *typed], embedders, self)

    def for_queries(
        self, queries: Sequence[Item], *, encoders: Sequence[Encoder], cache: EmbeddingCache
    ) -> TargetMatcher:
        """The same targets, structure, maps and relation model against other ``queries``
        (their own texts as parents): only the queries are embedded. What a long-lived
        service ranks each batch of terms with (:class:`~kcgraph.match.link.SkillRanking`)."""
        other = copy.copy(self)
        other.queries = list(queries)
        texts = [q.embed_text for q in other.queries]
        other.query_vectors = [cache.embed(e, texts) for e in encoders]
        other._parents = other.query_vectors
        other._knowledge = knowledge_flags(other.queries)
        other._maps = [(mapped(other.query_vectors[e], m), e) for m, e in self.map_matrices]
        other.__dict__.pop("hubness", None)  # it is the queries' own
        if self._own is not None:
            raise ValueError("a matcher blending the queries' own language keeps its queries")
        return other

    def block(self, rows: slice | np.ndarray, *, context: bool = True) -> PairBlock:
        """Cosines of the queries ``rows`` (a slice or indices) with every target (best text
        per encoder) and, with ``context``, of their parents and with the targets' nearest
        skill groups."""

        def best(q: np.ndarray, t: np.ndarray, ts: TargetSet) -> np.ndarray:
            return np.maximum.reduceat(q @ t.T, ts.starts, axis=1)

        signals = np.stack(
            [
                best(q[rows], t, ts)
                for q, t, ts in zip(
                    self.query_vectors, self.target_vectors, self.per_encoder, strict=True
                )
            ]
            + [
                best(q[rows], self.target_vectors[int(e)], self.per_encoder[int(e)])
                for q, e in self._maps
            ]
        )
        if self._own is not None:
            blend_own_language(signals, self.query_vectors, self._own_vectors, self._own, rows)
        if not context:
            empty = np.zeros(signals.shape[1:], dtype=np.float32)
            hub = np.zeros(signals.shape[2], dtype=np.float32)
            return PairBlock(signals, empty, empty, self._knowledge[rows], hub)
        parent = np.mean(
            [
                best(p[rows], t, ts)
                for p, t, ts in zip(
                    self._parents, self.target_vectors, self.per_encoder, strict=True
                )
            ],
            axis=0,
        )
        group = np.zeros_like(parent)
        if self._groups and self.structure.groups.shape[1]:
            per_group = np.mean(
                [q[rows] @ g.T for q, g in zip(self.query_vectors, self._groups, strict=True)],
                axis=0,
            )
            padded = np.hstack([per_group, np.full((len(per_group), 1), -1.0, np.float32)])
            group = np.full_like(parent, -1.0)
            for column in self.structure.groups.T:  # each target's j-th nearest group
                np.maximum(group, padded[:, column], out=group)
            group[:, self.structure.groups[:, 0] == len(self.structure.group_texts)] = 0.0
        return PairBlock(signals, parent, group, self._knowledge[rows], self.hubness)

    @cached_property
    def hubness(self) -> np.ndarray:
        """Per target: its mean fused cosine with every query (how near it is to everything)."""
        total = np.zeros(len(self.targets.items), dtype=np.float64)
        for _, block in self._blocks(BLOCK, context=False):
            total += block.fused.sum(axis=0)
        return (total / max(len(self.queries), 1)).astype(np.float32)

    def _blocks(self, size: int, *, context: bool = True) -> Iterator[tuple[int, PairBlock]]:
        for start in range(0, len(self.queries), size):
            rows = slice(start, min(start + size, len(self.queries)))
            yield start, self.block(rows, context=context)

    def train(
        self,
        decisions: Sequence[SemanticMapping],
        converter: curies.Converter,
        *,
        block_size: int = BLOCK,
    ) -> TargetRanker:
        """A ranker learnt from the decisions on these queries and targets: accepted links
        are positives; rejected ones, and the top concepts a reviewer passed over for an
        accepted one, negatives. Too few examples keep the fused cosine."""
        return train_ranker(self, decisions, converter, block_size=block_size)

    def candidates(
        self,
        *,
        top_k: int,
        threshold: float = 0.0,
        exclude: Collection[frozenset[str]] = (),
        ranker: TargetRanker | None = None,
        block_size: int = BLOCK,
    ) -> list[Candidate]:
        """For each query, the top-K targets by the ranker's score (the fused cosine when it
        learnt nothing), with fused cosine >= ``threshold``."""
        ranker = ranker or TargetRanker(self.names)
        justification = COMPOSITE_MATCHING if len(self.names) > 1 else SEMANTIC_SIMILARITY
        k = min(top_k, len(self.targets.items))
        candidates = []
        for start, block in self._blocks(block_size, context=ranker.trained):
            fused = block.fused
            score = ranker.score(block, self.structure)
            part = np.argpartition(-score, k - 1, axis=1)[:, :k]
            order = np.lexsort((part, -np.take_along_axis(score, part, axis=1)), axis=1)
            chosen = np.take_along_axis(part, order, axis=1)
            relations = chosen_relations(self, start, chosen)
            for r in range(fused.shape[0]):
                query = self.queries[start + r]
                for rank, c in enumerate(chosen[r].tolist(), start=1):
                    target = self.targets.items[c]
                    if fused[r, c] < threshold or frozenset((query.iri, target.iri)) in exclude:
                        continue
                    detail = {
                        n: round(float(block.signals[i, r, c]), 4) for i, n in enumerate(self.names)
                    }
                    learnt = ranker.trained and score[r, c] >= 0  # off the shortlist: no model
                    confidence = round(float(score[r, c]), 4) if learnt else None
                    candidates.append(
                        Candidate(
                            query,
                            target,
                            relations[r][rank - 1],
                            justification,
                            round(float(fused[r, c]), 4),
                            rank,
                            detail,
                            confidence,
                        )
                    )
        return sorted(candidates, key=lambda m: (m.subject.profile, m.subject.iri, m.rank))


def train_ranker(
    matcher: TargetMatcher,
    decisions: Sequence[SemanticMapping],
    converter: curies.Converter,
    *,
    block_size: int = BLOCK,
) -> TargetRanker:
    """:meth:`TargetMatcher.train`."""
    ranker = TargetRanker(matcher.names)
    decided = decided_pairs(
        decisions,
        converter,
        {q.iri: i for i, q in enumerate(matcher.queries)},
        {t.iri: j for j, t in enumerate(matcher.targets.items)},
    )
    positive, negative = decided.positive, decided.negative
    if not positive:
        return ranker
    xs: list[np.ndarray] = []
    examples = TrainingSet([], [])
    accepted = {q for q, _ in positive}
    rows_decided = np.array(sorted(accepted | {q for q, _ in negative}))
    for start in range(0, len(rows_decided), block_size):
        rows = rows_decided[start : start + block_size]
        block = matcher.block(rows)
        position = {int(r): i for i, r in enumerate(rows)}
        pairs: dict[tuple[int, int], int] = {p: 0 for p in negative if p[0] in position}
        for r in position:
            if r in accepted:
                order = np.argsort(-block.fused[position[r]], kind="stable")
                passed = ((r, int(c)) for c in order[:SHORTLIST])
                pairs.update({p: 0 for p in passed if p not in decided.otherwise})
        # an accepted concept off the shortlist is never re-ranked: not an example
        pairs.update({p: 1 for p in positive if p in pairs})
        chosen = sorted(pairs)
        q = np.array([position[r] for r, _ in chosen])
        c = np.array([t for _, t in chosen])
        xs.append(pair_features(block, matcher.structure, q, c))
        examples.pairs.extend(chosen)
        examples.labels.extend(pairs[p] for p in chosen)
    return ranker.fit(np.vstack(xs), examples)


def as_target_sets(
    targets: TargetSet | Sequence[Item] | Sequence[TargetSet], encoders: int
) -> list[TargetSet]:
    """One target set per encoder: the same for all, or one each, or items' main texts."""
    if isinstance(targets, TargetSet):
        return [targets] * encoders
    sets = [t for t in targets if isinstance(t, TargetSet)]
    if sets:
        return sets
    items = [t for t in targets if isinstance(t, Item)]
    one = TargetSet(items, [t.embed_text for t in items], np.arange(len(items)))
    return [one] * encoders


def predict_target_candidates(
    queries: Sequence[Item],
    targets: TargetSet | Sequence[Item] | Sequence[TargetSet],
    *,
    encoders: Sequence[Encoder],
    cache: EmbeddingCache,
    top_k: int,
    threshold: float = 0.0,
    exclude: Collection[frozenset[str]] = (),
    progress: bool = True,
) -> list[Candidate]:
    """For each query, the top-K targets by the mean over encoders of each target's best
    text (>= ``threshold``): no structure, nothing learnt."""
    matcher = TargetMatcher(
        queries,
        as_target_sets(targets, len(encoders)),
        encoders=encoders,
        cache=cache,
        progress=progress,
    )
    return matcher.candidates(top_k=top_k, threshold=threshold, exclude=exclude)
