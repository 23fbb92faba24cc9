"""Accepted review decisions as their own graph: SKOS mapping triples, each with its SSSOM
provenance on an ``owl:Axiom`` (as sssom-py writes it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

import curies
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD
from sssom_pydantic import SemanticMapping

from .namespaces import SSSOM, Minter, new_graph

__all__ = ["mapping_graph"]


def mapping_graph(
    mappings: Iterable[SemanticMapping],
    *,
    converter: curies.Converter,
    is_known: Callable[[str], bool],
    minter: Minter,
) -> tuple[Graph, list[SemanticMapping]]:
    """Accepted decisions as SKOS mapping triples with their provenance; returns the graph
    and the skipped decisions.

    A negated decision is never added; nor is one whose subject or object no longer exists
    (``is_known``): those are returned, kept in their file, and reported.
    """
    graph = new_graph()
    skipped: list[SemanticMapping] = []
    for m in mappings:
        subject, obj = converter.expand(m.subject.curie), converter.expand(m.object.curie)
        if m.negated or not subject or not obj or not is_known(subject) or not is_known(obj):
            skipped.append(m)
            continue
        s, p, o = (
            URIRef(subject),
            URIRef(converter.expand(m.predicate.curie, strict=True)),
            URIRef(obj),
        )
        graph.add((s, p, o))
        digest = hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]
        _add_provenance(graph, minter.mapping_axiom(digest), (s, p, o), m, converter)
    return graph, skipped


def _add_provenance(
    graph: Graph,
    axiom: URIRef,
    triple: tuple[URIRef, URIRef, URIRef],
    m: SemanticMapping,
    converter: curies.Converter,
) -> None:
    """The axiom annotating one mapping triple with the decision's SSSOM slots."""
    s, p, o = triple
    graph.add((axiom, RDF.type, OWL.Axiom))
    graph.add((axiom, OWL.annotatedSource, s))
    graph.add((axiom, OWL.annotatedProperty, p))
    graph.add((axiom, OWL.annotatedTarget, o))
    justification = URIRef(converter.expand(m.justification.curie, strict=True))
    graph.add((axiom, SSSOM.mapping_justification, justification))
    for slot, refs in (("author_id", m.authors), ("reviewer_id", m.reviewers)):
        for ref in refs or ():
            iri = converter.expand(ref.curie)
            if iri:
                graph.add((axiom, SSSOM[slot], URIRef(iri)))
    if m.mapping_date:
        graph.add(
            (axiom, SSSOM.mapping_date, Literal(m.mapping_date.isoformat(), datatype=XSD.date))
        )
    for slot in ("similarity_score", "confidence"):
        value = getattr(m, slot)
        if value is not None:
            graph.add((axiom, SSSOM[slot], Literal(float(value), datatype=XSD.double)))
    for slot in ("similarity_measure", "comment"):
        value = getattr(m, slot)
        if value:
            graph.add((axiom, SSSOM[slot], Literal(value)))
    if m.mapping_tool and m.mapping_tool.name:
        graph.add((axiom, SSSOM.mapping_tool, Literal(m.mapping_tool.name)))
        if m.mapping_tool.version:
            graph.add((axiom, SSSOM.mapping_tool_version, Literal(m.mapping_tool.version)))
