"""The SPARQL 1.1 Protocol's answers: which media type a request gets (``Accept``, with
q-values) and the bytes of each — results as SPARQL JSON, XML, CSV or TSV, graphs as Turtle,
N-Triples or JSON-LD. Results are written here, from at most ``limit`` rows, so a row
limit holds whatever the query asks for."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "FORMAT_NAMES",
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "NotAcceptable",
    "Tags",
    "negotiate",
    "render_boolean",
    "render_solutions",
    "render_triples",
]

#: Result media types (SELECT, ASK), the first the default.
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Graph media types (CONSTRUCT, DESCRIBE, resource descriptions), the first the default.
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json")
_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json+ld": "application/ld+json",
}


#: Short names some clients send as a ``format`` (or ``output``) parameter (SPARQLWrapper
#: sends ``format=json``), beside full media types.
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
}


class NotAcceptable(ValueError):
    """No media type of the ``Accept`` header can be given (HTTP 406)."""


@dataclass(frozen=True)
class _Range:
    kind: str
    quality: float
    order: int


def _ranges(accept: str) -> list[_Range]:
    ranges = []
    for order, part in enumerate(accept.split(",")):
        kind, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind:
            ranges.append(_Range(kind.lower(), quality, order))
    return ranges


def negotiate(accept: str | None, offered: Sequence[str]) -> str:
    """The offered media type the ``Accept`` header prefers (the first offered one when it
    says nothing or ``*/*``).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    'application/sparql-results+xml'
    >>> negotiate("text/html, */*;q=0.1", GRAPH_TYPES)
    'text/turtle'
    """
    if not accept or not accept.strip():
        return offered[0]
    accept = FORMAT_NAMES.get(accept.strip().lower(), accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for rank, media in enumerate(offered):
        for wanted in _ranges(accept):
            kind = wanted.kind if wanted.kind in offered else _ALIASES.get(wanted.kind, wanted.kind)
            major = media.split("/")[0]
            if kind in (media, "*/*", f"{major}/*") and wanted.quality > 0:
                exact = 0 if kind == media else 1
                key = (-wanted.quality, exact, rank)
                if best is None or key < best:
                    best, chosen = key, media
    if chosen is None:
        raise NotAcceptable(f"none of {accept!r} can be given; offered: {', '.join(offered)}")
    return chosen


#: Language tags as published, by their lowercase form (oxigraph lowercases them).
Tags = Mapping[str, str]


def _json_term(term: Any, tags: Tags) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = tags.get(term.language, term.language)
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _xml_term(term: Any, tags: Tags) -> str:
    value = _json_term(term, tags)
    if value["type"] == "uri":
        return f"<uri>{escape(value['value'])}</uri>"
    if value["type"] == "bnode":
        return f"<bnode>{escape(value['value'])}</bnode>"
    attributes = ""
    if "xml:lang" in value:
        attributes = f" xml:lang={quoteattr(value['xml:lang'])}"
    elif "datatype" in value:
        attributes = f" datatype={quoteattr(value['datatype'])}"
    return f"<literal{attributes}>{escape(value['value'])}</literal>"


def _xml(variables: Sequence[str], rows: Sequence[Sequence[Any]], tags: Tags) -> str:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
    out.append("</head>\n<results>")
    for row in rows:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t, tags)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        )
        out.append(f"<result>{cells}</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out)


def _tsv_term(term: Any, tags: Tags) -> str:
    text = str(term)
    language = getattr(term, "language", None)
    if language and language in tags:
        return text[: -len(language)] + tags[language]
    return text


def render_solutions(
    variables: Sequence[str], rows: Sequence[Sequence[Any]], media: str, tags: Tags
) -> bytes:
    """SELECT results (pyoxigraph terms, ``None`` unbound) in one of :data:`RESULT_TYPES`,
    language tags as ``tags`` spells them."""
    if media == "application/sparql-results+json":
        bindings = [
            {v: _json_term(t, tags) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        payload = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if media == "application/sparql-results+xml":
        return _xml(variables, rows, tags).encode("utf-8")
    if media == "text/csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if t is None else t.value for t in row])
        return buffer.getvalue().encode("utf-8")
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join("" if t is None else _tsv_term(t, tags) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_boolean(value: bool, media: str) -> bytes:
    """An ASK answer in one of :data:`RESULT_TYPES` (CSV and TSV: ``true`` / ``false``)."""
    if media == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if media == "application/sparql-results+xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
        ).encode()
    return f"{str(value).lower()}\n".encode()


def render_triples(triples: Sequence[Any], media: str, tags: Tags) -> bytes:
    """Triples in one of :data:`GRAPH_TYPES` (oxigraph's writers), language tags as
    ``tags`` spells them."""
    import pyoxigraph as ox

    from ..graph.formats import restore_tags

    fmt = {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/ld+json": ox.RdfFormat.JSON_LD,
    }[media]
    text = (ox.serialize(triples, format=fmt) or b"").decode("utf-8")
    if media != "application/ld+json":
        return restore_tags(text, tags).encode("utf-8")
    return json.dumps(_json_ld_tags(json.loads(text), tags), ensure_ascii=False).encode("utf-8")


def _json_ld_tags(value: Any, tags: Tags) -> Any:
    if isinstance(value, list):
        return [_json_ld_tags(item, tags) for item in value]
    if isinstance(value, dict):
        return {
            key: tags.get(item, item) if key == "@language" else _json_ld_tags(item, tags)
            for key, item in value.items()
        }
    return value
