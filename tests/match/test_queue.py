"""One review order and one expected precision for every queue."""

from __future__ import annotations

from curies import NamableReference
from hypothesis import given
from hypothesis import strategies as st
from sssom_pydantic import SemanticMapping

from kcgraph.match.queue import cut_by_expected_precision, expected_precision, review_order


def _mapping(n: int, score: float, confidence: float | None) -> SemanticMapping:
    return SemanticMapping(
        subject=NamableReference(prefix="okla", identifier=f"s{n}", name="s"),
        predicate="skos:closeMatch",
        object=NamableReference(prefix="kcm", identifier=f"o{n}", name="o"),
        justification="semapv:SemanticSimilarityThresholdMatching",
        similarity_score=score,
        confidence=confidence,
    )


def test_least_sure_first_then_the_best_score():
    sure, unsure, half, none_low, none_high = (
        _mapping(1, 0.9, 0.95),
        _mapping(2, 0.5, 0.6),
        _mapping(3, 0.4, 0.5),
        _mapping(4, 0.3, None),
        _mapping(5, 0.8, None),
    )
    order = review_order([sure, none_low, unsure, none_high, half])
    assert order == [half, unsure, sure, none_high, none_low]
    # the learner passes its own probabilities: the same order for the same numbers
    probabilities = {id(m): m.confidence for m in order}
    assert review_order(order[::-1], lambda m: probabilities[id(m)]) == order


@given(st.lists(st.floats(0, 1), max_size=40), st.floats(0, 1))
def test_the_cut_is_the_longest_run_that_reaches_the_target(values, target):
    ranked = sorted(values, reverse=True)
    kept = cut_by_expected_precision(ranked, float, target)
    assert kept == ranked[: len(kept)]
    if kept:
        assert (expected_precision(kept) or 0.0) >= target - 1e-9
    longer = [n for n in range(len(kept) + 1, len(ranked) + 1) if sum(ranked[:n]) / n >= target]
    assert longer == []
