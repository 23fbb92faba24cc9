"""SHACL shapes: one conforming and one violating fixture per shape, the real pySHACL engine."""

from __future__ import annotations

import json
import tomllib

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS

from kcgraph.graph.ntriples import NTriples
from kcgraph.shapes.validate import SH, load_shapes, validate_graph, validate_ntriples

from .conftest import RESOURCES, run_cli

FIXTURES = RESOURCES / "shapes"
BASE = (FIXTURES / "base.ttl").read_text(encoding="utf-8")
PREFIXES = "".join(line + "\n" for line in BASE.splitlines() if line.startswith("PREFIX"))
CASES = tomllib.loads((FIXTURES / "cases.toml").read_text(encoding="utf-8"))
SHAPES = load_shapes()


def _graph(edit: dict) -> Graph:
    graph = Graph().parse(data=BASE, format="turtle")
    if "remove" in edit:
        removed = Graph().parse(data=PREFIXES + edit["remove"], format="turtle")
        assert all(t in graph for t in removed), "fixture removes a triple base.ttl lacks"
        graph -= removed
    if "add" in edit:
        graph.parse(data=PREFIXES + edit["add"], format="turtle")
    return graph


def _results(graph: Graph) -> list[list[str]]:
    report = validate_graph(graph, shapes=SHAPES)
    return sorted(
        [v.shape.removeprefix("kcgsh:"), v.focus, v.path or "", v.value or ""]
        for v in report.violations
    )


def test_base_fixture_conforms():
    assert _results(Graph().parse(data=BASE, format="turtle")) == []


def _node_shapes() -> set[str]:
    return {str(s).split("#")[1] for s in SHAPES.subjects(RDF.type, SH.NodeShape)}


def test_every_shape_has_a_conforming_and_a_violating_case():
    covered = {name.split("-")[0] for name in CASES}
    assert _node_shapes() == covered
    for case in CASES.values():
        assert "conforming" in case and case["violating"]["expect"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_conforming_fixture(name):
    assert _results(_graph(CASES[name]["conforming"])) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_violating_fixture_yields_exactly_the_expected_violation(name):
    case = CASES[name]["violating"]
    assert _results(_graph(case)) == sorted(case["expect"])


def _whole_records(report) -> list[tuple]:
    return sorted(
        (v.shape, v.focus, v.path, v.value, v.message, v.focus_label, v.severity)
        for v in report.violations
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_validation_in_parts_finds_what_the_whole_finds(name):
    """A big graph is validated in parts (``validate_ntriples``): on every shape's violating
    case, parts of a few lines each give exactly the violations of the whole graph."""
    graph = _graph(CASES[name]["violating"])
    whole = _whole_records(validate_graph(graph, shapes=SHAPES))
    assert whole
    for chunk in (3, 40):
        assert _whole_records(validate_ntriples(NTriples.of(graph), chunk=chunk)) == whole


def test_validation_in_parts_in_two_processes(built):
    """The built graph, broken in three ways (a label removed, a cycle, a mapping inside a
    scheme), validated in parts of 2,000 lines by two worker processes: what the whole finds."""
    graph = built.graph
    concepts = sorted(graph.subjects(SKOS.broader, None))
    first, second = concepts[0], concepts[-1]
    graph.remove((first, SKOS.prefLabel, None))
    parent = graph.value(second, SKOS.broader)
    graph.add((parent, SKOS.broader, second))
    graph.add((first, SKOS.closeMatch, concepts[1]))
    whole = _whole_records(validate_graph(graph, shapes=SHAPES))
    parts = validate_ntriples(NTriples.of(graph), chunk=2000, workers=2)
    assert {shape for shape, *_ in whole} >= {
        "kcgsh:ConceptLabelShape",
        "kcgsh:BroaderCycleShape",
        "kcgsh:MappingAcrossSchemesShape",
    }
    assert _whole_records(parts) == whole


def test_messages_in_dutch_and_english():
    graph = _graph(CASES["ConceptLabelShape"]["violating"])
    english = validate_graph(graph, shapes=SHAPES, lang="en").violations[0].message
    dutch = validate_graph(graph, shapes=SHAPES, lang="nl").violations[0].message
    assert english.startswith("A concept needs") and dutch.startswith("Een concept heeft")


def test_built_graph_conforms(built):
    assert built.report is not None and built.report.conforms
    assert validate_graph(built.graph).conforms


def test_validate_command_on_a_hand_broken_copy(built, tmp_path):
    graph = Graph().parse(built.files[2], format="nt")  # N-Triples: the quickest to parse
    empathic = Literal("Reageert empathisch", lang="nl-BE")
    dropped = next(graph.subjects(SKOS.prefLabel, empathic))
    graph.remove((dropped, SKOS.prefLabel, empathic))
    team = next(graph.subjects(SKOS.prefLabel, Literal("Samenwerken", lang="nl-NL")))
    child = next(graph.subjects(SKOS.broader, team))
    graph.add((team, SKOS.broader, child))
    broken = tmp_path / "kcgraph.nt"
    graph.serialize(broken, format="nt")

    result = run_cli("validate", broken)
    assert result.returncode == 1
    text = result.stdout
    assert "3 violation(s) of 2 shape(s)" in text
    assert "kcgsh:ConceptLabelShape (1)" in text and str(dropped) in text
    assert "kcgsh:BroaderCycleShape (2)" in text and '"Samenwerken"' in text
    assert "path:    skos:prefLabel" in text

    as_json = json.loads(run_cli("validate", broken, "--format", "json").stdout)
    assert as_json["conforms"] is False and as_json["violations"] == 3
    as_turtle = run_cli("validate", broken, "--format", "turtle", "--lang", "nl").stdout
    assert len(Graph().parse(data=as_turtle, format="turtle")) > 0


def test_validate_command_exit_codes(built, tmp_path):
    assert run_cli("validate", built.files[0]).returncode == 0
    assert run_cli("validate", built.files[2]).returncode == 0  # N-Triples
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix a: <http://a/> .\na:x a:y a:z .\na:x a:y "open .\n')
    result = run_cli("validate", bad)
    assert result.returncode == 2 and f"{bad}:3: not valid turtle" in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli("validate", tmp_path / "missing.ttl").returncode == 2


def test_build_refuses_a_non_conforming_graph(sources_copy, tmp_path):
    text = sources_copy.read_text(encoding="utf-8")
    # a profile with neither version nor date violates SchemeShape
    text = text.replace('date = "2013-05"\nversion = "mei 2013"\n', "")
    sources_copy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "-o", out, "--manifest", sources_copy)
    assert result.returncode == 1
    assert "kcgsh:SchemeShape (1)" in result.stderr and "nothing was written" in result.stderr
    assert not out.exists()
    forced = run_cli("build", "-o", out, "--manifest", sources_copy, "--no-validate")
    assert forced.returncode == 0 and "warning" in forced.stderr
    assert (out / "kcgraph.ttl").is_file()


def test_shapes_are_documented_in_english_and_dutch():
    for shape in SHAPES.subjects(RDF.type, SH.NodeShape):
        comments = {c.language for c in SHAPES.objects(shape, RDFS.comment)}
        assert comments == {"en", "nl"}, shape
    for holder in set(SHAPES.subjects(SH.message, None)):
        assert {m.language for m in SHAPES.objects(holder, SH.message)} == {"en", "nl"}
