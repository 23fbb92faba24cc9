"""Where a learned queue ends."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kcgraph.match.queue import cut_by_expected_precision, expected_precision


@given(st.lists(st.floats(0, 1), max_size=40), st.floats(0, 1))
def test_the_cut_is_the_longest_run_that_reaches_the_target(values, target):
    ranked = sorted(values, reverse=True)
    kept = cut_by_expected_precision(ranked, float, target)
    assert kept == ranked[: len(kept)]
    if kept:
        assert (expected_precision(kept) or 0.0) >= target - 1e-9
    longer = [n for n in range(len(kept) + 1, len(ranked) + 1) if sum(ranked[:n]) / n >= target]
    assert longer == []
