"""The statement workbench in-process: every button and filter calls the desk."""

from __future__ import annotations

import shutil

import pytest

from kcgraph.errors import KcgraphError
from kcgraph.review.frontends.desk import DESK_KEYS, ScreenDesk
from kcgraph.review.frontends.widget import desk_keys_script
from tests.conftest import REVIEWER, derived


@pytest.fixture()
def desk(session_ws, proposals, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(proposals, out / proposals.name)
    ws = derived(session_ws, mappings_dir=tmp_path / "mappings", out_dir=out, reviewer=None)
    return ScreenDesk(ws)


def test_the_desk_answers_screens_by_key_searches_links_and_undoes(desk):
    with pytest.raises(KcgraphError, match="ORCID"):
        desk.key("n")
    desk.set_reviewer(REVIEWER.removeprefix("orcid:"))
    desk.widget()
    first = desk.current()
    desk.buttons["pick-1"].click()
    proposed = first.candidates[0].mapping.predicate.curie
    assert desk.chosen == {0: proposed}  # chosen with the relation proposed for it
    desk.buttons["pick-1"].click()
    assert desk.chosen == {}
    with pytest.raises(KcgraphError, match="choose a candidate"):
        desk.accept()
    desk.key("1")
    desk.buttons["accept"].click()
    store = desk.loop.store
    accepted = [d for d in store.decisions() if d.verdict == "accept"]
    assert len(accepted) == 1 and first.statement in accepted[0].pair
    assert desk.current() is not None and desk.current().key != first.key
    desk.buttons["none"].click()
    rejected = [d for d in store.decisions() if d.verdict == "reject"]
    assert rejected
    desk.buttons["undo"].click()
    assert len([d for d in store.decisions() if d.verdict == "reject"]) < len(rejected)
    skipped = desk.current()
    desk.buttons["skip"].click()
    assert desk.current().key != skipped.key
    scheme = desk.schemes()[0]
    desk.refilter(scheme, None)
    assert desk.current().scheme == scheme
    found = desk.search("klant")
    assert found and all(f.scheme == scheme for f in found)
    assert not desk.search("qqqzzzx") and "nothing found for 'qqqzzzx'" in desk.message
    found = desk.search("voorwaarden")  # a part of Dutch compounds: verkoop(s)voorwaarden
    assert found and all("voorwaarden" in f.label.lower() for f in found)
    desk.link(0)
    linked = [d.mapping for d in store.decisions() if d.mapping.comment == "found by search"]
    assert linked and linked[0].subject.name and linked[0].object.name  # labels recorded
    assert linked[0].subject_category and linked[0].object_category  # and kinds
    assert "screens answered this session" in desk.status_line()
    assert set(desk_keys_script()) and all(
        f'"{k.key}": "{k.name}"' in desk_keys_script() for k in DESK_KEYS
    )


def test_the_tenth_candidate_of_an_esco_screen_has_a_key(desk, monkeypatch):
    """An ESCO screen shows ten skills: ``0`` chooses the tenth (and its button is drawn)."""
    import dataclasses

    desk.set_reviewer(REVIEWER.removeprefix("orcid:"))
    first = desk.current()
    ten = dataclasses.replace(first, candidates=(first.candidates * 2)[:10])
    monkeypatch.setattr(desk, "current", lambda: ten)
    desk.key("0")
    assert list(desk.chosen) == [9]
    desk.key("0")
    assert desk.chosen == {}
    assert "pick-10" in {k.name for k in DESK_KEYS} and '"0": "pick-10"' in desk_keys_script()


def test_typed_predicates_one_key_each_set_the_chosen_candidates(desk):
    """e, c, b, w type the chosen candidates exact, close, broad, narrow (each button too); the
    accepted decisions carry them."""
    desk.set_reviewer(REVIEWER.removeprefix("orcid:"))
    desk.widget()
    first = desk.current()
    desk.key("1")
    desk.key("2")
    for key, predicate in (
        ("e", "skos:exactMatch"),
        ("c", "skos:closeMatch"),
        ("w", "skos:narrowMatch"),
    ):
        desk.key(key)
        assert desk.chosen == {0: predicate, 1: predicate} and desk.predicate == predicate
    desk.buttons["as-broad"].click()
    assert set(desk.chosen.values()) == {"skos:broadMatch"}
    desk.key("2")  # unchosen, then chosen again: the relation proposed for it
    desk.key("2")
    assert desk.chosen[1] == first.candidates[1].mapping.predicate.curie
    desk.key("a")
    accepted = [d for d in desk.loop.store.decisions() if d.verdict == "accept"]
    predicates = {d.mapping.predicate.curie for d in accepted}
    assert len(accepted) == 2 and "skos:broadMatch" in predicates


def test_two_equivalent_candidates_are_warned_of_before_they_clash(desk):
    """Two candidates of one profile chosen as equivalent would be equivalent to each other:
    the first accept warns and records nothing, the second records; the status line shows
    the session's and the queue's progress."""
    desk.set_reviewer(REVIEWER.removeprefix("orcid:"))
    desk.key("1")
    desk.key("2")
    desk.key("c")
    before = len(desk.loop.store.decisions())
    with pytest.raises(KcgraphError, match="clash"):
        desk.accept()
    assert len(desk.loop.store.decisions()) == before
    desk.accept()
    assert len(desk.loop.store.decisions()) > before
    line = desk.status_line()
    assert "1 screens answered this session" in line and "2 links found" in line
    assert "screens open" in line and "links the model still expects" in line


def test_the_statements_own_text_is_chosen_as_exact():
    from sssom_pydantic import SemanticMapping

    from kcgraph.review.frontends.desk import proposed_relation
    from kcgraph.review.session.screens import Shown

    def shown(name: str, predicate: str) -> Shown:
        mapping = SemanticMapping.model_validate(
            {
                "subject": {"prefix": "kcm", "identifier": "a", "name": "Klantgericht handelen"},
                "predicate": predicate,
                "object": {"prefix": "ccm", "identifier": "b", "name": name},
                "justification": "semapv:LexicalMatching",
            }
        )
        return Shown(mapping, "ccm:b", 0.5)

    statement = "Klantgericht  handelen"
    assert proposed_relation(shown("klantgericht handelen", "skos:closeMatch"), statement, "x") == (
        "skos:exactMatch"
    )
    assert proposed_relation(shown("Iets anders", "skos:broadMatch"), statement, "x") == (
        "skos:broadMatch"
    )
