"""Typed relations of ESCO proposals (exact, close, broad, narrow), learnt from typed links."""

from __future__ import annotations

import numpy as np

from kcgraph.match import EmbeddingCache, load_encoder
from kcgraph.match.cache import embed_with_progress
from kcgraph.match.vocabulary.relations import (
    MIN_EXAMPLES,
    Reference,
    RelationModel,
    chosen_relations,
    learn_relations,
)
from kcgraph.terms import BROAD_MATCH, CLOSE_MATCH, EXACT_MATCH, NARROW_MATCH

from .test_vocabulary import fixture_matcher  # noqa: F401  (the module's shared matcher)


def test_nothing_typed_proposes_close_and_too_few_or_one_relation_learn_nothing():
    x, cols = np.random.default_rng(0).normal(size=(MIN_EXAMPLES, 4)), np.arange(MIN_EXAMPLES)
    assert not RelationModel().fit(x, cols, [BROAD_MATCH] * MIN_EXAMPLES).trained
    few = [BROAD_MATCH, CLOSE_MATCH] * (MIN_EXAMPLES // 2 - 1)
    assert not RelationModel().fit(x[: len(few)], cols[: len(few)], few).trained
    assert RelationModel().predict(x[:3], cols[:3]) == [CLOSE_MATCH] * 3


def test_relations_learnt_from_typed_links_type_held_out_proposals(fixture_matcher):  # noqa: F811
    """Each fixture skill's links are typed one way by the examples of half the statements;
    the model learnt from them types the other half's proposals of that skill the same way,
    and the proposals carry it."""
    ws, matcher = fixture_matcher
    assert {c.predicate for c in matcher.candidates(top_k=3)} == {CLOSE_MATCH}
    skills = [t.iri for t in matcher.targets.items]
    stated = dict(zip(skills, (BROAD_MATCH, NARROW_MATCH, EXACT_MATCH), strict=True))
    half = len(matcher.queries) // 2
    taught = [
        Reference(q.embed_text, iri, relation)
        for q in matcher.queries[:half]
        for iri, relation in stated.items()
    ]
    cache = EmbeddingCache(ws.settings.embedding_cache_dir)
    encoders = [load_encoder(m) for m in ws.settings.models]
    try:
        embedders = [
            lambda s, e=e: embed_with_progress(cache, e, s, progress=False) for e in encoders
        ]
        model = learn_relations(taught, embedders, matcher)
    finally:
        cache.close()
    assert model.trained and model.examples == len(set(taught)) >= MIN_EXAMPLES
    held_out = len(matcher.queries) - half
    every = np.tile(np.arange(len(skills)), (held_out, 1))
    matcher.relations = model
    try:
        typed = chosen_relations(matcher, half, every)
        proposals = [c for c in matcher.candidates(top_k=3) if c.subject in matcher.queries[half:]]
    finally:
        matcher.relations = RelationModel()
    assert all(row == [stated[s] for s in skills] for row in typed)
    assert proposals and all(c.predicate == stated[c.object.iri] for c in proposals)
