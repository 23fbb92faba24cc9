"""The simulated analyst: plays the loop from a gold file, in a temporary folder, using only
the answers the loop asked for."""

from __future__ import annotations

import pytest

from kcgraph.review.session import simulate as simulation
from kcgraph.review.session.simulate import gold_answers, simulate
from tests.conftest import ROOT, SHARED_GOLD, derived

COMMITTED = ROOT / "data" / "mappings"


def _files() -> dict[str, bytes]:
    """The committed decision files (not ``.lock``: git ignores it, and a test on another worker
    may take the lock on this folder meanwhile)."""
    files = sorted(COMMITTED.iterdir())
    return {p.name: p.read_bytes() for p in files if p.is_file() and p.name != ".lock"}


@pytest.fixture()
def spy(monkeypatch):
    """Every pair the simulated analyst is asked about, and the decisions of each run."""
    asked: list[set[frozenset[str]]] = []
    decided: list[set[frozenset[str]]] = []
    real_answers, real_play = simulation.gold_answers, simulation._play

    def answers(ws, path):
        found = real_answers(ws, path)
        asked.append(found.asked)
        return found

    def play(player, answers, result, *args):
        store = player[1]
        start = {d.pair for d in store.decisions()}
        real_play(player, answers, result, *args)
        decided.append({d.pair for d in store.decisions()} - start)

    monkeypatch.setattr(simulation, "gold_answers", answers)
    monkeypatch.setattr(simulation, "_play", play)
    return asked, decided


def test_the_simulated_analyst_uses_only_answers_it_was_asked_for(session_ws, spy, tmp_path):
    asked, decided = spy
    before = _files()
    ws = derived(session_ws, mappings_dir=COMMITTED)
    result = simulate(ws, SHARED_GOLD, max_actions=12)
    assert _files() == before  # data/mappings is never touched
    assert result.units == 43 and result.set_aside == 72
    assert len(result.recall) == 12 and result.recall == sorted(result.recall)
    assert result.read >= 12
    # every decision the run made is on a pair the analyst was shown
    assert decided[0] and decided[0] <= asked[0]
    answers = gold_answers(ws, SHARED_GOLD)
    accepted_gold = {p for p in answers.predicates if p in decided[0]}
    assert accepted_gold <= asked[0]
    assert result.recall[-1] == pytest.approx(
        sum(1 for pairs in answers.units.values() if pairs & accepted_gold) / 43, abs=1 / 43
    )
    never_asked = set(answers.predicates) - asked[0]
    assert never_asked and not never_asked & decided[0]  # the rest of the gold stayed unused


def test_esco_screens_report_whether_each_gold_statements_first_screen_held_a_skill(tmp_path):
    """Towards ESCO (the three-skill fixture), the simulated analyst also reports, per gold
    statement shown, whether its first screen held an acceptable skill."""
    from tests.conftest import RESOURCES, workspace

    ws = workspace(esco_dir=RESOURCES / "esco", mappings_dir=tmp_path / "mappings")
    result = simulate(ws, RESOURCES / "esco-fixture-sample.tsv", max_actions=80)
    answers = gold_answers(ws, RESOURCES / "esco-fixture-sample.tsv")
    assert result.target == "esco" and result.first_screen
    assert set(result.first_screen) <= set(answers.units)
    hits, shown = sum(result.first_screen.values()), len(result.first_screen)
    assert hits <= shown and f"({hits} of {shown})" in list(result.lines())[-1]
    assert result.recall[-1] >= hits / len(answers.units) - 1e-9  # found on the first screen
