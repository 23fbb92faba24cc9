"""The SPARQL query library: named, documented queries run on an embedded store or a server.

Each ``queries/NAME.rq`` starts with ``#`` header lines: ``title:``, ``description:`` and one
``param: NAME = help`` per parameter. A parameter ``NAME`` is the variable ``?NAMEParam`` in
the query; a value is bound as a typed RDF term (an IRI, checked, or a literal) by a
``VALUES`` block at the top of the outer ``WHERE``, so the same text runs unchanged on
pyoxigraph, rdflib and any SPARQL 1.1 server.

Safety comes from the parsed query, not from patterns in its text: :func:`check_read_only`
parses it (rdflib's SPARQL grammar) and refuses updates always and ``SERVICE`` anywhere in
the parse tree unless allowed, after the parameters are bound.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KcgraphError
from .files import read_text, recover
from .resources import queries_dir
from .text import is_http_iri

__all__ = [
    "GRAPH_FILES",
    "AskResult",
    "GraphResult",
    "QueryDef",
    "QueryError",
    "ResultTable",
    "bind_params",
    "check_read_only",
    "format_listing",
    "load_queries",
    "load_store",
    "query_form",
    "resolve_query",
    "run_local",
    "run_named_query",
    "run_remote",
]

#: Files of ``out/`` loaded into the embedded store, each as its own named graph.
GRAPH_FILES = {
    "kcgraph.ttl": "profiles",
    "mappings.ttl": "mappings",
    "isco.ttl": "isco",
    "esco.ttl": "esco",
    "dataset.ttl": "dataset",
}


class QueryError(KcgraphError):
    """A query that cannot run: syntax error (with line and column), refused, timed out."""


@dataclass(frozen=True)
class QueryDef:
    name: str
    path: Path
    title: str
    description: str
    params: dict[str, str]
    text: str


@dataclass
class ResultTable:
    """The rows of a SELECT query."""

    variables: list[str]
    rows: list[list[str | None]] = field(default_factory=list)
    truncated: bool = False

    def as_table(self) -> str:
        cells = [[c if c is not None else "" for c in row] for row in self.rows]
        widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(self.variables)]
        widths = [min(w, 60) for w in widths]

        def line(values):
            return "  ".join(str(v)[:60].ljust(w) for v, w in zip(values, widths, strict=True))

        out = [line(self.variables), line(["-" * w for w in widths])]
        out += [line(r) for r in cells]
        out.append(
            f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"
            f"{', truncated at the row limit' if self.truncated else ''})"
        )
        return "\n".join(out) + "\n"

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.variables)
        writer.writerows([[c if c is not None else "" for c in r] for r in self.rows])
        return out.getvalue()

    def as_json(self) -> str:
        rows = [dict(zip(self.variables, r, strict=True)) for r in self.rows]
        body = {"variables": self.variables, "truncated": self.truncated, "rows": rows}
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"

    def render(self, fmt: str) -> str:
        if fmt in ("turtle", "nt"):
            raise QueryError(
                f"a SELECT query gives a table: use --format table, csv or json, not {fmt}"
            )
        return {"table": self.as_table, "csv": self.as_csv, "json": self.as_json}[fmt]()


@dataclass
class GraphResult:
    """The triples of a CONSTRUCT or DESCRIBE query, as N-Triples and Turtle."""

    n_triples: str
    turtle: str
    count: int
    truncated: bool = False

    def render(self, fmt: str) -> str:
        return self.n_triples if fmt == "nt" else self.turtle


@dataclass
class AskResult:
    """The answer of an ASK query."""

    value: bool

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps({"boolean": self.value}) + "\n"
        return ("true" if self.value else "false") + "\n"


QueryResult = ResultTable | GraphResult | AskResult


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


def _parse_tree(text: str):
    """rdflib's parse tree of a query; an update or a syntax error is a :class:`QueryError`."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)
    except ParseException as query_error:
        try:
            parseUpdate(text)
        except Exception:
            raise QueryError(
                f"syntax error at line {query_error.lineno}, column {query_error.col}: "
                f"{query_error.msg}"
            ) from None
        raise QueryError("updates are refused: kcgraph query is read-only") from None
    except Exception as exc:  # rdflib raises others on odd input; all mean unusable
        raise QueryError(f"not a SPARQL query ({str(exc).splitlines()[0][:200]})") from None


def _node_names(node) -> set[str]:
    from rdflib.plugins.sparql.parserutils import CompValue

    names: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            names.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, list | tuple) or hasattr(item, "asList"):
            stack.extend(item)
    return names


def query_form(text: str) -> str:
    """``SelectQuery``, ``ConstructQuery``, ``AskQuery`` or ``DescribeQuery``."""
    return _parse_tree(text)[1].name


def check_read_only(text: str, *, allow_service: bool = False) -> str:
    """Parse the query; refuse updates always and ``SERVICE`` unless allowed. Returns its form.

    >>> check_read_only("ASK { ?s ?p ?o }")
    'AskQuery'
    """
    tree = _parse_tree(text)
    if not allow_service and "ServiceGraphPattern" in _node_names(tree):
        raise QueryError("SERVICE (a federated call) is refused; pass --allow-service to run it")
    return tree[1].name


def _term(name: str, value: str) -> str:
    """A parameter value as a SPARQL term: a checked IRI, or a literal."""
    from rdflib import Literal

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


