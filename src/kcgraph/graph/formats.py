"""Serialise graphs deterministically (byte-identical output for the same triples)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from ..resources import context_path

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["FORMATS", "language_tags", "load_context", "restore_tags", "serialize", "to_jsonld"]

#: Export format name -> (rdflib format, file suffix).
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", ".ttl"),
    "json-ld": ("json-ld", ".jsonld"),
    "nt": ("nt", ".nt"),
    "rdfxml": ("xml", ".rdf"),
}


def load_context() -> dict[str, Any]:
    """The JSON-LD ``@context`` shipped in the package."""
    return json.loads(context_path().read_text(encoding="utf-8"))["@context"]


def serialize(graph: Graph, fmt: str) -> str:
    """The graph in one of :data:`FORMATS`, byte-identical for the same triples."""
    if fmt == "nt":
        return "\n".join(_sorted_ntriples(graph)) + "\n"
    if fmt == "json-ld":
        return to_jsonld(graph)
    if fmt == "turtle":
        return _turtle(graph)
    if fmt == "rdfxml":
        return graph.serialize(format="pretty-xml")
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _sorted_ntriples(graph: Graph) -> list[str]:
    lines = graph.serialize(format="nt").splitlines()
    return sorted({line for line in lines if line.strip()})


def _turtle(graph: Graph) -> str:
    """Turtle written by oxigraph (five times faster than rdflib's on ESCO's 157,095 triples):
    subjects in sorted order, with the graph's prefixes that its IRIs use, sorted. A graph
    with blank nodes (whose labels differ between runs) is written by rdflib's sorted
    ``longturtle`` instead."""
    from rdflib import BNode

    if any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph.serialize(format="longturtle")
    import pyoxigraph as ox

    lines = _sorted_ntriples(graph)
    text = "\n".join(lines) + "\n" if lines else ""
    prefixes = {
        prefix: str(namespace)
        for prefix, namespace in sorted(graph.namespaces())
        if prefix and f"<{namespace}" in text
    }
    triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
    written = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return restore_tags((written or b"").decode("utf-8"), language_tags(graph))


#: A Turtle string literal as oxigraph writes it (one line, escapes) and its language tag.
_TAGGED = re.compile(r'("(?:[^"\\\n]|\\.)*")@([A-Za-z]+(?:-[A-Za-z0-9]+)*)')


def language_tags(graph: Graph) -> dict[str, str]:
    """Each language tag of the graph's literals, lowercased, to the tag as written
    (``nl-be`` -> ``nl-BE``). Oxigraph and pyld lowercase tags (the same tags under RDF 1.1);
    the publisher's spelling is restored from this map."""
    from rdflib import Literal

    languages = {o.language for o in graph.objects() if isinstance(o, Literal) and o.language}
    tags: dict[str, str] = {}
    for tag in sorted(languages):
        tags.setdefault(tag.lower(), tag)
    return tags


def restore_tags(turtle: str, tags: Mapping[str, str]) -> str:
    """Oxigraph's Turtle (or N-Triples) with each literal's language tag spelt as in ``tags``
    (lowercased tag -> as written). Every
    double quote in oxigraph's output delimits or is escaped inside a one-line string, so
    scanning from the left matches whole literals only."""
    if all(tag == written for tag, written in tags.items()):
        return turtle
    return _TAGGED.sub(lambda m: f"{m.group(1)}@{tags.get(m.group(2), m.group(2))}", turtle)


def _refuse(url: str, options: object = None) -> NoReturn:
    """pyld's document loader: kcgraph never fetches a context (its own is inline)."""
    from pyld.jsonld import JsonLdError

    raise JsonLdError(f"kcgraph does not fetch {url}", "loading remote context failed")


def to_jsonld(graph: Graph) -> str:
    """The graph as compacted JSON-LD with kcgraph's context (term definitions, language
    maps, ``@vocab``): a ``@graph`` of nodes sorted by ``id``, byte-identical for the same
    triples. Compaction is pyld's, with a loader that refuses to fetch anything."""
    from pyld import jsonld

    context = load_context()
    expanded = json.loads(graph.serialize(format="json-ld"))
    compacted = jsonld.compact(expanded, {"@context": context}, {"documentLoader": _refuse})
    nodes = compacted.get("@graph", [compacted] if "id" in compacted else [])
    restore = _LanguageMaps(context, language_tags(graph))
    nodes = sorted((_sorted_values(restore(n)) for n in nodes), key=lambda n: n.get("id", ""))
    document = {"@context": context, "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class _LanguageMaps:
    """pyld lowercases language tags; this puts back the graph's spelling in language maps
    (the context's ``@container: @language`` terms) and in ``@language`` values."""

    def __init__(self, context: dict[str, Any], tags: dict[str, str]) -> None:
        self.tags = tags
        self.maps = {
            term
            for term, definition in context.items()
            if isinstance(definition, dict) and definition.get("@container") == "@language"
        }

    def __call__(self, value: Any, key: str = "") -> Any:
        if isinstance(value, list):
            return [self(item, key) for item in value]
        if not isinstance(value, dict):
            return self.tags.get(value, value) if key == "@language" else value
        if key in self.maps:
            return {self.tags.get(tag, tag): self(item) for tag, item in value.items()}
        return {name: self(item, name) for name, item in value.items()}


def _sorted_values(node: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in node.items():
        if isinstance(value, list):
            value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        out[key] = value
    return out
