"""RDF namespaces, the one CURIE converter, and IRI minting under a configurable base.

Every prefix kcgraph writes (in RDF serialisations and SSSOM files) is declared once, in
:data:`VOCABULARY_PREFIXES`; :func:`make_converter` adds one prefix per profile
(``okla:`` -> the profile's concepts) under the run's base IRI.
"""

from __future__ import annotations

from collections.abc import Iterable

import curies
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..parse.model import Kind, Statement
from ..parse.text import slugify
from ..settings import DEFAULT_BASE

__all__ = [
    "DEFAULT_BASE",
    "ESCO",
    "ESCO_DATA",
    "ESCO_OCCUPATION_PREFIX",
    "ESCO_SKILL_PREFIX",
    "ESCO_SKILL_TYPE",
    "ISCO",
    "ISCO_PREFIX",
    "KCG",
    "RDF_PREFIXES",
    "SEMAPV",
    "SSSOM",
    "VOCABULARY_PREFIXES",
    "Minter",
    "make_converter",
    "new_graph",
]

#: The kcgraph ontology (classes and properties), fixed: it names the data model, not the data.
KCG = Namespace("https://w3id.org/kcgraph/ontology#")
#: ESCO's model, its skill-type concepts and its ISCO-08 groups.
ESCO = Namespace("http://data.europa.eu/esco/model#")
ESCO_SKILL_TYPE = Namespace("http://data.europa.eu/esco/skill-type/")
ISCO = Namespace("http://data.europa.eu/esco/isco/")
#: Where ESCO's data lives (its concepts, ISCO-08's groups): pages of them are ``esco/…``.
ESCO_DATA = "http://data.europa.eu/esco/"
#: SSSOM's own namespace (mapping provenance in RDF, as sssom-py writes it) and SEMAPV.
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")

#: The CURIE prefixes of ESCO's occupations and skills and of ISCO-08's groups.
ESCO_OCCUPATION_PREFIX, ESCO_SKILL_PREFIX, ISCO_PREFIX = "escooccupation", "escoskill", "isco"

#: Every vocabulary prefix kcgraph uses, in RDF and in SSSOM (profile prefixes are added per run).
VOCABULARY_PREFIXES: dict[str, str] = {
    "dcterms": str(DCTERMS),
    "esco": str(ESCO),
    ESCO_OCCUPATION_PREFIX: "http://data.europa.eu/esco/occupation/",
    ESCO_SKILL_PREFIX: "http://data.europa.eu/esco/skill/",
    "escoscheme": "http://data.europa.eu/esco/concept-scheme/",
    "escoskilltype": str(ESCO_SKILL_TYPE),
    "foaf": str(FOAF),
    ISCO_PREFIX: str(ISCO),
    "kcg": str(KCG),
    "kcgreviewer": "https://w3id.org/kcgraph/reviewer/",
    "orcid": "https://orcid.org/",
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "semapv": str(SEMAPV),
    "skos": str(SKOS),
    "sssom": str(SSSOM),
    "xsd": str(XSD),
}

#: Prefixes bound in every RDF serialisation.
RDF_PREFIXES: dict[str, Namespace] = {
    p: Namespace(ns)
    for p, ns in VOCABULARY_PREFIXES.items()
    if p not in ("escooccupation", "escoscheme")
}


def new_graph() -> Graph:
    """An empty graph with kcgraph's prefixes bound."""
    graph = Graph()
    for prefix, namespace in RDF_PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def make_converter(profile_ids: Iterable[str], base: str = DEFAULT_BASE) -> curies.Converter:
    """The CURIE converter of a run: one prefix per profile, ``kcgid:`` and the vocabularies.

    >>> c = make_converter(["kcm"], "https://example.org/kc/")
    >>> c.compress("https://example.org/kc/kcm/reageert-empathisch-765687")
    'kcm:reageert-empathisch-765687'
    >>> c.expand("skos:exactMatch")
    'http://www.w3.org/2004/02/skos/core#exactMatch'
    """
    base = Minter(base).base
    prefixes = {pid: f"{base}{pid}/" for pid in profile_ids}
    clash = sorted(set(prefixes) & set(VOCABULARY_PREFIXES))
    if clash:
        raise ValueError(f"profile id(s) {', '.join(clash)} clash with a vocabulary prefix")
    prefixes["kcgid"] = base
    prefixes.update(VOCABULARY_PREFIXES)
    return curies.Converter.from_prefix_map(dict(sorted(prefixes.items())))


class Minter:
    """Mints the IRIs of one build.

    A concept's IRI depends only on its profile id and its own text (and kind, for a
    structural unit worded like another statement), so editing one statement never renames
    another.

    >>> m = Minter("https://example.org/kc/")
    >>> str(m.scheme("kcm"))
    'https://example.org/kc/kcm'
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith(("/", "#")):
            base += "/"
        self.base = base

    def scheme(self, profile_id: str) -> URIRef:
        return URIRef(f"{self.base}{profile_id}")

    def document(self, profile_id: str) -> URIRef:
        return URIRef(f"{self.base}{profile_id}/source")

    def agent(self, name: str) -> URIRef:
        return URIRef(f"{self.base}agent/{slugify(name)}")

    def concept(self, profile_id: str, statement: Statement) -> URIRef:
        if statement.kind is Kind.OCCUPATION:
            return URIRef(f"{self.base}{profile_id}/occupation")
        slug = slugify(statement.label)
        if statement.key != statement.label:  # a unit worded like a statement of another kind
            slug = f"{statement.kind.value.lower()}-{slug}"
        return URIRef(f"{self.base}{profile_id}/{slug}")

    def occurrence(self, concept: URIRef, index: int) -> URIRef:
        return URIRef(f"{concept}/at/{index}")

    def mapping_axiom(self, digest: str) -> URIRef:
        return URIRef(f"{self.base}mapping/{digest}")
