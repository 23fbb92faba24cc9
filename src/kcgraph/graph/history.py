"""Versions that stay browsable: a build from a new version of a profile keeps the
statements the previous version had and this one has not, as ``owl:deprecated`` concepts,
each ``dcterms:isReplacedBy`` its successor where ``kcgraph diff`` finds one (and the
successor ``dcterms:replaces`` it). Their IRIs keep answering; their pages show the
history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from ..parse.model import Profile
from .namespaces import KCG, Minter, new_graph

__all__ = ["Succession", "history_graph"]


class Succession(Protocol):
    """One statement of the previous version that this one lacks: its IRI, profile, kind
    and label, and its successor's IRI (``None``: removed)."""

    @property
    def iri(self) -> str: ...
    @property
    def profile(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def successor(self) -> str | None: ...
    @property
    def broader(self) -> frozenset[str]: ...


def history_graph(gone: Sequence[Succession], profiles: Sequence[Profile], minter: Minter) -> Graph:
    """The deprecated statements of ``gone`` (in their profile's scheme, under their old
    parents, with its source and language, so that the shapes hold for them too) and the
    replacements."""
    languages = {p.source.id: p.source.language for p in profiles}
    graph = new_graph()
    for old in sorted(gone, key=lambda g: g.iri):
        if old.profile not in languages:
            continue
        iri = URIRef(old.iri)
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, RDF.type, KCG[old.kind]))
        graph.add((iri, SKOS.prefLabel, Literal(old.label, lang=languages[old.profile])))
        graph.add((iri, SKOS.inScheme, minter.scheme(old.profile)))
        graph.add((iri, DCTERMS.source, minter.document(old.profile)))
        graph.add((iri, OWL.deprecated, Literal(True)))
        for parent in sorted(old.broader):  # where it stood (its parents kept or kept too)
            graph.add((iri, SKOS.broader, URIRef(parent)))
        if old.successor is not None:
            graph.add((iri, DCTERMS.isReplacedBy, URIRef(old.successor)))
            graph.add((URIRef(old.successor), DCTERMS.replaces, iri))
    return graph
