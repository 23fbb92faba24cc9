"""Profiles to one RDF/SKOS graph: schemes, typed concepts, structure and provenance."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from .model import Kind, Profile
from .namespaces import ESCO, ESCO_SKILL_TYPE, ISCO, KCG, PREFIXES, Minter
from .version import VERSION

__all__ = ["ESCO_SKILL_TYPES", "SSSOM", "add_mapping_links", "build_graph", "new_graph"]

#: ESCO skill type of each kind that ESCO's skill pillar covers (knowledge vs skill/competence).
ESCO_SKILL_TYPES: dict[Kind, URIRef] = {
    Kind.KNOWLEDGE: ESCO_SKILL_TYPE.knowledge,
    Kind.SKILL: ESCO_SKILL_TYPE.skill,
    Kind.COMPETENCY: ESCO_SKILL_TYPE.skill,
    Kind.INDICATOR: ESCO_SKILL_TYPE.skill,
    Kind.ACTIVITY: ESCO_SKILL_TYPE.skill,
    Kind.ATTITUDE: ESCO_SKILL_TYPE.skill,
}

_SECTION_SEPARATOR = " > "

#: SSSOM's own namespace, for the provenance of mapping links in RDF (as sssom-py writes it).
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")


def new_graph() -> Graph:
    """An empty graph with kcgraph's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def build_graph(profiles: Iterable[Profile], *, minter: Minter | None = None) -> Graph:
    """One graph holding every profile; blank-node free, so its serialisations are stable."""
    minter = minter or Minter()
    graph = new_graph()
    tool = URIRef(f"{minter.base}agent/kcgraph")
    graph.add((tool, RDF.type, PROV.SoftwareAgent))
    graph.add((tool, RDFS.label, Literal(f"kcgraph {VERSION}")))
    for profile in profiles:
        _add_profile(graph, profile, minter, tool)
    return graph


def _add_profile(graph: Graph, profile: Profile, minter: Minter, tool: URIRef) -> None:
    source = profile.source
    lang = source.language
    scheme = minter.scheme(source.id)
    document = minter.document(source.id)

    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDF.type, KCG.CompetencyProfile))
    graph.add((scheme, DCTERMS.identifier, Literal(source.id)))
    graph.add((scheme, DCTERMS.title, Literal(source.title, lang=lang)))
    graph.add((scheme, SKOS.prefLabel, Literal(source.title, lang=lang)))
    graph.add((scheme, DCTERMS.language, Literal(lang, datatype=XSD.language)))
    graph.add((scheme, DCTERMS.spatial, Literal(source.region)))
    for role, name in ((DCTERMS.publisher, source.publisher), (DCTERMS.creator, source.creator)):
        if name:
            agent = minter.agent(name)
            graph.add((scheme, role, agent))
            graph.add((agent, RDF.type, FOAF.Organization))
            graph.add((agent, FOAF.name, Literal(name)))
    if source.date:
        graph.add((scheme, DCTERMS.issued, _date_literal(source.date)))
    if source.version:
        graph.add((scheme, DCTERMS.hasVersion, Literal(source.version)))
    if source.license:
        graph.add((scheme, DCTERMS.license, URIRef(source.license)))
    graph.add((scheme, DCTERMS.source, document))
    graph.add((scheme, PROV.wasDerivedFrom, document))
    graph.add((scheme, PROV.wasAttributedTo, tool))
    for note in profile.notes:
        graph.add((scheme, SKOS.note, Literal(_with_section(note.section, note.text), lang=lang)))

    graph.add((document, RDF.type, PROV.Entity))
    graph.add((document, RDF.type, FOAF.Document))
    graph.add((document, DCTERMS.title, Literal(source.title, lang=lang)))
    graph.add((document, DCTERMS.format, Literal("text/plain")))
    graph.add((document, KCG.sha256, Literal(source.sha256)))
    if source.origin:
        graph.add((document, DCTERMS.identifier, Literal(source.origin)))

    iris = {key: minter.concept(source.id, s) for key, s in profile.statements.items()}
    for key, statement in profile.statements.items():
        concept = iris[key]
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, RDF.type, KCG[statement.kind.value]))
        graph.add((concept, SKOS.inScheme, scheme))
        graph.add((concept, SKOS.prefLabel, Literal(statement.label, lang=lang)))
        graph.add((concept, DCTERMS.source, document))
        graph.add((concept, PROV.wasDerivedFrom, document))
        if skill_type := ESCO_SKILL_TYPES.get(statement.kind):
            graph.add((concept, ESCO.skillType, skill_type))
        if statement.definition:
            graph.add((concept, SKOS.definition, Literal(statement.definition, lang=lang)))
        if statement.notation:
            graph.add((concept, SKOS.notation, Literal(statement.notation)))
        for alt in statement.alt_labels:
            graph.add((concept, SKOS.altLabel, Literal(alt, lang=lang)))
        for hidden in statement.hidden_labels:
            graph.add((concept, SKOS.hiddenLabel, Literal(hidden, lang=lang)))
        for note in statement.scope_notes:
            graph.add((concept, SKOS.scopeNote, Literal(note, lang=lang)))
        for code in statement.isco_codes:
            # The source states the code; an occupation is narrower than its ISCO unit group.
            group = ISCO[f"C{code}"]
            graph.add((concept, SKOS.broadMatch, group))
            graph.add((concept, KCG.iscoCode, Literal(code)))
            axiom = URIRef(f"{minter.base}mapping/{source.id}-isco-{code}")
            graph.add((axiom, RDF.type, OWL.Axiom))
            graph.add((axiom, OWL.annotatedSource, concept))
            graph.add((axiom, OWL.annotatedProperty, SKOS.broadMatch))
            graph.add((axiom, OWL.annotatedTarget, group))
            graph.add((axiom, SSSOM.mapping_justification, SEMAPV.ManualMappingCuration))
            graph.add((axiom, SSSOM.author_id, minter.agent(source.publisher)))
            graph.add((axiom, SSSOM.comment, Literal("ISCO-08 code stated by the source")))
            graph.add((axiom, DCTERMS.source, document))
        if statement.parents:
            for parent in statement.parents:
                graph.add((concept, SKOS.broader, iris[parent]))
                graph.add((iris[parent], SKOS.narrower, concept))
        else:
            graph.add((concept, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, concept))
        for index, occurrence in enumerate(statement.occurrences, start=1):
            place = minter.occurrence(concept, index)
            graph.add((concept, KCG.occurrence, place))
            graph.add((place, RDF.type, KCG.Occurrence))
            graph.add((place, DCTERMS.source, document))
            graph.add(
                (place, KCG.sectionPath, Literal(_SECTION_SEPARATOR.join(occurrence.section)))
            )
            graph.add((place, KCG.lineStart, Literal(occurrence.line_start)))
            graph.add((place, KCG.lineEnd, Literal(occurrence.line_end)))
            if occurrence.parent is not None:
                graph.add((place, KCG.context, iris[occurrence.parent]))


