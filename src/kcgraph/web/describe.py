"""What a dereferenced IRI answers: the resource's description, as triples for a client
and as a typed :class:`Description` for its page.

The description of an IRI is its own triples, those of the resources minted under it (the
places in the source, ``…/at/1``), the mapping axioms that annotate a link from or to it
(their provenance) and the links other statements make to it. The page adds the labels of
everything it names and the open proposals that involve it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..graph import namespaces as ns
from ..terms import MAPPING_PREDICATES

__all__ = [
    "LINK_PREDICATES",
    "Description",
    "Link",
    "Node",
    "Occurrence",
    "Proposal",
    "Value",
    "describe",
    "description_triples",
    "scheme_tree",
]

#: The namespaces the descriptions read, as strings (oxigraph terms compare by value).
SKOS, OWL, KCG, SSSOM, DCTERMS = (str(n) for n in (ns.SKOS, ns.OWL, ns.KCG, ns.SSSOM, ns.DCTERMS))
RDF_TYPE = str(ns.RDF.type)
LINK_PREDICATES = tuple(SKOS + curie.removeprefix("skos:") for curie in MAPPING_PREDICATES)
#: What names a resource on a page, in order (ESCO's concepts carry kcgraph's displayLabel).
_LABELS = (
    f"{SKOS}prefLabel",
    f"{DCTERMS}title",
    f"{KCG}displayLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    str(ns.FOAF.name),  # a publisher or creator
)


@dataclass(frozen=True)
class Value:
    """A literal as written (text and language tag) or an IRI."""

    text: str
    language: str = ""
    iri: bool = False


@dataclass(frozen=True)
class Occurrence:
    """A place in the source: section path, lines, the source document."""

    iri: str
    section: str
    lines: str
    source: str


@dataclass(frozen=True)
class Link:
    """An accepted link (``skos:*Match``) and its provenance, from its mapping axiom."""

    predicate: str
    other: str
    outgoing: bool
    axiom: str = ""
    provenance: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Proposal:
    """An open (undecided) proposal from ``kcgraph match`` that involves the resource."""

    predicate: str
    other: str
    confidence: float | None
    queue: str
    scheme: str = ""  # the other side's profile or vocabulary (its CURIE prefix)


@dataclass(frozen=True)
class Node:
    """A concept in a scheme's hierarchy, its narrower concepts in the source's order."""

    iri: str
    children: tuple[Node, ...] = ()


@dataclass
class Description:
    iri: str
    triples: list[Any]
    properties: dict[str, list[Value]] = field(default_factory=dict)
    occurrences: list[Occurrence] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ("en",)  # the reader's, in order of preference
    proposals: list[Proposal] = field(default_factory=list)
    #: a concept scheme's hierarchy: its top concepts and their narrower ones, in the order
    #: of the source (their first line there), else by IRI
    tree: tuple[Node, ...] = ()
    #: The triples as an rdflib graph, made once for all the formats written from them.
    rdf: Any = None

    def values(self, predicate: str) -> list[Value]:
        return self.properties.get(predicate, [])

    @property
    def title(self) -> str:
        for predicate in _LABELS:
            if values := self.values(predicate):
                return _preferred(((v.text, v.language) for v in values), self.languages)
        return self.iri

    def label(self, iri: str) -> str:
        return self.labels.get(iri, "")


def description_triples(store: Any, iri: str) -> list[Any]:
    """The triples describing ``iri`` (see the module), sorted, over all named graphs; none
    for a text that is no IRI. Built from terms by index lookups, never as query text: an
    IRI from a request never becomes SPARQL."""
    import pyoxigraph as ox

    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return []
    found: set[Any] = set()

    def about(subject: Any) -> None:
        found.update(
            ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(subject, None, None)
        )

    about(node)
    for q in store.quads_for_pattern(node, None, None):  # its own parts (places)
        if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(f"{iri}/"):
            about(q.object)
    for end in (f"{OWL}annotatedSource", f"{OWL}annotatedTarget"):  # axioms on its links
        for q in store.quads_for_pattern(None, ox.NamedNode(end), node):
            about(q.subject)
    for link in LINK_PREDICATES:  # links other statements make to it
        predicate = ox.NamedNode(link)
        found.update(
            ox.Triple(q.subject, predicate, node)
            for q in store.quads_for_pattern(None, predicate, node)
        )
    return sorted(found, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _value(term: Any, tags: Mapping[str, str]) -> Value:
    import pyoxigraph as ox

    if isinstance(term, ox.Literal):
        language = term.language or ""
        return Value(term.value, tags.get(language, language))
    return Value(term.value, iri=True)


def _occurrences(by_subject: Mapping[str, Mapping[str, list[Value]]], iri: str) -> list[Occurrence]:
    out = []
    for subject, props in sorted(by_subject.items()):
        if not subject.startswith(f"{iri}/") or not props.get(f"{KCG}lineStart"):
            continue
        start = props[f"{KCG}lineStart"][0].text
        end = props.get(f"{KCG}lineEnd", [Value(start)])[0].text
        section = props.get(f"{KCG}sectionPath", [Value("")])[0].text
        source = props.get(f"{DCTERMS}source", [Value("")])[0].text
        lines = start if start == end else f"{start}–{end}"
        out.append(Occurrence(subject, section, lines, source))
    return out


def _links(by_subject: Mapping[str, Mapping[str, list[Value]]], iri: str) -> list[Link]:
    axioms = {}
    for subject, props in by_subject.items():
        source = props.get(f"{OWL}annotatedSource")
        target = props.get(f"{OWL}annotatedTarget")
        predicate = props.get(f"{OWL}annotatedProperty")
        if source and target and predicate:
            key = (source[0].text, predicate[0].text, target[0].text)
            provenance = tuple(
                (p.removeprefix(SSSOM), v.text)
                for p, values in sorted(props.items())
                if p.startswith(SSSOM)
                for v in values
            )
            axioms[key] = (subject, provenance)
    out = []
    for subject, props in sorted(by_subject.items()):
        for link in LINK_PREDICATES:
            for value in props.get(link, []):
                if subject == iri or value.text == iri:
                    outgoing = subject == iri
                    other = value.text if outgoing else subject
                    axiom, provenance = axioms.get((subject, link, value.text), ("", ()))
                    out.append(Link(link, other, outgoing, axiom, provenance))
    return out


def _preferred(values: Iterable[tuple[str, str]], languages: Sequence[str]) -> str:
    """Of (text, language) pairs, the text in the first of ``languages`` that has one (then
    any language), the first by text among equals."""

    def rank(language: str) -> int:
        base = language.split("-")[0].lower()
        return languages.index(base) if base in languages else len(languages)

    return min(values, key=lambda v: (rank(v[1]), v[0]))[0]


def _labels(store: Any, iris: Iterable[str], languages: Sequence[str]) -> dict[str, str]:
    """The first label (in :data:`_LABELS` order, in the first of ``languages`` it has) of
    each IRI that has one: direct index lookups, which oxigraph answers far faster than one
    query over all of them."""
    import pyoxigraph as ox

    predicates = [ox.NamedNode(p) for p in _LABELS]
    labels: dict[str, str] = {}
    for iri in sorted(set(iris)):
        node = ox.NamedNode(iri)
        for predicate in predicates:
            found = [
                (q.object.value, getattr(q.object, "language", None) or "")
                for q in store.quads_for_pattern(node, predicate, None)
            ]
            if found:
                labels[iri] = _preferred(found, languages)
                break
    return labels


def scheme_tree(store: Any, scheme: str) -> tuple[tuple[Node, ...], set[str]]:
    """The hierarchy of a concept scheme (its top concepts, each with its narrower concepts
    in the scheme, in the source's order) and every concept in it."""
    text = f"""SELECT ?c ?parent (MIN(?line) AS ?first) WHERE {{
      ?c <{SKOS}inScheme> <{scheme}> .
      OPTIONAL {{ ?c <{SKOS}broader> ?parent . ?parent <{SKOS}inScheme> <{scheme}> }}
      OPTIONAL {{ ?c <{KCG}occurrence>/<{KCG}lineStart> ?line }}
    }} GROUP BY ?c ?parent"""
    parents: dict[str, str | None] = {}
    order: dict[str, tuple[int, str]] = {}
    for row in store.query(text, use_default_graph_as_union=True):
        c = row["c"].value
        parent = row["parent"].value if row["parent"] is not None else None
        if c not in parents or parent is not None:
            parents[c] = parents.get(c) or parent
        line = int(row["first"].value) if row["first"] is not None else 10**9
        order[c] = min(order.get(c, (line, c)), (line, c))
    kids: dict[str | None, list[str]] = defaultdict(list)
    for c, parent in parents.items():
        kids[parent].append(c)

    def grow(iri: str, seen: frozenset[str]) -> Node:
        below = sorted((k for k in kids.get(iri, ()) if k not in seen), key=order.__getitem__)
        return Node(iri, tuple(grow(k, seen | {k}) for k in below))

    tops = sorted(kids.get(None, []), key=order.__getitem__)
    return tuple(grow(t, frozenset({t})) for t in tops), set(parents)


def describe(
    store: Any,
    iri: str,
    proposals: Mapping[str, Sequence[Proposal]] | None = None,
    tags: Mapping[str, str] | None = None,
    languages: Sequence[str] = ("en",),
    tree: bool = True,
) -> Description | None:
    """The description of ``iri``, or ``None`` if the graph says nothing about it;
    ``tags`` spells language tags as published (the store lowercases them); what it names is
    labelled in the first of ``languages`` that has a label (the reader's, then English);
    a concept scheme with its hierarchy when ``tree`` (a profile's; not ESCO's 13,939
    skills)."""
    triples = description_triples(store, iri)
    if not any(t.subject.value == iri for t in triples):
        return None
    by_subject: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_subject[t.subject.value][t.predicate.value].append(_value(t.object, tags or {}))
    own = {p: sorted(v, key=lambda x: (x.language, x.text)) for p, v in by_subject[iri].items()}
    found = Description(iri, triples, own)
    found.occurrences = _occurrences(by_subject, iri)
    found.links = _links(by_subject, iri)
    found.proposals = list((proposals or {}).get(iri, ()))
    named = {v.text for values in own.values() for v in values if v.iri}
    named |= {link.other for link in found.links} | {p.other for p in found.proposals}
    named |= {o.source for o in found.occurrences}
    if tree and f"{SKOS}ConceptScheme" in {v.text for v in own.get(RDF_TYPE, [])}:
        found.tree, members = scheme_tree(store, iri)
        named |= members
    found.labels = _labels(store, named, languages)
    found.languages = tuple(languages)
    return found
