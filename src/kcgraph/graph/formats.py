"""Serialise graphs deterministically (byte-identical output for the same triples)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from ..resources import context_path
from .ntriples import NTriples, expanded, node_texts, tag_map

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "FORMATS",
    "language_tags",
    "load_context",
    "restore_tags",
    "serialize",
    "to_jsonld",
    "write",
]

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


def serialize(graph: Graph, fmt: str, *, workers: int = 1) -> str:
    """The graph in one of :data:`FORMATS`, byte-identical for the same triples."""
    from rdflib import BNode

    if fmt == "rdfxml":
        return graph.serialize(format="pretty-xml")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt != "nt" and any(isinstance(term, BNode) for triple in graph for term in triple):
        # blank node labels differ between runs: rdflib's own sorted writers
        if fmt == "turtle":
            return graph.serialize(format="longturtle")
        return _jsonld_document(
            [
                n
                for _, n in sorted(
                    _compacted(graph.serialize(format="json-ld"), language_tags(graph))
                )
            ]
        )
    return write(NTriples.of(graph), fmt, workers=workers)


def write(nt: NTriples, fmt: str, *, workers: int = 1) -> str:
    """Canonical N-Triples in ``nt``, ``turtle`` or ``json-ld``: the text a build writes."""
    if fmt == "nt":
        return nt.text()
    if fmt == "turtle":
        return _turtle(nt)
    if fmt == "json-ld":
        return to_jsonld(nt, workers=workers)
    raise ValueError(f"unknown format {fmt!r}; expected nt, turtle or json-ld")


def _turtle(nt: NTriples) -> str:
    """Turtle written by oxigraph (five times faster than rdflib's on ESCO's 157,095 triples):
    subjects in sorted order, with the graph's prefixes that its IRIs use, sorted."""
    import pyoxigraph as ox

    text = nt.text() if nt.lines else ""
    triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
    written = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=nt.prefixes(text))
    return restore_tags((written or b"").decode("utf-8"), nt.tags)


#: A Turtle string literal as oxigraph writes it (one line, escapes) and its language tag.
_TAGGED = re.compile(r'("(?:[^"\\\n]|\\.)*")@([A-Za-z]+(?:-[A-Za-z0-9]+)*)')


def language_tags(graph: Graph) -> dict[str, str]:
    """Each language tag of the graph's literals, lowercased, to the tag as written
    (``nl-be`` -> ``nl-BE``): :func:`~kcgraph.graph.ntriples.tag_map`."""
    from rdflib import Literal

    return tag_map(o.language for o in graph.objects() if isinstance(o, Literal) and o.language)


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


#: Lines of N-Triples compacted to JSON-LD at once (whole subjects).
JSONLD_BATCH = 20_000


def to_jsonld(nt: NTriples, *, workers: int = 1) -> str:
    """The graph as compacted JSON-LD with kcgraph's context (term definitions, language
    maps, ``@vocab``): a ``@graph`` of nodes sorted by ``id``, byte-identical for the same
    triples. Compaction is pyld's, with a loader that refuses to fetch anything, in batches of
    whole subjects (a flattened node compacts alone), in ``workers`` processes."""
    from .tasks import run_tasks

    spans = nt.spans(JSONLD_BATCH)
    parts = run_tasks(
        _compact_batch,
        ((nt.chunk(start, end), dict(nt.tags)) for start, end in spans),
        total=len(spans),
        workers=workers,
        label="JSON-LD",
        unit="chunk",
    )
    nodes = sorted((pair for part in parts for pair in part), key=lambda pair: pair[0])
    return _jsonld_document([text for _, text in nodes])


def _compact_batch(batch: tuple[str, dict[str, str]]) -> list[tuple[str, str]]:
    text, tags = batch
    return _compacted(expanded(text), tags)


def _compacted(expanded_nodes: Any, tags: Mapping[str, str]) -> list[tuple[str, str]]:
    """Expanded JSON-LD (nodes, or their JSON text) compacted: each node's id and JSON."""
    from pyld import jsonld

    options: dict[str, Any] = {"documentLoader": _refuse, "skipExpansion": True}
    if isinstance(expanded_nodes, str):  # rdflib's JSON-LD: pyld expands it first
        expanded_nodes, options["skipExpansion"] = json.loads(expanded_nodes), False
    context = load_context()
    compacted = jsonld.compact(expanded_nodes, {"@context": context}, options)
    nodes = compacted.get("@graph", [compacted] if "id" in compacted else [])
    restore = _LanguageMaps(context, dict(tags))
    return node_texts(restore(node) for node in nodes)


def _jsonld_document(nodes: list[str]) -> str:
    """The document: kcgraph's context and the nodes (as :func:`node_texts` writes them)."""
    head = json.dumps(
        {"@context": load_context(), "@graph": []}, ensure_ascii=False, indent=2, sort_keys=True
    )
    if nodes:
        head = head.removesuffix("[]\n}") + "[\n" + ",\n".join(nodes) + "\n  ]\n}"
    return head + "\n"


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
