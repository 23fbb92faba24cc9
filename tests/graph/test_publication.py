"""What a standards body gets: licences and rights, dataset and ontology metadata, Dublin
Core used as intended, SKOS integrity, idiomatic JSON-LD and canonical SSSOM."""

from __future__ import annotations

import json
import logging

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns

from kcgraph.graph.namespaces import KCG
from kcgraph.resources import ontology_path

from ..conftest import read_table

VOID = Namespace("http://rdfs.org/ns/void#")
VANN = Namespace("http://purl.org/vocab/vann/")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.fixture(scope="module")
def out(built):
    return built.files[0].parent


@pytest.fixture(scope="module")
def graph(built) -> Graph:
    return built.graph


def test_every_scheme_and_source_document_states_its_rights(graph):
    schemes = set(graph.subjects(ns.RDF.type, KCG.CompetencyProfile))
    assert len(schemes) == 4
    for scheme in schemes:
        document = graph.value(scheme, ns.DCTERMS.source)
        for node in (scheme, document):
            rights = {r.language for r in graph.objects(node, ns.DCTERMS.rights)}
            assert rights == {"en", "nl"} or (node, ns.DCTERMS.license, None) in graph, node


def test_dataset_description_names_every_distribution(out, graph):
    description = Graph().parse(out / "dataset.ttl")
    (dataset,) = description.subjects(ns.RDF.type, ns.DCAT.Dataset)
    assert (dataset, ns.DCTERMS.license, CC_BY) in description
    assert description.value(dataset, ns.OWL.versionInfo)
    assert len(set(description.objects(dataset, ns.DCTERMS.source))) == 4
    files = {
        str(description.value(d, ns.DCTERMS.identifier)): d
        for d in description.objects(dataset, ns.DCAT.distribution)
    }
    assert set(files) == {
        "kcgraph.ttl",
        "kcgraph.jsonld",
        "kcgraph.nt",
        "mappings.ttl",
        "isco.ttl",
        "esco.ttl",
    }
    ttl = files["kcgraph.ttl"]
    assert int(description.value(ttl, VOID.triples)) == len(graph)
    assert int(description.value(ttl, ns.DCAT.byteSize)) == (out / "kcgraph.ttl").stat().st_size
    assert str(description.value(ttl, ns.DCAT.mediaType)).endswith("text/turtle")
    assert description.value(files["esco.ttl"], ns.DCTERMS.rights)


def test_ontology_metadata_and_deliberate_esco_alignment():
    ontology = Graph().parse(ontology_path())
    (node,) = ontology.subjects(ns.RDF.type, ns.OWL.Ontology)
    owl, dcterms = ns.OWL, ns.DCTERMS
    for predicate in (owl.versionIRI, owl.versionInfo, dcterms.creator, dcterms.created):
        assert ontology.value(node, predicate) is not None, predicate
    assert ontology.value(node, VANN.preferredNamespacePrefix) == Literal("kcg")
    assert ontology.value(node, ns.DCTERMS.license) == CC_BY
    terms = {s for s in ontology.subjects(ns.RDF.type, None) if str(s).startswith(str(KCG))}
    assert len(terms) >= 22
    assert all((t, ns.RDFS.isDefinedBy, node) in ontology for t in terms)
    esco = "http://data.europa.eu/esco/model#"
    assert not [o for o in ontology.objects(None, ns.RDFS.subClassOf) if str(o).startswith(esco)]
    assert (KCG.Skill, ns.SKOS.closeMatch, URIRef(esco + "Skill")) in ontology


def test_dublin_core_as_intended(graph):
    assert not list(graph.triples((None, ns.DCTERMS.hasVersion, None)))
    for scheme in graph.subjects(ns.RDF.type, KCG.CompetencyProfile):
        places = list(graph.objects(scheme, ns.DCTERMS.spatial))
        assert places and all(isinstance(p, URIRef) for p in places)
        assert all(
            str(p).startswith("http://publications.europa.eu/resource/authority/") for p in places
        )
        issued = graph.value(scheme, ns.DCTERMS.issued)
        assert issued.datatype in (ns.XSD.date, ns.XSD.gYearMonth, ns.XSD.gYear)
        assert int(graph.value(scheme, KCG.issuedYear)) == int(str(issued)[:4])
        assert graph.value(scheme, ns.OWL.versionInfo)


#: SKOS integrity conditions (those skosify checks), as ASK queries that must be false.
SKOS_PROBLEMS = {
    "S13 prefLabel also altLabel": "?c skos:prefLabel ?l ; skos:altLabel ?l",
    "S13 prefLabel also hiddenLabel": "?c skos:prefLabel ?l ; skos:hiddenLabel ?l",
    "S14 two prefLabels in a language": (
        "?c skos:prefLabel ?a, ?b FILTER(?a != ?b && LANG(?a) = LANG(?b))"
    ),
    "a concept in no scheme": "?c a skos:Concept FILTER NOT EXISTS { ?c skos:inScheme ?s }",
    "a scheme without a label": (
        "?s a skos:ConceptScheme FILTER NOT EXISTS { ?s skos:prefLabel ?l }"
    ),
    "broader across schemes": (
        "?c skos:broader ?p ; skos:inScheme ?s . ?p skos:inScheme ?t FILTER(?s != ?t)"
    ),
    "S27 related and broader": "?c skos:related ?p ; skos:broaderTransitive ?p",
    "a label with surrounding spaces": (
        "?c skos:prefLabel|skos:altLabel ?l FILTER(REGEX(STR(?l), '^\\\\s|\\\\s$'))"
    ),
    "an empty label": "?c skos:prefLabel|skos:altLabel ?l FILTER(STRLEN(STR(?l)) = 0)",
    "a cycle of broader": "?c skos:broader+ ?c",
}


