"""RDF namespaces and IRI minting: readable, stable identifiers under a configurable base."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from .model import Kind, Statement
from .text import slugify

__all__ = [
    "DEFAULT_BASE",
    "ESCO",
    "ESCO_SKILL_TYPE",
    "ISCO",
    "KCG",
    "PREFIXES",
    "Minter",
    "curie_map",
]

#: The kcgraph ontology (classes and properties), fixed: it names the data model, not the data.
KCG = Namespace("https://w3id.org/kcgraph/ontology#")
#: Default base of the data IRIs (schemes, concepts); ``kcgraph build --base`` changes it.
DEFAULT_BASE = "https://w3id.org/kcgraph/id/"
#: ESCO's model, its skill-type concepts and its ISCO-08 groups.
ESCO = Namespace("http://data.europa.eu/esco/model#")
ESCO_SKILL_TYPE = Namespace("http://data.europa.eu/esco/skill-type/")
ISCO = Namespace("http://data.europa.eu/esco/isco/")

#: Prefixes bound in every serialisation.
PREFIXES = {
    "dcterms": DCTERMS,
    "esco": ESCO,
    "escoskilltype": ESCO_SKILL_TYPE,
    "foaf": FOAF,
    "isco": ISCO,
    "kcg": KCG,
    "orcid": Namespace("https://orcid.org/"),
    "owl": OWL,
    "prov": PROV,
    "semapv": Namespace("https://w3id.org/semapv/vocab/"),
    "sssom": Namespace("https://w3id.org/sssom/"),
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
}


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


def curie_map(profile_ids, minter: Minter) -> dict[str, str]:
    """Prefixes of SSSOM files: one per profile (``okla:`` -> its concepts) plus vocabularies."""
    prefixes = {pid: f"{minter.base}{pid}/" for pid in profile_ids}
    prefixes.update(
        {
            "escooccupation": "http://data.europa.eu/esco/occupation/",
            "escoskill": "http://data.europa.eu/esco/skill/",
            "isco": str(ISCO),
            "kcg": str(KCG),
            "kcgid": minter.base,
            "orcid": "https://orcid.org/",
            "semapv": "https://w3id.org/semapv/vocab/",
            "skos": str(SKOS),
        }
    )
    return dict(sorted(prefixes.items()))
