"""The ontology as a page: kcgraph's classes and properties with their labels and comments
in English and Dutch, and the SHACL shapes that apply to each class (read from
``ontology/kcgraph.ttl`` and ``ontology/shapes.ttl``, as shipped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from ..graph.namespaces import KCG
from ..resources import ontology_path

__all__ = ["Shape", "Term", "ontology_terms"]


@dataclass(frozen=True)
class Shape:
    """A SHACL node shape: its name, what it says (en, nl), and the paths it constrains."""

    iri: str
    comment: dict[str, str]
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """A class or property of the ontology: labels and comments by language, its super
    classes (or domain and range), and the shapes aimed at it."""

    iri: str
    kind: str  # "class" or "property"
    label: dict[str, str]
    comment: dict[str, str]
    parents: tuple[str, ...] = ()
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    shapes: tuple[Shape, ...] = field(default=(), hash=False)


def _by_language(graph: Graph, node: Node, predicate: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in sorted(graph.objects(node, predicate), key=str):
        found.setdefault(getattr(value, "language", None) or "", str(value))
    return found


@cache
def ontology_terms() -> tuple[Term, ...]:
    """Every class, then every property, of kcgraph's ontology, by IRI; a class's shapes
    are those aimed at it or at the classes it specialises (a work process is a
    ``skos:Concept``: every concept's shapes apply to it)."""
    graph = Graph().parse(ontology_path(), format="turtle")
    shapes_graph = Graph().parse(ontology_path("shapes.ttl"), format="turtle")
    shapes: dict[str, list[Shape]] = {}
    for shape in sorted(set(shapes_graph.subjects(RDF.type, SH.NodeShape)), key=str):
        paths = tuple(
            sorted(
                str(p)
                for prop in shapes_graph.objects(shape, SH.property)
                for p in shapes_graph.objects(prop, SH.path)
                if isinstance(p, URIRef)
            )
        )
        found = Shape(str(shape), _by_language(shapes_graph, shape, RDFS.comment), paths)
        for target in shapes_graph.objects(shape, SH.targetClass):
            shapes.setdefault(str(target), []).append(found)
    terms: list[Term] = []
    kinds = [("class", OWL.Class)] + [
        ("property", t) for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    ]
    for kind, rdf_type in kinds:
        for node in sorted(set(graph.subjects(RDF.type, rdf_type)), key=str):
            if not isinstance(node, URIRef) or not str(node).startswith(str(KCG)):
                continue
            aimed = [str(node), *(str(p) for p in graph.objects(node, RDFS.subClassOf))]
            terms.append(
                Term(
                    str(node),
                    kind,
                    _by_language(graph, node, RDFS.label),
                    _by_language(graph, node, RDFS.comment),
                    tuple(sorted(str(p) for p in graph.objects(node, RDFS.subClassOf))),
                    tuple(sorted(str(p) for p in graph.objects(node, RDFS.domain))),
                    tuple(sorted(str(p) for p in graph.objects(node, RDFS.range))),
                    tuple(shape for a in aimed for shape in shapes.get(a, ())),
                )
            )
    return tuple(terms)
