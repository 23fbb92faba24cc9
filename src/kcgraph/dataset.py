"""A DCAT description of what ``kcgraph build`` publishes (``out/dataset.ttl``).

The dataset has one distribution per file, each with its media type, size and triple
count, and names its version, licence, creator and sources: the four source documents and
the ESCO/ISCO data it includes.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, XSD

from .esco import ESCO_DATASET, ESCO_RIGHTS, ISCO_DATASET
from .graph import new_graph
from .version import VERSION
from .workspace import Workspace

__all__ = ["DATASET_FILE", "DATA_LICENSE", "MEDIA_TYPES", "dataset_graph"]

#: The file of ``out/`` holding the description.
DATASET_FILE = "dataset.ttl"
#: Licence of the data kcgraph makes (graphs, shapes, ontology, mappings); the code is MIT.
DATA_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
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


def dataset_graph(ws: Workspace, contents: Mapping[str, str], counts: Mapping[str, int]) -> Graph:
    """The DCAT/VoID description of the files in ``contents`` (name -> text)."""
    graph = new_graph()
    graph.bind("dcat", DCAT)
    graph.bind("void", VOID)
    base = ws.minter.base
    dataset = URIRef(f"{base}dataset")
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add(
        (dataset, DCTERMS.title, Literal("kcgraph: competency profiles and crosswalks", lang="en"))
    )
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Four Dutch and Flemish profiles of customer-contact work as an RDF/SKOS knowledge "
                "graph, with reviewed links between their statements and to ESCO and ISCO-08.",
                lang="en",
            ),
        )
    )
    graph.add((dataset, DCTERMS.license, DATA_LICENSE))
    graph.add((dataset, OWL.versionInfo, Literal(VERSION)))
    graph.add((dataset, DCTERMS.creator, URIRef(f"{base}agent/kcgraph")))
    graph.add((dataset, DCTERMS.conformsTo, URIRef("https://w3id.org/kcgraph/ontology")))
    for profile in ws.profiles:
        graph.add((dataset, DCTERMS.source, ws.minter.document(profile.source.id)))
        graph.add((dataset, VOID.rootResource, ws.minter.scheme(profile.source.id)))
    for part in (ESCO_DATASET, ISCO_DATASET):
        if any(name in contents for name in ("esco.ttl", "isco.ttl")):
            graph.add((dataset, DCTERMS.hasPart, part))
    for name in sorted(contents):
        stem, _, suffix = name.rpartition(".")
        distribution = URIRef(f"{base}dataset/{name}")
        graph.add((dataset, DCAT.distribution, distribution))
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
                Literal(len(contents[name].encode("utf-8")), datatype=XSD.nonNegativeInteger),
            )
        )
        if name in counts:
            graph.add((distribution, VOID.triples, Literal(counts[name])))
        license_ = DATA_LICENSE if stem in ("kcgraph", "mappings") else None
        if license_ is not None:
            graph.add((distribution, DCTERMS.license, license_))
        else:
            graph.add(
                (
                    distribution,
                    DCTERMS.rights,
                    Literal(ESCO_RIGHTS, lang="en"),
                )
            )
    return graph
