"""ESCO and ISCO-08 as SKOS: only what the files state is asserted on ESCO's identifiers (the
labels in each language its files give);
what kcgraph adds (where the data came from, its version and reuse notice, the display
labels) is said by kcgraph's own dataset resource and properties."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, SKOS

from ..graph.namespaces import ESCO, ESCO_SKILL_TYPE, KCG, new_graph
from ..graph.ntriples import TripleSink
from .model import (
    ESCO_DATASET,
    ESCO_DOWNLOAD,
    ESCO_RIGHTS,
    ESCO_SCHEMES,
    ESCO_VERSION,
    ISCO_DATASET,
    EscoConcept,
    EscoData,
)

__all__ = ["add_esco", "add_isco", "esco_graph", "isco_graph"]

_SKILL_TYPES = {"skill/competence": ESCO_SKILL_TYPE.skill, "knowledge": ESCO_SKILL_TYPE.knowledge}
_REUSE = "http://data.europa.eu/esco/skill-reuse-level/"


def _describe_dataset(graph: TripleSink, node: URIRef, title: str, data: EscoData) -> None:
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    graph.add((node, DCTERMS.source, ESCO_DOWNLOAD))
    graph.add((node, PROV.wasDerivedFrom, ESCO_DOWNLOAD))
    graph.add((node, DCTERMS.rights, Literal(ESCO_RIGHTS, lang="en")))
    graph.add((node, DCTERMS.description, Literal(data.source, lang="en")))
    if data.version:
        graph.add((node, OWL.versionInfo, Literal(data.version)))
    graph.add((node, DCTERMS.creator, URIRef("https://w3id.org/kcgraph/agent/kcgraph")))


def _scheme(graph: TripleSink, uri: URIRef, data: EscoData, fallback: str) -> None:
    graph.add((uri, RDF.type, SKOS.ConceptScheme))
    label, lang = data.scheme_labels.get(str(uri), (fallback, "en"))
    graph.add((uri, SKOS.prefLabel, Literal(label, lang=lang)))


def _add_translations(graph: TripleSink, concepts: Sequence[EscoConcept], data: EscoData) -> None:
    """ESCO's own labels of the concepts in its files of other languages (the first is the
    preferred label)."""
    for language, by_uri in sorted(data.translations.items()):
        for concept in concepts:
            labels = by_uri.get(concept.uri, ())
            if labels and language != concept.lang:
                node = URIRef(concept.uri)
                graph.add((node, SKOS.prefLabel, Literal(labels[0], lang=language)))
                for alt in labels[1:]:
                    graph.add((node, SKOS.altLabel, Literal(alt, lang=language)))


def _add_concept(graph: TripleSink, concept: EscoConcept, scheme: URIRef) -> None:
    node = URIRef(concept.uri)
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, scheme))
    if concept.exact:
        graph.add((node, SKOS.prefLabel, Literal(concept.pref_label, lang=concept.lang)))
        for alt in concept.alt_labels:
            graph.add((node, SKOS.altLabel, Literal(alt, lang=concept.lang)))
        if concept.description:
            graph.add((node, DCTERMS.description, Literal(concept.description, lang=concept.lang)))
    elif concept.labels_version:  # ESCO's own labels, of the earlier version the dataset names
        graph.add((node, SKOS.prefLabel, Literal(concept.pref_label, lang=concept.lang)))
        for alt in concept.alt_labels:
            graph.add((node, SKOS.altLabel, Literal(alt, lang=concept.lang)))
    elif concept.pref_label:  # not ESCO's label: kcgraph's display label, said as such
        graph.add((node, KCG.displayLabel, Literal(concept.pref_label, lang=concept.lang)))
    if concept.code:
        graph.add((node, SKOS.notation, Literal(concept.code)))
    for parent in concept.broader:
        graph.add((node, SKOS.broader, URIRef(parent)))
    if concept.skill_type in _SKILL_TYPES:
        graph.add((node, ESCO.skillType, _SKILL_TYPES[concept.skill_type]))
    if concept.reuse_level:
        graph.add((node, ESCO.skillReuseLevel, URIRef(_REUSE + concept.reuse_level)))


def isco_graph(groups: Sequence[EscoConcept], data: EscoData) -> Graph:
    """ISCO-08 as ESCO publishes it: the groups (of ``data``), their labels and hierarchy."""
    graph = new_graph()
    add_isco(graph, groups, data)
    return graph


def add_isco(graph: TripleSink, groups: Sequence[EscoConcept], data: EscoData) -> None:
    """The triples of :func:`isco_graph` into ``graph`` (an rdflib graph or a line sink)."""
    scheme = ESCO_SCHEMES["isco"]
    _scheme(graph, scheme, data, "ISCO-08")
    _describe_dataset(graph, ISCO_DATASET, f"ISCO-08 groups of ESCO v{ESCO_VERSION}", data)
    codes = {g.code for g in groups}
    _add_translations(graph, groups, data)
    for group in groups:
        _add_concept(graph, group, scheme)
        node = URIRef(group.uri)
        parents = group.broader or (
            (f"http://data.europa.eu/esco/isco/C{group.code[:-1]}",)
            if group.code[:-1] in codes
            else ()
        )
        if not group.broader:
            for parent in parents:
                graph.add((node, SKOS.broader, URIRef(parent)))
        for parent in parents:
            graph.add((URIRef(parent), SKOS.narrower, node))
        if not parents:
            graph.add((node, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, node))


def esco_graph(data: EscoData) -> Graph:
    """ESCO occupations, skills and skill groups as SKOS, with their relations."""
    graph = new_graph()
    add_esco(graph, data)
    return graph


def add_esco(graph: TripleSink, data: EscoData) -> None:
    """The triples of :func:`esco_graph` into ``graph`` (an rdflib graph or a line sink)."""
    _describe_dataset(
        graph, ESCO_DATASET, f"ESCO v{data.version or '?'} occupations and skills", data
    )
    for kind in ("occupation", "skill"):
        _scheme(graph, ESCO_SCHEMES[kind], data, f"ESCO {kind}s")
    for concept in data.occupations:
        _add_concept(graph, concept, ESCO_SCHEMES["occupation"])
        graph.add((URIRef(concept.uri), RDF.type, ESCO.Occupation))
        if concept.isco_group:  # ESCO's iscoGroup: the broader group, or an ancestor
            group = URIRef(f"http://data.europa.eu/esco/isco/C{concept.isco_group.lstrip('C')}")
            direct = not concept.broader or str(group) in concept.broader
            graph.add(
                (URIRef(concept.uri), SKOS.broader if direct else SKOS.broaderTransitive, group)
            )
    _add_translations(graph, [*data.occupations, *data.skills, *data.groups], data)
    for concept in data.skills:
        _add_concept(graph, concept, ESCO_SCHEMES["skill"])
        graph.add((URIRef(concept.uri), RDF.type, ESCO.Skill))
    for concept in data.groups:
        _add_concept(graph, concept, ESCO_SCHEMES["skill"])
    for source, relation, skill in (*data.relations, *data.skill_relations):
        essential = relation.strip() == "essential"
        predicate = ESCO.relatedEssentialSkill if essential else ESCO.relatedOptionalSkill
        graph.add((URIRef(source), predicate, URIRef(skill)))
