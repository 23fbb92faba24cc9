"""The graph: model, provenance, round trips of every export, determinism, stable IRIs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kcgraph.build import run_build
from kcgraph.graph.formats import FORMATS, serialize
from kcgraph.graph.namespaces import ESCO, ISCO, KCG

from ..conftest import workspace


def _concept(graph: Graph, label: str, lang: str) -> URIRef:
    subjects = list(graph.subjects(SKOS.prefLabel, Literal(label, lang=lang)))
    assert len(subjects) == 1, (label, subjects)
    return subjects[0]


def test_every_concept_has_scheme_label_kind_and_source(built):
    graph = built.graph
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == sum(len(p.statements) for p in built.profiles)
    kinds = {
        KCG[k]
        for k in (
            "Occupation",
            "Role",
            "CoreTask",
            "WorkProcess",
            "Competency",
            "BehaviouralIndicator",
            "Activity",
            "Knowledge",
            "Skill",
            "Attitude",
            "Result",
            "WorkContextStatement",
            "LevelDescriptor",
        )
    }
    for concept in concepts:
        assert len(list(graph.objects(concept, SKOS.inScheme))) == 1
        labels = list(graph.objects(concept, SKOS.prefLabel))
        assert len(labels) == 1 and labels[0].language in ("nl-NL", "nl-BE")
        assert len(set(graph.objects(concept, RDF.type)) & kinds) == 1
        assert (concept, DCTERMS.source, None) in graph
        assert (concept, KCG.occurrence, None) in graph


def test_schemes_carry_dcterms_metadata(built):
    graph = built.graph
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) == 4
    for scheme in schemes:
        for predicate in (
            DCTERMS.title,
            DCTERMS.publisher,
            DCTERMS.language,
            DCTERMS.issued,
            OWL.versionInfo,
            DCTERMS.source,
        ):
            assert (scheme, predicate, None) in graph, (scheme, predicate)


def test_structure_and_provenance_in_rdf(built):
    graph = built.graph
    wp = _concept(graph, "Handelt telefonische klantvragen en -verzoeken af", "nl-NL")
    task = _concept(graph, "Bouwt relaties op en onderhoudt ze", "nl-NL")
    assert (wp, SKOS.broader, task) in graph and (task, SKOS.narrower, wp) in graph
    assert (wp, RDF.type, KCG.WorkProcess) in graph
    place = next(
        p for p in graph.objects(wp, KCG.occurrence) if (p, KCG.lineStart, Literal(170)) in graph
    )
    assert (
        place,
        KCG.sectionPath,
        Literal("2 Overzicht van kerntaken en werkprocessen in het beroep"),
    ) in graph
    knowledge = _concept(graph, "Kennis van typologie van klanten", "nl-BE")
    assert (
        knowledge,
        ESCO.skillType,
        URIRef("http://data.europa.eu/esco/skill-type/knowledge"),
    ) in graph


def test_competentfiche_occupation_links_to_isco_groups(built):
    graph = built.graph
    occupation = _concept(graph, "Callcenter inbound-outbound", "nl-BE")
    assert set(graph.objects(occupation, SKOS.broadMatch)) == {ISCO.C3312, ISCO.C4222, ISCO.C5244}
    assert Literal("Call center agent", lang="nl-BE") in set(
        graph.objects(occupation, SKOS.altLabel)
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_export_round_trips(built, fmt):
    text = serialize(built.graph, fmt)
    again = Graph().parse(data=text, format=FORMATS[fmt][0])
    assert set(again) == set(built.graph)


def test_build_files_round_trip(built):
    for path in (p for p in built.files if p.stem == "kcgraph"):
        fmt = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt"}[path.suffix]
        assert set(Graph().parse(path, format=fmt)) == set(built.graph)
    context = (built.files[1]).read_text(encoding="utf-8")
    assert '"@context"' in context and "http" + "s://w3id.org/kcgraph/ontology#" in context


def test_rebuild_is_byte_identical(built, tmp_path):
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run(
        [sys.executable, "-m", "kcgraph", "build", "-o", str(tmp_path)],
        check=True,
        capture_output=True,
        env=env,
    )
    for path in built.files:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_iris_do_not_change_when_unrelated_text_changes(sources_copy):
    before = run_build(workspace(manifest=sources_copy), write=False).graph
    document = sources_copy.parent / "kcm.txt"
    text = document.read_text(encoding="utf-8")
    document.write_text(
        text.replace("· Reageert empathisch", "· Reageert zeer empathisch").replace(
            "TITEL\n", "TITEL\n\n\n"
        ),
        encoding="utf-8",
    )
    after = run_build(workspace(manifest=sources_copy), write=False).graph
    concepts_before = set(before.subjects(RDF.type, SKOS.Concept))
    concepts_after = set(after.subjects(RDF.type, SKOS.Concept))
    gone, new = concepts_before - concepts_after, concepts_after - concepts_before
    assert [str(after.value(c, SKOS.prefLabel)) for c in new] == ["Reageert zeer empathisch"]
    assert [str(before.value(c, SKOS.prefLabel)) for c in gone] == ["Reageert empathisch"]


def test_base_namespace_is_configurable():
    graph = run_build(workspace(base="https://example.org/kc"), write=False).graph
    schemes = {str(s) for s in graph.subjects(RDF.type, SKOS.ConceptScheme)}
    assert schemes == {f"https://example.org/kc/{p}" for p in ("okla", "ccm", "kcm", "cci")}
