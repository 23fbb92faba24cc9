"""What the server and the static site both read: the built graphs (a read-only store),
the open proposals, the profiles, the labels, and each resource's description in every
format it is offered in."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..graph import namespaces as ns
from ..layout import DATASET_FILE, MAPPINGS_FILE, NAMED_GRAPHS, PROFILE_FORMATS, PROPOSALS_FILES
from .describe import DCTERMS, LINK_PREDICATES, SKOS, Description, Proposal, describe
from .pages import PairEntry, ProfileEntry

FOAF_NAME, OWL_VERSION = str(ns.FOAF.name), str(ns.OWL.versionInfo)

if TYPE_CHECKING:
    import curies

__all__ = ["Service", "open_proposals", "tags_as_written"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TAG = re.compile(rb'"@([A-Za-z]+(?:-[A-Za-z0-9]+)+)')


def tags_as_written(out_dir: Path) -> dict[str, str]:
    """Language tags with a region as the built Turtle spells them (``nl-be`` -> ``nl-BE``):
    oxigraph's store lowercases them, the descriptions give them back as published."""
    tags: dict[str, str] = {}
    for name in NAMED_GRAPHS:
        path = out_dir / name
        if path.is_file():
            for tag in sorted(set(_TAG.findall(path.read_bytes()))):
                written = tag.decode("ascii")
                tags.setdefault(written.lower(), written)
    return tags


def open_proposals(
    out_dir: Path, decided: set[frozenset[str]], converter: curies.Converter
) -> dict[str, list[Proposal]]:
    """The undecided proposals of every queue in ``out/``, by the IRI of either side, the
    most confident first, each naming the other side's profile or vocabulary."""
    from ..mappings import read_mappings

    found: dict[str, list[Proposal]] = defaultdict(list)
    for target, name in PROPOSALS_FILES.items():
        path = out_dir / name
        if not path.is_file():
            continue
        for mapping in read_mappings(path, converter=converter).mappings:
            if frozenset((mapping.subject.curie, mapping.object.curie)) in decided:
                continue
            subject = converter.expand(mapping.subject.curie) or mapping.subject.curie
            obj = converter.expand(mapping.object.curie) or mapping.object.curie
            predicate = converter.expand(mapping.predicate.curie) or mapping.predicate.curie
            confidence = mapping.confidence
            found[subject].append(
                Proposal(predicate, obj, confidence, target, mapping.object.prefix)
            )
            found[obj].append(
                Proposal(predicate, subject, confidence, target, mapping.subject.prefix)
            )
    return {iri: sorted(rows, key=_most_confident_first) for iri, rows in found.items()}


def _most_confident_first(p: Proposal) -> tuple[float, str]:
    return (-(p.confidence if p.confidence is not None else -1.0), p.other)


