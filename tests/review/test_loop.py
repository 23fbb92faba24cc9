"""Review by statement: screens, their order, answers, learning, undo, search."""

from __future__ import annotations

import shutil

import pytest

from kcgraph.errors import KcgraphError
from kcgraph.review.session.loop import ReviewLoop
from kcgraph.review.session.screens import Screen, Shown, pick_screen
from kcgraph.review.session.search import LabelSearch
from tests.conftest import REVIEWER, ROOT, derived


@pytest.fixture()
def loop_ws(session_ws, proposals, tmp_path):
    """A workspace on a copy of the committed decisions, with the default proposals."""
    shutil.copytree(ROOT / "data" / "mappings", tmp_path / "mappings")
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(proposals, out / proposals.name)
    return derived(session_ws, mappings_dir=tmp_path / "mappings", out_dir=out, reviewer=REVIEWER)


def test_a_screen_is_one_statement_and_its_open_candidates_in_one_other_profile(loop_ws):
    loop = ReviewLoop(loop_ws)
    screens = loop.screens()
    assert screens and all(0 < len(s.candidates) <= 5 for s in screens)
    decided = {d.pair for d in loop.decisions()}
    for s in screens[:200]:
        assert s.statement.split(":")[0] != s.scheme
        assert all(c.other.split(":")[0] == s.scheme for c in s.candidates)
        assert not any(frozenset((s.statement, c.other)) in decided for c in s.candidates)
        probabilities = [c.probability for c in s.candidates if not c.inferred]
        assert probabilities == sorted(probabilities, reverse=True)
    # every proposal appears on the screens of both its statements
    m = loop.proposals[0]
    keys = {s.key for s in screens}
    assert (m.subject.curie, m.object.prefix) in keys and (m.object.curie, m.subject.prefix) in keys


def _screen(name: str, *probabilities: float, chained: bool = False) -> Screen:
    from tests.review.test_inference import link

    shown = tuple(
        Shown(
            link("okla:" + name, "skos:closeMatch", f"kcm:{name}{i}"),
            f"kcm:{name}{i}",
            p,
            (link("okla:x", "skos:exactMatch", "kcm:y"),) if chained else (),
        )
        for i, p in enumerate(probabilities)
    )
    return Screen("okla:" + name, "kcm", shown)


def test_screens_come_by_expected_yield_with_a_share_for_learning_and_chains_first():
    sure, likely, unsure = _screen("a", 0.9, 0.8), _screen("b", 0.6), _screen("c", 0.5, 0.5, 0.5)
    assert sure.expected_yield == pytest.approx(1 - 0.1 * 0.2)
    screens = [unsure, likely, sure]
    assert pick_screen(screens, 0, exploration=0.1) is sure
    drawn = {pick_screen(screens, n, exploration=0.1).key for n in range(9, 200, 10)}
    assert drawn == {s.key for s in screens}  # every 10th: drawn at random, all in time
    assert pick_screen(screens, 9, exploration=0.1) is pick_screen(screens, 9, exploration=0.1)
    assert all(pick_screen(screens, n, exploration=0.0) is sure for n in range(20))
    chained = _screen("d", 0.3, chained=True)
    assert pick_screen([*screens, chained], 0) is chained
    assert pick_screen(screens, 0, skipped={sure.key: 1}) is unsure
    assert pick_screen([], 0) is None
    # exploring, the children of a pair just linked come first; a chain never waits
    assert pick_screen(screens, 0, exploration=0.1, follow={unsure.key}) is sure
    assert pick_screen(screens, 9, exploration=0.1, follow={unsure.key}) is unsure
    assert pick_screen([*screens, chained], 9, exploration=0.1, follow={unsure.key}) is chained


