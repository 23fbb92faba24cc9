"""A DCAT description of what ``kcgraph build`` publishes (``out/dataset.ttl``).

The dataset has one distribution per file, each with its media type, size and triple
count, and names its version, licence, creator and sources: the four source documents and
the ESCO/ISCO data it includes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, XSD

from ..layout import ESCO_FILE, ISCO_FILE
from ..parse.model import Profile
from ..terms import DATA_LICENSE
from ..version import VERSION
from ..vocab.model import ESCO_DATASET, ESCO_RIGHTS, ISCO_DATASET
from .namespaces import Minter, new_graph

__all__ = ["MEDIA_TYPES", "dataset_graph"]

VOID = Namespace("http://rdfs.org/ns/void#")
_IANA = "http://www.iana.org/assignments/media-types/"
#: File suffix -> IANA media type.
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
}
_TITLES = {
    "kcgraph": "the four competency profiles as SKOS",
    "mappings": "reviewed crosswalk links with their provenance",
    "isco": "ISCO-08 groups (from ESCO v1.2.0)",
    "esco": "ESCO v1.2.0 occupations, skills and skill groups",
}


def dataset_graph(
    profiles: Sequence[Profile],
    minter: Minter,
    contents: Mapping[str, str],
    counts: Mapping[str, int],
) -> Graph:
    """The DCAT/VoID description of the files in ``contents`` (name -> text)."""
    graph = new_graph()
    graph.bind("dcat", DCAT)
    graph.bind("void", VOID)
    base = minter.base
    dataset = URIRef(f"{base}dataset")
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add(
        (dataset, DCTERMS.title, Literal("kcgraph: competency profiles and crosswalks", lang="en"))
    )
    graph.add((dataset, DCTERMS.description, Literal(_DESCRIPTION, lang="en")))
    graph.add((dataset, DCTERMS.license, URIRef(DATA_LICENSE)))
    graph.add((dataset, OWL.versionInfo, Literal(VERSION)))
    graph.add((dataset, DCTERMS.creator, URIRef(f"{base}agent/kcgraph")))
    graph.add((dataset, DCTERMS.conformsTo, URIRef("https://w3id.org/kcgraph/ontology")))
    for profile in profiles:
        graph.add((dataset, DCTERMS.source, minter.document(profile.source.id)))
        graph.add((dataset, VOID.rootResource, minter.scheme(profile.source.id)))
    for part in (ESCO_DATASET, ISCO_DATASET):
        if any(name in contents for name in (ESCO_FILE, ISCO_FILE)):
            graph.add((dataset, DCTERMS.hasPart, part))
    for name in sorted(contents):
        distribution = URIRef(f"{base}dataset/{name}")
        graph.add((dataset, DCAT.distribution, distribution))
        _add_distribution(graph, distribution, name, contents[name], counts.get(name))
    return graph


_DESCRIPTION = (
    "Four Dutch and Flemish profiles of customer-contact work as an RDF/SKOS knowledge "
    "graph, with reviewed links between their statements and to ESCO and ISCO-08."
)


def _add_distribution(
    graph: Graph, distribution: URIRef, name: str, text: str, triples: int | None
) -> None:
    """One file: its media type, size, triple count and licence (or ESCO's reuse notice)."""
    stem, _, suffix = name.rpartition(".")
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.identifier, Literal(name)))
    graph.add(
        (distribution, DCTERMS.title, Literal(f"{name}: {_TITLES.get(stem, stem)}", lang="en"))
    )
    media = MEDIA_TYPES.get(f".{suffix}")
    if media:
        graph.add((distribution, DCAT.mediaType, URIRef(_IANA + media)))
    graph.add(
        (
            distribution,
            DCAT.byteSize,
            Literal(len(text.encode("utf-8")), datatype=XSD.nonNegativeInteger),
        )
    )
    if triples is not None:
        graph.add((distribution, VOID.triples, Literal(triples)))
    if stem in ("kcgraph", "mappings"):
        graph.add((distribution, DCTERMS.license, URIRef(DATA_LICENSE)))
    else:
        graph.add((distribution, DCTERMS.rights, Literal(ESCO_RIGHTS, lang="en")))