@dataclass
class Service:
    """The read side of a build, for pages and descriptions."""

    store: Any
    base: str
    proposals: dict[str, list[Proposal]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    #: The languages labels are shown in, in order (the reader's, then English).
    languages: tuple[str, ...] = ("en",)
    #: The build folder (``out/``) the service reads: its files are the downloads.
    out_dir: Path | None = None
    #: The pairs (two IRIs) a reviewer rejected: the crosswalk's third state.
    rejected: set[frozenset[str]] = field(default_factory=set)

    def downloads(self) -> list[str]:
        """The files of the build a reader may download, in order: the profiles (Turtle,
        JSON-LD, N-Triples), the accepted mappings, the dataset description and the open
        proposals (SSSOM)."""
        names = (*PROFILE_FORMATS, MAPPINGS_FILE, DATASET_FILE, PROPOSALS_FILES["profiles"])
        folder = self.out_dir
        return [n for n in names if folder is not None and (folder / n).is_file()]

    def describe(self, iri: str, languages: Sequence[str] = ()) -> Description | None:
        """The description of ``iri``, labelled in ``languages`` (a request's own) first."""
        preferred = tuple(dict.fromkeys([*languages, *self.languages]))
        own = iri.startswith(self.base)  # a profile's hierarchy; ESCO's schemes are too big
        return describe(self.store, iri, self.proposals, self.tags, preferred, tree=own)

    @cached_property
    def profiles(self) -> list[ProfileEntry]:
        """Each profile: title, number of concepts, publisher's name and version."""
        text = f"""SELECT ?p ?title (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?name) AS ?publisher)
          (SAMPLE(?v) AS ?version) WHERE {{
          ?p a <{SKOS}ConceptScheme> ; <{DCTERMS}title>|<{SKOS}prefLabel> ?title .
          FILTER(STRSTARTS(STR(?p), "{self.base}"))
          OPTIONAL {{ ?c <{SKOS}inScheme> ?p }}
          OPTIONAL {{ ?p <{DCTERMS}publisher>/<{FOAF_NAME}> ?name }}
          OPTIONAL {{ ?p <{OWL_VERSION}> ?v }} }} GROUP BY ?p ?title ORDER BY ?p ?title"""
        entries: dict[str, ProfileEntry] = {}
        for row in self.store.query(text, use_default_graph_as_union=True):
            iri = row["p"].value
            publisher, version = (
                row[k].value if row[k] is not None else "" for k in ("publisher", "version")
            )
            entries.setdefault(
                iri, ProfileEntry(iri, row["title"].value, int(row["n"].value), publisher, version)
            )
        return list(entries.values())

    def pairs(self) -> list[PairEntry]:
        """Each pair of profiles: links accepted between their statements, proposals open,
        pairs rejected (counted once: the build a service reads does not change)."""
        return list(self._pairs)

    @cached_property
    def _pairs(self) -> tuple[PairEntry, ...]:
        profiles = [p.iri for p in self.profiles]
        linked: dict[tuple[str, str], int] = defaultdict(int)
        links = "|".join(f"<{p}>" for p in LINK_PREDICATES)
        text = f"""SELECT ?a ?b (COUNT(*) AS ?n) WHERE {{ ?x {links} ?y .
          ?x <{SKOS}inScheme> ?a . ?y <{SKOS}inScheme> ?b . FILTER(?a != ?b) }} GROUP BY ?a ?b"""
        for row in self.store.query(text, use_default_graph_as_union=True):
            a, b = sorted((row["a"].value, row["b"].value))
            linked[(a, b)] += int(row["n"].value)
        opened: dict[tuple[str, str], int] = defaultdict(int)
        for iri, rows in self.proposals.items():
            for p in rows:
                a, b = sorted((iri.rsplit("/", 1)[0], p.other.rsplit("/", 1)[0]))
                if a != b and a in profiles and b in profiles:
                    opened[(a, b)] += 1
        rejected: dict[tuple[str, str], int] = defaultdict(int)
        for pair in self.rejected:
            x, y = sorted(iri.rsplit("/", 1)[0] for iri in pair)
            if x != y:
                rejected[(x, y)] += 1
        return tuple(
            PairEntry(a, b, linked[(a, b)], opened[(a, b)] // 2, rejected[(a, b)])
            for n, a in enumerate(profiles)
            for b in profiles[n + 1 :]
        )

    def vocabulary_concepts(self) -> list[str]:
        """The ESCO and ISCO-08 concepts the profiles link to (or are placed under), sorted."""
        text = f"""SELECT DISTINCT ?o WHERE {{ ?s ?p ?o .
          FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{self.base}")
                 && STRSTARTS(STR(?o), "{ns.ESCO_DATA}"))
          FILTER EXISTS {{ ?o ?q ?v }} }}"""
        rows = self.store.query(text, use_default_graph_as_union=True)
        return sorted(row["o"].value for row in rows)

    def resources(self) -> list[str]:
        """Every IRI under the base that is the subject of a triple, sorted."""
        text = f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o .
          FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{self.base}")) }}"""
        rows = self.store.query(text, use_default_graph_as_union=True)
        return sorted(row["s"].value for row in rows)

    def document(self, description: Description, media: str) -> bytes:
        """The description's triples as Turtle, JSON-LD (kcgraph's context) or N-Triples,
        byte-identical for the same triples, language tags as published."""
        from ..graph.formats import serialize

        if description.rdf is None:
            description.rdf = self._graph(description.triples)
        fmt = {
            "text/turtle": "turtle",
            "application/ld+json": "json-ld",
            "application/rdf+xml": "rdfxml",
        }.get(media, "nt")
        return serialize(description.rdf, fmt).encode("utf-8")

    def _graph(self, triples: list[Any]) -> Any:
        import pyoxigraph as ox
        from rdflib import BNode, Literal, URIRef

        from ..graph.namespaces import new_graph

        def term(node: Any) -> Any:
            if isinstance(node, ox.NamedNode):
                return URIRef(node.value)
            if isinstance(node, ox.BlankNode):
                return BNode(node.value)
            if node.language:
                return Literal(node.value, lang=self.tags.get(node.language, node.language))
            if node.datatype.value == _XSD_STRING:  # a simple literal, as rdflib writes it
                return Literal(node.value)
            return Literal(node.value, datatype=URIRef(node.datatype.value))

        graph = new_graph()
        for t in triples:
            graph.add((term(t.subject), term(t.predicate), term(t.object)))
        return graph
