"""A graph as its canonical N-Triples: sorted, distinct lines, the form every output of a
build is written from.

A profile table of 100,000 rows is about 1.6 million triples; as an rdflib graph that is about
1.4 GB before anything is written. The build therefore never makes one: the triples go
straight to N-Triples rows (:class:`LineSink`, rdflib's own row writer, so the bytes are what
``Graph.serialize(format="nt")`` writes), and Turtle (oxigraph, from the text) and JSON-LD (in
batches of whole subjects, :func:`~kcgraph.graph.formats.to_jsonld`) are written from the
lines. Graphs that are already rdflib graphs take the same road (:meth:`NTriples.of`), so both
give the same bytes.
"""

from __future__ import annotations

import bisect
import heapq
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import Literal
from rdflib.plugins.serializers.nt import _nt_row  # the row Graph.serialize("nt") writes

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = [
    "LineSink",
    "NTriples",
    "TripleSink",
    "expanded",
    "node_texts",
    "rdflib_graph",
    "tag_map",
]


class TripleSink(Protocol):
    """Where the graph builders put their triples: an rdflib graph or a :class:`LineSink`."""

    def add(self, triple: tuple[Node, Node, Node], /) -> object: ...


class LineSink:
    """Triples as distinct N-Triples rows, with the language tags of their literals."""

    def __init__(self) -> None:
        self.rows: set[str] = set()
        self.languages: set[str] = set()

    def add(self, triple: tuple[Node, Node, Node], /) -> None:
        obj = triple[2]
        if isinstance(obj, Literal) and obj.language:
            self.languages.add(obj.language)
        self.rows.add(_nt_row(triple).rstrip("\n"))

    def done(self, namespaces: Iterable[tuple[str, str]]) -> NTriples:
        """The lines, sorted; the sink is emptied."""
        lines = sorted(self.rows)
        self.rows = set()
        return NTriples(lines, tuple(sorted(namespaces)), tag_map(self.languages))


def tag_map(languages: Iterable[str]) -> dict[str, str]:
    """Each language tag, lowercased, to the tag as written (``nl-be`` -> ``nl-BE``; the first
    spelling in sorted order wins). Oxigraph and pyld lowercase tags (the same tags under
    RDF 1.1); the publisher's spelling is restored from this map."""
    tags: dict[str, str] = {}
    for tag in sorted(set(languages)):
        tags.setdefault(tag.lower(), tag)
    return tags


@dataclass(frozen=True)
class NTriples:
    """A blank-node-free graph as sorted, distinct N-Triples lines (no line ends), with the
    prefixes bound to it and the spelling of its language tags."""

    lines: list[str]
    namespaces: tuple[tuple[str, str], ...]
    tags: Mapping[str, str]

    @classmethod
    def of(cls, graph: Graph) -> NTriples:
        sink = LineSink()
        for triple in graph:
            sink.add(triple)
        return sink.done((prefix, str(ns)) for prefix, ns in graph.namespaces())

    def union(self, other: NTriples) -> NTriples:
        """Both graphs' lines (the prefixes and tags of both; this one's win)."""
        if not other.lines:
            return self
        lines = list(dict.fromkeys(heapq.merge(self.lines, other.lines)))
        namespaces = dict(other.namespaces) | dict(self.namespaces)
        return NTriples(lines, tuple(sorted(namespaces.items())), {**other.tags, **self.tags})

    def __len__(self) -> int:
        return len(self.lines)

    def text(self) -> str:
        """The N-Triples document."""
        return "\n".join(self.lines) + "\n" if self.lines else "\n"

    def spans(self, size: int) -> list[tuple[int, int]]:
        """The lines cut into runs of whole subjects of about ``size`` lines: (start, end)
        indexes. A subject's lines are adjacent once sorted (every line between two of them
        starts with the same ``<subject> ``)."""
        spans, start = [], 0
        while start < len(self.lines):
            end = min(start + size, len(self.lines))
            if end < len(self.lines):
                end = self.subject_end(end - 1)
            spans.append((start, end))
            start = end
        return spans

    def subject_spans(self) -> list[tuple[int, int]]:
        """Each subject's lines: (start, end) indexes, in order."""
        spans, start = [], 0
        while start < len(self.lines):
            end = self.subject_end(start)
            spans.append((start, end))
            start = end
        return spans

    def subject_end(self, index: int) -> int:
        """The index after the last line of the subject of line ``index``."""
        prefix = self.lines[index][: self.lines[index].index(">") + 2]
        end = index + 1
        while end < len(self.lines) and self.lines[end].startswith(prefix):
            end += 1
        return end

    def subject_lines(self, iri: str) -> list[str]:
        """The lines whose subject is ``iri`` (none when it is no subject here)."""
        prefix = f"<{iri}> "
        start = bisect.bisect_left(self.lines, prefix)
        if start == len(self.lines) or not self.lines[start].startswith(prefix):
            return []
        return self.lines[start : self.subject_end(start)]

    def chunk(self, start: int, end: int) -> str:
        """Lines ``start`` to ``end`` as an N-Triples text."""
        return "\n".join(self.lines[start:end]) + "\n"

    def to_graph(self) -> Graph:
        """The lines as an rdflib graph with the same prefixes."""
        return rdflib_graph(self.text() if self.lines else "", self.tags, self.namespaces)

    def prefixes(self, text: str) -> dict[str, str]:
        """The bound prefixes whose namespace the text uses, sorted."""
        return {p: ns for p, ns in self.namespaces if p and f"<{ns}" in text}


