"""The query library: named, documented queries (``queries/NAME.rq``) and their parameters.

Each query file starts with ``#`` header lines: ``title:``, ``description:`` and one
``param: NAME = help`` per parameter. A parameter ``NAME`` is the variable ``?NAMEParam`` in
the query; a value is bound as a typed RDF term (an IRI, checked, or a literal) by a
``VALUES`` block at the top of the outer ``WHERE``, so the same text runs unchanged on
pyoxigraph, rdflib and any SPARQL 1.1 server.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files import read_text
from ..resources import queries_dir
from .safety import QueryError

__all__ = [
    "QueryDef",
    "bind_params",
    "format_listing",
    "load_queries",
    "parse_params",
    "resolve_query",
]


@dataclass(frozen=True)
class QueryDef:
    name: str
    path: Path
    title: str
    description: str
    params: dict[str, str]
    text: str


def _parse(path: Path) -> QueryDef:
    text = read_text(path, what="query file")
    header: dict[str, str] = {}
    params: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if match := re.match(r"(title|description|param):\s*(.*)", body):
            key, value = match.groups()
            if key == "param":
                name, _, help_text = value.partition("=")
                params[name.strip()] = help_text.strip()
            else:
                header[key] = value
        elif key in ("title", "description") and body:
            header[key] += " " + body
    return QueryDef(
        path.stem, path, header.get("title", path.stem), header.get("description", ""), params, text
    )


def load_queries(directory: str | Path | None = None) -> dict[str, QueryDef]:
    """The bundled queries by name."""
    directory = Path(directory) if directory else queries_dir()
    return {p.stem: _parse(p) for p in sorted(directory.glob("*.rq"))}


def resolve_query(name_or_file: str) -> QueryDef:
    path = Path(name_or_file)
    if path.suffix in (".rq", ".sparql"):
        return _parse(path)
    queries = load_queries()
    if name_or_file not in queries:
        raise QueryError(
            f"no query named {name_or_file!r} (known: {', '.join(queries)}) and no such .rq file"
        )
    return queries[name_or_file]


def _term(name: str, value: str) -> str:
    """A parameter value as a SPARQL term: a checked IRI, or a literal."""
    from rdflib import Literal

    from ..settings import is_http_iri  # here: listing the queries needs no pydantic

    if value.startswith(("http://", "https://")):
        if not is_http_iri(value):
            raise QueryError(f"--param {name}: {value!r} is not a valid IRI")
        return f"<{value}>"
    return Literal(value).n3()


def bind_params(query: QueryDef, values: dict[str, str]) -> str:
    """The query text with each given parameter bound by a VALUES block in the outer WHERE."""
    unknown = set(values) - set(query.params)
    if unknown:
        raise QueryError(
            f"{query.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(query.params) or 'none'}"
        )
    if not values:
        return query.text
    block = " ".join(
        f"VALUES ?{name}Param {{ {_term(name, value)} }}" for name, value in sorted(values.items())
    )
    match = re.search(r"\bWHERE\s*\{", query.text, re.I)
    if match is None:
        raise QueryError(f"{query.name}: no WHERE clause to bind parameters in")
    return query.text[: match.end()] + f"\n  {block}\n" + query.text[match.end() :]


def format_listing() -> list[str]:
    """One line per bundled query: name, title and parameters (``kcgraph query --list``)."""
    lines = []
    for q in load_queries().values():
        args = " ".join(f"[--param {p}=...]" for p in q.params)
        lines.append(f"{q.name:28s} {q.title} {args}")
    return lines


def parse_params(params: Sequence[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings as a mapping; anything else is a :class:`QueryError`."""
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"--param {item!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values