def load_store(out_dir: str | Path = "out"):
    """A pyoxigraph store holding ``out/``'s graphs, each in its own named graph."""
    import pyoxigraph as ox

    out_dir = Path(out_dir)
    recover(out_dir)
    if not (out_dir / "kcgraph.ttl").is_file():
        raise QueryError(f"{out_dir / 'kcgraph.ttl'} does not exist: run `kcgraph build` first")
    store = ox.Store()
    for name, graph in GRAPH_FILES.items():
        path = out_dir / name
        if path.is_file():
            try:
                store.bulk_load(
                    path=str(path),
                    format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(f"https://w3id.org/kcgraph/graph/{graph}"),
                )
            except (SyntaxError, ValueError, OSError) as exc:
                detail = str(exc).splitlines()[0][:200]
                raise QueryError(f"{path}: not valid Turtle ({detail}); rebuild it") from None
    return store


def _value(term) -> str | None:
    return None if term is None else term.value


def check_timeout(timeout: float) -> float:
    if not math.isfinite(timeout) or timeout <= 0:
        raise QueryError(f"--timeout must be a positive number of seconds, not {timeout}")
    return timeout


def run_local(store, text: str, *, timeout: float = 30.0, limit: int = 10_000) -> QueryResult:
    """Run a read-only query on the embedded store, bounded in time and rows."""
    import pyoxigraph as ox

    check_timeout(timeout)
    result: dict = {}

    def work() -> None:
        try:
            answer = store.query(text, use_default_graph_as_union=True)
            if isinstance(answer, ox.QueryBoolean):
                result["value"] = AskResult(bool(answer))
            elif isinstance(answer, ox.QueryTriples):
                triples = []
                for triple in answer:
                    if len(triples) >= limit:
                        break
                    triples.append(triple)
                nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
                ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE).decode("utf-8")
                lines = sorted(line for line in nt.splitlines() if line)
                result["value"] = GraphResult(
                    "\n".join(lines) + ("\n" if lines else ""),
                    ttl,
                    len(triples),
                    len(triples) >= limit,
                )
            else:
                variables = [v.value for v in answer.variables]
                table = ResultTable(variables)
                for solution in answer:
                    if len(table.rows) >= limit:
                        table.truncated = True
                        break
                    table.rows.append([_value(solution[v]) for v in variables])
                result["value"] = table
        except SyntaxError as exc:
            message = str(exc)
            if m := re.match(r"error at (\d+):(\d+): (.*)", message, re.S):
                message = f"line {m.group(1)}, column {m.group(2)}: {m.group(3)}"
            result["error"] = QueryError(f"syntax error at {message}")
        except Exception as exc:  # evaluation errors
            result["error"] = QueryError(f"query failed: {str(exc)[:300]}")

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryError(f"query timed out after {timeout:g} s")
    if "error" in result:
        raise result["error"]
    return result["value"]


def run_remote(
    endpoint: str, text: str, *, timeout: float = 30.0, limit: int = 10_000
) -> QueryResult:
    """Run a query on a SPARQL 1.1 endpoint (SPARQL protocol)."""
    check_timeout(timeout)
    if not endpoint.startswith(("http://", "https://")):
        raise QueryError(f"{endpoint}: the endpoint must be an http(s) URL")
    form = query_form(text)
    accept = {
        "ConstructQuery": "application/n-triples",
        "DescribeQuery": "application/n-triples",
    }.get(form, "application/sparql-results+json")
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(
        endpoint,
        data=data,
        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()[:2]
        raise QueryError(f"{endpoint}: HTTP {exc.code}: {' '.join(detail)[:300]}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise QueryError(f"{endpoint}: {getattr(exc, 'reason', exc)}") from None
    if accept == "application/n-triples":
        import pyoxigraph as ox

        triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))[:limit]
        nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE).decode("utf-8")
        return GraphResult(nt, ttl, len(triples))
    try:
        payload = json.loads(body)
    except ValueError:
        raise QueryError(f"{endpoint}: the answer is not SPARQL JSON results") from None
    if "boolean" in payload:
        return AskResult(bool(payload["boolean"]))
    variables = payload["head"]["vars"]
    table = ResultTable(variables)
    for binding in payload["results"]["bindings"]:
        if len(table.rows) >= limit:
            table.truncated = True
            break
        table.rows.append([binding[v]["value"] if v in binding else None for v in variables])
    return table


def format_listing() -> list[str]:
    """One line per bundled query: name, title and parameters (``kcgraph query --list``)."""
    lines = []
    for q in load_queries().values():
        args = " ".join(f"[--param {p}=...]" for p in q.params)
        lines.append(f"{q.name:28s} {q.title} {args}")
    return lines


def run_named_query(
    name_or_file: str,
    params: Sequence[str],
    *,
    out_dir: str | Path,
    endpoint: str | None = None,
    allow_service: bool = False,
    timeout: float = 30.0,
    limit: int = 10_000,
) -> QueryResult:
    """Resolve, bind (``NAME=VALUE`` strings), check and run a query, locally or remotely."""
    definition = resolve_query(name_or_file)
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"--param {item!r}: expected NAME=VALUE")
        values[name.strip()] = value
    text = bind_params(definition, values)
    try:
        check_read_only(text, allow_service=allow_service)
        if endpoint:
            return run_remote(endpoint, text, timeout=timeout, limit=limit)
        return run_local(load_store(out_dir), text, timeout=timeout, limit=limit)
    except QueryError as exc:
        raise QueryError(f"{definition.path}: {exc}") from None