@pytest.mark.parametrize("problem", sorted(SKOS_PROBLEMS))
def test_skos_integrity_of_the_build(out, problem):
    import pyoxigraph as ox

    store = ox.Store()
    for name in ("kcgraph.ttl", "isco.ttl"):
        store.bulk_load(path=str(out / name), format=ox.RdfFormat.TURTLE)
    query = (
        f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK {{ {SKOS_PROBLEMS[problem]} }}"
    )
    assert not bool(store.query(query)), problem


def test_jsonld_is_compact_and_the_same_graph_without_network(out, graph):
    from pyld import jsonld

    def refuse(url, options=None):
        raise AssertionError(f"fetched {url}")

    document = json.loads((out / "kcgraph.jsonld").read_text(encoding="utf-8"))
    context = document["@context"]
    assert context["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}
    assert context["broader"]["@type"] == "@id" and "@vocab" in context
    scheme = next(n for n in document["@graph"] if n["id"].endswith("/kcm"))
    labels = {lang.lower(): text for lang, text in scheme["prefLabel"].items()}
    assert labels["nl-be"].startswith("Beroepskwalificatie")
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": refuse})
    assert set(Graph().parse(data=nquads, format="nt")) == set(graph)  # default graph only
    assert set(Graph().parse(out / "kcgraph.jsonld", format="json-ld")) == set(graph)


def test_jsonld_of_a_big_graph_is_written_in_batches_with_the_same_bytes(built, monkeypatch):
    """JSON-LD is compacted in batches of whole subjects (in worker processes for a big graph)
    from kcgraph's own expanded form: the bytes are those of one batch, and the expanded form
    compacts as rdflib's JSON-LD does."""
    from kcgraph.graph import formats
    from kcgraph.graph.ntriples import expanded

    nt = built.triples
    whole = formats.to_jsonld(nt)
    monkeypatch.setattr(formats, "JSONLD_BATCH", 700)
    assert len(nt.spans(formats.JSONLD_BATCH)) > 10
    assert formats.to_jsonld(nt) == whole
    assert formats.to_jsonld(nt, workers=2) == whole
    from_rdflib = formats._compacted(built.graph.serialize(format="json-ld"), nt.tags)
    assert sorted(formats._compacted(expanded(nt.text()), nt.tags)) == sorted(from_rdflib)


def test_language_tags_are_written_as_the_manifest_spells_them(out):
    """Oxigraph and pyld lowercase tags; the Turtle and the JSON-LD keep ``nl-BE``/``nl-NL``."""
    import re
    import tomllib

    from kcgraph.resources import default_manifest

    manifest = tomllib.loads(default_manifest().read_text(encoding="utf-8"))
    declared = {source["language"] for source in manifest["source"]}
    turtle = (out / "kcgraph.ttl").read_text(encoding="utf-8")
    in_turtle = set(re.findall(r'"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)', turtle))
    document = json.loads((out / "kcgraph.jsonld").read_text(encoding="utf-8"))
    maps = {
        term
        for term, d in document["@context"].items()
        if isinstance(d, dict) and d.get("@container") == "@language"
    }
    in_jsonld: set[str] = set()
    stack: list = [document["@graph"]]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in maps and isinstance(value, dict):
                    in_jsonld.update(value)
                elif key == "@language":
                    in_jsonld.add(value)
                stack.append(value)
    assert declared <= in_turtle and in_turtle == in_jsonld
    assert "nl-be" not in in_jsonld and "en" in in_turtle


def test_proposals_are_canonical_sssom(proposals, caplog, tmp_path):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate
    from sssom.writers import to_owl_graph, to_rdf_graph

    metadata, rows = read_table(proposals)
    used = {v.split(":")[0] for row in rows for v in row.values() if ":" in v and "//" not in v}
    used |= {"xsd", "kcg"}  # extension definitions' properties and types
    assert set(metadata["curie_map"]) <= used
    assert not set(metadata["curie_map"]) & {"owl", "rdf", "rdfs", "skos", "semapv", "sssom"}
    assert metadata["mapping_set_version"] and metadata["creator_id"]
    slots = {d["slot_name"] for d in metadata["extension_definitions"]}
    assert slots == {"candidate_rank", "cosine_tfidf", "cosine_use_m3", "cosine_e5_small_q4"}
    assert all(row["mapping_date"] for row in rows)
    assert {row["subject_source_version"] for row in rows} >= {"0.1", "mei 2013"}
    keys = [(r["subject_id"], r["predicate_id"], r["object_id"]) for r in rows]
    assert keys == sorted(keys)
    with caplog.at_level(logging.WARNING):
        msdf = parse_sssom_table(proposals)
    for report in validate(msdf, fail_on_error=False).values():
        assert report.results == []
    # conversion to RDF and OWL (sssom convert): on the first 100 mappings, for speed
    lines = proposals.read_text(encoding="utf-8").splitlines()
    header = sum(1 for line in lines if line.startswith("#")) + 1
    sample = tmp_path / "sample.sssom.tsv"
    sample.write_text("\n".join(lines[: header + 100]) + "\n", encoding="utf-8")
    small = parse_sssom_table(sample)
    assert len(to_rdf_graph(small)) > 100 and len(to_owl_graph(small)) > 100