def test_an_answer_accepts_the_chosen_rejects_the_rest_learns_and_undoes_as_one_step(loop_ws):
    loop = ReviewLoop(loop_ws)
    before = (loop_ws.settings.decisions_dir / "negative.sssom.tsv").read_bytes()
    examples = len(loop.model.ranker.examples.labels)
    screen = loop.next()
    chosen = screen.candidates[-1]
    turn = loop.answer(screen, {chosen.other: "skos:exactMatch"})
    verdicts = {
        frozenset((m.subject.curie, m.object.curie)): (m.negated, m.predicate.curie)
        for m in turn.recorded
    }
    assert verdicts[frozenset((screen.statement, chosen.other))] == (False, "skos:exactMatch")
    assert sum(negated for negated, _ in verdicts.values()) == len(screen.candidates) - 1
    assert len(loop.model.ranker.examples.labels) > examples  # retrained on the answer
    assert loop.screen(*screen.key) is None or all(
        c.other not in verdicts for c in loop.screen(*screen.key).candidates
    )
    with pytest.raises(KcgraphError, match="not on the screen"):
        loop.answer(loop.next(), {"kcm:not-shown": "skos:exactMatch"})
    assert loop.undo() is turn
    assert (loop_ws.settings.decisions_dir / "negative.sssom.tsv").read_bytes() == before
    assert loop.undo() is None


def test_none_of_these_is_a_decision_and_an_accepted_pair_chains_to_the_third(loop_ws):
    loop = ReviewLoop(loop_ws)
    screen = loop.next()
    turn = loop.answer(screen, {})
    assert all(m.negated for m in turn.recorded) and len(turn.recorded) == len(screen.candidates)
    # accept a -> b where a already has an accepted equivalent: a chain is offered first
    accepted = next(
        d.mapping
        for d in loop.decisions()
        if d.verdict == "accept"
        and d.mapping.predicate.curie == "skos:closeMatch"
        and d.mapping.object.prefix in loop_ws.profile_ids
    )
    a, b = accepted.subject.curie, accepted.object.curie
    third = next(
        p for p in loop_ws.profile_ids if p not in (accepted.subject.prefix, accepted.object.prefix)
    )
    target = next(s for s in loop.screens() if s.statement == a and s.scheme == third)
    before = {c.mapping.justification.curie for s in loop.screens() for c in s.candidates}
    loop.answer(target, {target.candidates[0].other: "skos:closeMatch"})
    new = target.candidates[0].other
    chained = [
        c
        for s in loop.screens()
        for c in s.candidates
        if c.inferred and {c.mapping.subject.curie, c.mapping.object.curie} == {b, new}
    ]
    assert chained, before
    assert chained[0].mapping.justification.curie == "semapv:MappingChaining"
    assert loop.next().candidates[0].inferred  # offered early


def test_a_statement_whose_parent_was_just_linked_is_offered_next(loop_ws):
    loop = ReviewLoop(loop_ws, exploration=0.5)  # the second answer explores
    parent = next(
        s
        for s in loop.screens()
        if loop.children.get(s.statement) and any(loop.children.get(c.other) for c in s.candidates)
    )
    other = next(c.other for c in parent.candidates if loop.children.get(c.other))
    turn = loop.answer(parent, {other: "skos:closeMatch"})
    expected = {(child, other.split(":")[0]) for child in loop.children[parent.statement]} | {
        (child, parent.statement.split(":")[0]) for child in loop.children[other]
    }
    assert turn.follow == expected
    open_keys = {s.key for s in loop.screens()} & expected
    assert open_keys, "the linked parents' children have candidates on each other's side"
    following = loop.next()
    assert following.key in open_keys or any(c.inferred for c in following.candidates)
    loop.answer(following, {})
    assert following.key not in loop.follow()  # answered: no longer pushed forward
    loop.undo()
    loop.undo()
    assert loop.follow() == frozenset()


def test_without_a_reviewer_nothing_is_recorded(loop_ws):
    loop = ReviewLoop(derived(loop_ws, reviewer=None))
    loop.reviewer = None
    with pytest.raises(KcgraphError, match="never recorded unsigned"):
        loop.answer(loop.next(), {})


def test_search_finds_statements_and_esco_by_words_and_by_meaning(session_ws):
    search = LabelSearch(session_ws)
    (found, *_) = search.words("klachten afhandelen", scheme="okla")
    assert found.label.startswith("Kan klachten afhandelen")
    skills = search.words("complaints", scheme="escoskill")
    assert skills and all("complaint" in f.label for f in skills)
    assert search.words("  ", scheme="kcm") == []
    near = search.meaning("klachten behandelen", scheme="kcm", limit=3)
    assert near[0].label == "Kennis van klachtenbehandeling"
    assert near[0].score >= near[-1].score