def rdflib_graph(
    text: str, tags: Mapping[str, str], namespaces: Iterable[tuple[str, str]] = ()
) -> Graph:
    """An N-Triples text as an rdflib graph with ``namespaces`` bound (oxigraph parses it,
    faster than rdflib; language tags are spelt as in ``tags``)."""
    import pyoxigraph as ox
    from rdflib import Graph, URIRef

    graph = Graph()
    for prefix, namespace in namespaces:
        graph.bind(prefix, namespace, replace=True)
    iris: dict[str, URIRef] = {}

    def iri(value: str) -> URIRef:
        term = iris.get(value)
        if term is None:
            term = iris[value] = URIRef(value)
        return term

    for triple in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
        obj = triple.object
        if isinstance(obj, ox.Literal):
            datatype = obj.datatype.value
            if obj.language:
                term: Node = Literal(obj.value, lang=tags.get(obj.language, obj.language))
            else:
                term = Literal(
                    obj.value, datatype=None if datatype == _XSD_STRING else iri(datatype)
                )
        else:
            term = iri(obj.value)
        graph.add((iri(triple.subject.value), iri(triple.predicate.value), term))
    return graph


def expanded(text: str) -> list[dict[str, Any]]:
    """The N-Triples text as flattened, expanded JSON-LD (a node object per subject, in the
    text's order; literal values as strings with their datatype, ``rdf:type`` as ``@type``),
    what rdflib's JSON-LD serialiser writes, made directly from oxigraph's parse."""
    import pyoxigraph as ox

    nodes: dict[str, dict[str, Any]] = {}
    for triple in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
        node = nodes.setdefault(triple.subject.value, {"@id": triple.subject.value})
        obj, predicate = triple.object, triple.predicate.value
        if predicate == _RDF_TYPE and isinstance(obj, ox.NamedNode):
            node.setdefault("@type", []).append(obj.value)
            continue
        if isinstance(obj, ox.Literal):
            value: dict[str, Any] = {"@value": obj.value}
            if obj.language:
                value["@language"] = obj.language
            elif obj.datatype.value != _XSD_STRING:
                native = _NATIVE.get(obj.datatype.value)
                value = {"@value": native(obj.value) if native else obj.value}
                value["@type"] = obj.datatype.value
        else:
            value = {"@id": obj.value}
        node.setdefault(predicate, []).append(value)
    return list(nodes.values())


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
#: The datatypes whose values rdflib's JSON-LD serialiser writes as JSON numbers or booleans.
_NATIVE: dict[str, Callable[[str], Any]] = {
    _XSD + "integer": int,
    _XSD + "double": float,
    _XSD + "boolean": lambda text: text in ("true", "1"),
}


def node_texts(nodes: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each compacted node's ``id`` and its JSON as it stands in a ``@graph`` (indented by
    four spaces, keys and values sorted)."""
    out = []
    for node in nodes:
        text = json.dumps(_sorted_values(node), ensure_ascii=False, indent=2, sort_keys=True)
        out.append((node.get("id", ""), "\n".join("    " + line for line in text.split("\n"))))
    return out


def _sorted_values(node: dict[str, Any]) -> dict[str, Any]:
    """The node with every array sorted, also those of a language map (by their JSON)."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, list):
            value = sorted(value, key=_json_key)
        elif isinstance(value, dict) and not key.startswith("@"):
            value = {
                k: sorted(v, key=_json_key) if isinstance(v, list) else v for k, v in value.items()
            }
        out[key] = value
    return out


def _json_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
