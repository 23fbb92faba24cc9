"""Profiles to one RDF/SKOS graph: schemes, typed concepts, structure and provenance."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..parse.model import Kind, Profile, SourceInfo, Statement
from ..version import VERSION
from .namespaces import ESCO, ESCO_SKILL_TYPE, ISCO, KCG, SEMAPV, SSSOM, Minter, new_graph
from .ntriples import LineSink, NTriples, TripleSink

__all__ = ["ESCO_SKILL_TYPES", "build_graph", "build_ntriples"]

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

#: The places a manifest's region code stands for, as IRIs of the EU Publications Office's
#: country authority table (a region within a country is also kept as dcterms:coverage).
REGIONS: dict[str, tuple[URIRef, ...]] = {
    "NL": (URIRef("http://publications.europa.eu/resource/authority/country/NLD"),),
    "BE": (URIRef("http://publications.europa.eu/resource/authority/country/BEL"),),
    "BE-VLG": (URIRef("http://publications.europa.eu/resource/authority/country/BEL"),),
}


def _rights(source: SourceInfo) -> list[tuple[str, str]]:
    """What may be said of the document's rights: its licence if the manifest names one,
    else that the document states none (and who holds the rights)."""
    if source.license:
        return []
    return [
        (
            f"The source document states no licence; its rights remain with its publisher, "
            f"{source.publisher}. kcgraph quotes its statements verbatim for comparison.",
            "en",
        ),
        (
            f"Het brondocument vermeldt geen licentie; de rechten blijven bij de uitgever, "
            f"{source.publisher}. kcgraph citeert de uitspraken letterlijk ter vergelijking.",
            "nl",
        ),
    ]


def build_graph(profiles: Iterable[Profile], *, minter: Minter) -> Graph:
    """One graph holding every profile; blank-node free, so its serialisations are stable."""
    graph = new_graph()
    add_profiles(graph, profiles, minter=minter)
    return graph


def build_ntriples(profiles: Iterable[Profile], *, minter: Minter) -> NTriples:
    """The same triples as :func:`build_graph`, as canonical N-Triples, without the memory
    of an rdflib graph (what ``kcgraph build`` writes from)."""
    sink = LineSink()
    add_profiles(sink, profiles, minter=minter)
    return sink.done((prefix, str(ns)) for prefix, ns in new_graph().namespaces())


def add_profiles(graph: TripleSink, profiles: Iterable[Profile], *, minter: Minter) -> None:
    """Every profile's triples, and the tool's, into ``graph``."""
    tool = URIRef(f"{minter.base}agent/kcgraph")
    graph.add((tool, RDF.type, PROV.SoftwareAgent))
    graph.add((tool, RDFS.label, Literal(f"kcgraph {VERSION}")))
    for profile in profiles:
        _add_profile(graph, profile, minter, tool)


def _add_profile(graph: TripleSink, profile: Profile, minter: Minter, tool: URIRef) -> None:
    scheme = minter.scheme(profile.source.id)
    document = minter.document(profile.source.id)
    _add_scheme(graph, profile, minter, tool, scheme, document)
    _add_document(graph, profile.source, document)
    iris = {key: minter.concept(profile.source.id, s) for key, s in profile.statements.items()}
    for key, statement in profile.statements.items():
        concept = iris[key]
        _add_concept(graph, statement, concept, profile.source.language, scheme, document)
        for code in statement.isco_codes:
            _add_isco_code(graph, concept, code, profile.source, minter, document)
        _add_structure(graph, statement, concept, iris, scheme, minter, document)


def _add_scheme(
    graph: TripleSink,
    profile: Profile,
    minter: Minter,
    tool: URIRef,
    scheme: URIRef,
    document: URIRef,
) -> None:
    """The profile's concept scheme: its metadata, rights, provenance and notes."""
    source = profile.source
    lang = source.language
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDF.type, KCG.CompetencyProfile))
    graph.add((scheme, DCTERMS.identifier, Literal(source.id)))
    graph.add((scheme, DCTERMS.title, Literal(source.title, lang=lang)))
    graph.add((scheme, SKOS.prefLabel, Literal(source.title, lang=lang)))
    graph.add((scheme, DCTERMS.language, Literal(lang, datatype=XSD.language)))
    for place in REGIONS.get(source.region, ()):
        graph.add((scheme, DCTERMS.spatial, place))
    graph.add((scheme, DCTERMS.coverage, Literal(source.region)))  # the ISO 3166 code given
    for role, name in ((DCTERMS.publisher, source.publisher), (DCTERMS.creator, source.creator)):
        if name:
            agent = minter.agent(name)
            graph.add((scheme, role, agent))
            graph.add((agent, RDF.type, FOAF.Organization))
            graph.add((agent, FOAF.name, Literal(name)))
    if source.date:
        graph.add((scheme, DCTERMS.issued, _date_literal(source.date)))
        graph.add((scheme, KCG.issuedYear, Literal(int(source.date[:4]))))
    if source.version:
        graph.add((scheme, OWL.versionInfo, Literal(source.version)))
    rights = _rights(source)
    for node in (scheme, document):
        if source.license:
            graph.add((node, DCTERMS.license, URIRef(source.license)))
        for text, language in rights:
            graph.add((node, DCTERMS.rights, Literal(text, lang=language)))
    graph.add((scheme, DCTERMS.source, document))
    graph.add((scheme, PROV.wasDerivedFrom, document))
    graph.add((scheme, PROV.wasAttributedTo, tool))
    for note in profile.notes:
        graph.add((scheme, SKOS.note, Literal(_with_section(note.section, note.text), lang=lang)))


def _add_document(graph: TripleSink, source: SourceInfo, document: URIRef) -> None:
    """The source document, with its checksum."""
    graph.add((document, RDF.type, PROV.Entity))
    graph.add((document, RDF.type, FOAF.Document))
    graph.add((document, DCTERMS.title, Literal(source.title, lang=source.language)))
    graph.add((document, DCTERMS.format, Literal("text/plain")))
    graph.add((document, KCG.sha256, Literal(source.sha256)))
    if source.origin:
        graph.add((document, DCTERMS.identifier, Literal(source.origin)))


def _add_concept(
    graph: TripleSink,
    statement: Statement,
    concept: URIRef,
    lang: str,
    scheme: URIRef,
    document: URIRef,
) -> None:
    """One statement as a typed SKOS concept with its labels, definition and notes."""
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
        if alt != statement.label:  # SKOS S13: never both preferred and alternative
            graph.add((concept, SKOS.altLabel, Literal(alt, lang=lang)))
    for hidden in statement.hidden_labels:
        graph.add((concept, SKOS.hiddenLabel, Literal(hidden, lang=lang)))
    for note in statement.scope_notes:
        graph.add((concept, SKOS.scopeNote, Literal(note, lang=lang)))


def _add_isco_code(
    graph: TripleSink,
    concept: URIRef,
    code: str,
    source: SourceInfo,
    minter: Minter,
    document: URIRef,
) -> None:
    """The source states the code: an occupation is narrower than its ISCO unit group."""
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


def _add_structure(
    graph: TripleSink,
    statement: Statement,
    concept: URIRef,
    iris: dict[str, URIRef],
    scheme: URIRef,
    minter: Minter,
    document: URIRef,
) -> None:
    """Broader/narrower (or top concept), and each place the statement occurs."""
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
        graph.add((place, KCG.sectionPath, Literal(_SECTION_SEPARATOR.join(occurrence.section))))
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
