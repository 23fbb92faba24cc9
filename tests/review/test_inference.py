"""What follows from decisions: chained proposals and mapping clashes."""

from __future__ import annotations

from curies import NamableReference
from sssom_pydantic import SemanticMapping

from kcgraph.review.decisions.decision import Decision
from kcgraph.review.decisions.inference import chained_proposals, clashes
from kcgraph.terms import (
    BROAD_MATCH,
    CLOSE_MATCH,
    EXACT_MATCH,
    MANUAL_MAPPING_CURATION,
    MAPPING_CHAINING,
)

PROFILES = frozenset({"okla", "kcm", "cci"})


def link(a: str, predicate: str, b: str, *, negated: bool = False) -> SemanticMapping:
    def ref(curie: str) -> NamableReference:
        prefix, identifier = curie.split(":")
        return NamableReference(prefix=prefix, identifier=identifier, name=identifier.upper())

    return SemanticMapping(
        subject=ref(a),
        predicate=predicate,
        object=ref(b),
        justification=MANUAL_MAPPING_CURATION,
        predicate_modifier="Not" if negated else None,
    )


def test_two_accepted_equivalences_propose_the_third_side_with_their_chain():
    ab, bc = link("okla:a", EXACT_MATCH, "kcm:b"), link("kcm:b", CLOSE_MATCH, "cci:c")
    (chained,) = chained_proposals([ab, bc], {frozenset(("okla:a", "kcm:b"))}, PROFILES)
    m = chained.mapping
    assert {m.subject.curie, m.object.curie} == {"okla:a", "cci:c"}
    assert m.justification.curie == MAPPING_CHAINING
    assert m.predicate.curie == CLOSE_MATCH  # one close link in the chain
    assert chained.chain in ((ab, bc), (bc, ab)) and chained.confidence == 0.5  # not 1.00
    assert "okla:a skos:exactMatch kcm:b" in (m.comment or "")
    assert {m.subject.name, m.object.name} == {"A", "C"}  # labels kept


def test_an_accepted_skill_is_offered_to_the_statements_equivalent_counterpart():
    ab = link("okla:a", EXACT_MATCH, "kcm:b")
    skill = link("okla:a", CLOSE_MATCH, "escoskill:s1")
    (chained,) = chained_proposals([ab, skill], set(), PROFILES)
    assert {chained.mapping.subject.curie, chained.mapping.object.curie} == {
        "kcm:b",
        "escoskill:s1",
    }
    assert chained.chain == (ab, skill)


def test_no_chain_through_a_vocabulary_concept_nor_within_a_profile_nor_when_decided():
    both_to_one_skill = [
        link("okla:a", CLOSE_MATCH, "escoskill:s1"),
        link("kcm:b", CLOSE_MATCH, "escoskill:s1"),
    ]
    assert chained_proposals(both_to_one_skill, set(), PROFILES) == []
    one_to_two = [link("okla:a", CLOSE_MATCH, "kcm:b"), link("okla:a", CLOSE_MATCH, "kcm:c")]
    assert chained_proposals(one_to_two, set(), PROFILES) == []
    chain = [link("okla:a", EXACT_MATCH, "kcm:b"), link("kcm:b", EXACT_MATCH, "cci:c")]
    assert chained_proposals(chain, {frozenset(("okla:a", "cci:c"))}, PROFILES) == []
    related = [link("okla:a", "skos:relatedMatch", "kcm:b"), link("kcm:b", EXACT_MATCH, "cci:c")]
    assert chained_proposals(related, set(), PROFILES) == []


def test_clashes_name_the_decisions_involved():
    accepted = [
        Decision("accept", link("okla:a", EXACT_MATCH, "kcm:b")),
        Decision("accept", link("kcm:b", EXACT_MATCH, "okla:z")),
        Decision("accept", link("cci:c", EXACT_MATCH, "kcm:d")),
        Decision("reject", link("cci:c", EXACT_MATCH, "kcm:d", negated=True)),
        Decision("accept", link("cci:e", BROAD_MATCH, "kcm:f")),
        Decision("accept", link("kcm:f", EXACT_MATCH, "cci:e")),
    ]
    found = clashes(accepted, PROFILES)
    lines = [c.line() for c in found]
    assert any("accepted and rejected" in line and "NOT cci:c" in line for line in lines)
    assert any("exact and broader/narrower" in line and "cci:e" in line for line in lines)
    one_profile = [c for c in found if "of okla" in c.why]
    assert len(one_profile) == 1
    assert one_profile[0].mappings == (accepted[0].mapping, accepted[1].mapping)
    assert clashes(accepted[:1], PROFILES) == []


def test_a_chain_of_reviewed_links_is_evidence_not_certainty():
    """A chained proposal shows the chain's confidence, never a bare 1.00: the transitivity
    the decisions show (Laplace's rule), once per step past the first."""
    ab, bc = link("okla:a", EXACT_MATCH, "kcm:b"), link("kcm:b", CLOSE_MATCH, "cci:c")
    decided = {frozenset(("okla:a", "kcm:b")), frozenset(("kcm:b", "cci:c"))}
    (unknown,) = chained_proposals([ab, bc], decided, PROFILES)
    assert unknown.confidence == 0.5  # nothing decided about the ends of two links yet
    # elsewhere, the ends of two links that meet were rejected twice: chains weigh less
    xy, yz = link("okla:x", CLOSE_MATCH, "kcm:y"), link("kcm:y", CLOSE_MATCH, "cci:z")
    uv, vw = link("okla:u", CLOSE_MATCH, "kcm:v"), link("kcm:v", CLOSE_MATCH, "cci:w")
    rejected = {frozenset(("okla:x", "cci:z")), frozenset(("okla:u", "cci:w"))}
    chained = chained_proposals([ab, bc, xy, yz, uv, vw], decided | rejected, PROFILES)
    (ac,) = [c for c in chained if "okla:a" in (c.mapping.subject.curie, c.mapping.object.curie)]
    assert 0 < ac.confidence < 0.5
    assert all(c.confidence < 1.0 for c in chained)
