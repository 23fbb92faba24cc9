"""Candidates past brute force: the approximate index (usearch HNSW) on the real signals."""

from __future__ import annotations

import numpy as np
import pytest

from kcgraph.match.crosswalk import Scorer, predict_candidates
from kcgraph.match.crosswalk import neighbours as nb
from kcgraph.match.crosswalk.neighbours import Approximate, index_vectors, neighbour_pool
from kcgraph.match.crosswalk.predict import top_k_blocks
from kcgraph.match.run import match_profiles
from kcgraph.settings import Settings

from ..conftest import derived

DEFAULTS = Settings()


@pytest.fixture(scope="module")
def pool(scorer):
    return neighbour_pool(scorer, 48)


def _owners(scorer: Scorer) -> np.ndarray:
    return np.array([item.profile for item in scorer.items])


def test_a_pool_holds_other_profiles_only_nearest_first_padded(scorer, pool):
    owner = _owners(scorer)
    assert pool.shape == (len(scorer.items), 48)
    assert (pool >= 0).any(axis=1).all()
    for row, members in enumerate(pool):
        found = members[members >= 0]
        assert (members[len(found) :] == -1).all()  # padding only at the end
        assert len(set(found.tolist())) == len(found)
        assert not (owner[found] == owner[row]).any()
    # nearest first, by the index's score (float16 vectors: a little noise allowed)
    vectors = index_vectors(scorer).astype(np.float32)
    rows = np.arange(len(pool))
    first, last = pool[:, 0], pool[:, 47]
    near = np.einsum("ij,ij->i", vectors[rows], vectors[first])
    far = np.einsum("ij,ij->i", vectors[rows], vectors[last])
    assert (near >= far - 1e-2).all()


def test_index_vectors_score_the_mean_cosine_of_the_encoders(scorer):
    # without the lexical signal the index's inner product is the fused score itself
    dense = Scorer.__new__(Scorer)
    dense.__dict__.update(scorer.__dict__)
    dense._sparse = None
    vectors = index_vectors(dense).astype(np.float32)
    rows, cols = np.arange(0, 40), np.arange(200, 240)
    expected = np.mean([v[rows] @ v[cols].T for v in scorer._dense], axis=0)
    assert np.allclose(vectors[rows] @ vectors[cols].T, expected, atol=5e-3)


def test_the_same_vectors_give_the_same_pools_on_any_number_of_threads(scorer, pool):
    assert np.array_equal(neighbour_pool(scorer, 48, threads=1), pool)
    assert np.array_equal(neighbour_pool(scorer, 48, threads=2), pool)


def test_shards_are_searched_together(scorer, pool, monkeypatch):
    # four shards of ~106 statements: the merged pools hold what one index holds, mostly
    monkeypatch.setattr(nb, "SHARD", 110)
    sharded = neighbour_pool(scorer, 48)
    overlap = [
        len(set(a[a >= 0].tolist()) & set(b[b >= 0].tolist())) / max(1, (a >= 0).sum())
        for a, b in zip(pool, sharded, strict=True)
    ]
    assert np.mean(overlap) > 0.95
    assert np.array_equal(neighbour_pool(scorer, 48), sharded)  # and deterministically


def test_a_pool_of_every_statement_scores_as_brute_force(scorer):
    everyone = neighbour_pool(scorer, len(scorer.items))
    exact = {
        (start, profile): (indices, fused)
        for start, profile, indices, fused, _ in top_k_blocks(scorer, top_k=5)
    }
    owner = _owners(scorer)
    seen = 0
    for start, profile, indices, fused, _ in top_k_blocks(scorer, top_k=5, pool=everyone):
        want_indices, want_fused = exact[(start, profile)]
        assert np.allclose(fused, want_fused, atol=1e-5)
        # the same statements, or (ties: duplicate texts) ones that score the same
        due = np.isfinite(want_fused)
        rows = np.nonzero(due)[0] + start
        assert (owner[indices[due]] == profile).all()
        rescored = scorer.pair_signals(rows, indices[due]).mean(axis=0)
        assert np.allclose(rescored, want_fused[due], atol=1e-5)
        assert (indices[due] == want_indices[due]).mean() > 0.99
        seen += 1
    assert seen == len(exact)


def test_index_candidates_agree_with_brute_force(scorer):
    exact = predict_candidates(scorer, top_k=DEFAULTS.top_k, threshold=DEFAULTS.threshold)
    approx = predict_candidates(
        scorer,
        top_k=DEFAULTS.top_k,
        threshold=DEFAULTS.threshold,
        approximate=Approximate(min_items=2, pool=DEFAULTS.ann_pool),
    )

    def pairs(found):
        return {(c.subject.iri, c.object.iri) for c in found}

    assert len(pairs(exact) & pairs(approx)) >= 0.99 * len(pairs(exact))


def test_below_the_size_where_it_pays_no_index_is_built(session_ws, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the index was built")

    monkeypatch.setattr("kcgraph.match.crosswalk.predict.neighbour_pool", refuse)
    ws = derived(session_ws, ann_min_items=len(session_ws.scorer.items) + 1)
    assert match_profiles(ws).mappings
    with pytest.raises(AssertionError, match="index was built"):
        match_profiles(derived(session_ws, ann_min_items=2))
    assert match_profiles(derived(session_ws, ann_min_items=None)).mappings


def test_an_index_sent_to_a_worker_searches_as_the_one_built(scorer):
    # a saved index keeps its graph but not its search list: restored, it is set again
    shards, vectors = nb.build_index(scorer, threads=1)
    restored = [nb._restored(nb._saved(shard)) for shard in shards]
    assert [s.expansion_search for s in restored] == [nb.EXPANSION_SEARCH] * len(shards)
    queries = vectors[:50]
    mine = nb._search(shards, queries, 20, 1)
    theirs = nb._search(restored, queries, 20, 1)
    assert np.array_equal(mine, theirs)