def _with_section(section: tuple[str, ...], text: str) -> str:
    return f"{_SECTION_SEPARATOR.join(section)}: {text}" if section else text


def _date_literal(value: str) -> Literal:
    """``2019-08-23`` as xsd:date, ``2013-05`` as xsd:gYearMonth, ``2020`` as xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(value))
    return Literal(value, datatype=datatype) if datatype else Literal(value)


_MAPPING_SLOTS = (
    "mapping_justification",
    "author_id",
    "reviewer_id",
    "mapping_date",
    "similarity_score",
    "similarity_measure",
    "confidence",
    "comment",
    "mapping_tool",
    "mapping_tool_version",
)


def add_mapping_links(
    graph: Graph, rows: Iterable[dict], *, expand, known: set[str], minter: Minter
) -> list[dict]:
    """Add accepted SSSOM rows as SKOS mapping triples, each with its provenance as an axiom.

    ``expand`` turns CURIEs into IRIs; rows whose subject or object is not among ``known``
    IRIs (the statement no longer exists) are skipped and returned.
    """
    skipped = []
    for row in rows:
        subject, obj = expand(row["subject_id"]), expand(row["object_id"])
        predicate = expand(row["predicate_id"])
        if subject not in known or obj not in known or row.get("predicate_modifier") == "Not":
            skipped.append(row)
            continue
        s, p, o = URIRef(subject), URIRef(predicate), URIRef(obj)
        graph.add((s, p, o))
        digest = hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]
        axiom = URIRef(f"{minter.base}mapping/{digest}")
        graph.add((axiom, RDF.type, OWL.Axiom))
        graph.add((axiom, OWL.annotatedSource, s))
        graph.add((axiom, OWL.annotatedProperty, p))
        graph.add((axiom, OWL.annotatedTarget, o))
        for slot in _MAPPING_SLOTS:
            value = row.get(slot)
            if value in (None, ""):
                continue
            if slot in ("mapping_justification", "author_id", "reviewer_id"):
                graph.add((axiom, SSSOM[slot], URIRef(expand(value))))
            elif slot == "mapping_date":
                graph.add((axiom, SSSOM[slot], Literal(value, datatype=XSD.date)))
            elif slot in ("similarity_score", "confidence"):
                graph.add((axiom, SSSOM[slot], Literal(float(value), datatype=XSD.double)))
            else:
                graph.add((axiom, SSSOM[slot], Literal(value)))
    return skipped
