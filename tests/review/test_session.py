"""The workbench's library side: who reviews, keys, undo, revisit, filters, progress."""

from __future__ import annotations

import pytest

from kcgraph.errors import KcgraphError
from kcgraph.review.session import Workbench

from ..conftest import REVIEWER, workspace


@pytest.fixture()
def bench(tmp_path, proposals):
    out = proposals.parent
    return Workbench(workspace(out_dir=out, mappings_dir=tmp_path / "decisions"))


def test_no_decision_without_a_valid_reviewer(bench):
    assert bench.reviewer is None
    with pytest.raises(KcgraphError, match="ORCID first"):
        bench.key("2")
    for bad in ("0000-0002-1825-0098", "0000-0000-0000-0000", "nobody"):
        with pytest.raises(KcgraphError):
            bench.set_reviewer(bad)
    assert bench.set_reviewer("https://orcid.org/0000-0002-1825-0097") == REVIEWER


def test_keys_undo_and_revisit(bench):
    bench.set_reviewer(REVIEWER)
    first = bench.current()
    bench.key("2")  # close match
    assert bench.store.decision(frozenset((first.subject.curie, first.object.curie)))
    second = bench.current()
    bench.key("r")
    third = bench.current()
    bench.key("s")
    assert bench.current() != third
    assert bench.revisit_skipped() == 1 and bench.current() == third
    bench.key("z")  # undo the rejection: the pair is open again, the first stays
    verdicts = {d.pair: d.verdict for d in bench.store.decisions()}
    assert frozenset((second.subject.curie, second.object.curie)) not in verdicts
    assert list(verdicts.values()) == ["accept"]
    assert "this session 1 decisions" in bench.status_line()


def test_undo_restores_an_earlier_decision(bench):
    """Undo puts a pair back as it was: here, decided unsure by someone before."""
    bench.set_reviewer(REVIEWER)
    m = bench.current()
    pair = frozenset((m.subject.curie, m.object.curie))
    bench.store.decide("unsure", m.subject.curie, m.object.curie, reviewer=REVIEWER)
    previous = bench.store.decision(pair)
    bench.store.decide("accept", m.subject.curie, m.object.curie, reviewer=REVIEWER)
    bench.store.restore(pair, previous)
    assert bench.store.decision(pair).verdict == "unsure"


def test_filters_and_context(bench):
    pairs = bench.profile_pairs()
    bench.pair = pairs[0]
    assert all((m.subject.prefix, m.object.prefix) == pairs[0] for m in bench.queue())
    bench.score_range = (0.6, 1.0)
    assert all(m.similarity_score >= 0.6 for m in bench.queue())
    m = bench.current()
    context = bench.context(m.subject.curie)
    assert context.places and "line" in context.places[0]
