"""The SPARQL query library: named, documented queries run on an embedded store or a server.

Each ``queries/NAME.rq`` starts with ``#`` header lines: ``title:``, ``description:`` and one
``param: NAME = help`` per parameter. A parameter ``NAME`` is the variable ``?NAMEParam`` in
the query; a value is bound by a ``VALUES`` block at the top of the outer ``WHERE``, so the
same text runs unchanged on pyoxigraph, rdflib and any SPARQL 1.1 server.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KcgraphError
from .resources import queries_dir

__all__ = [
    "GRAPH_FILES",
    "QueryDef",
    "QueryError",
    "ResultTable",
    "bind_params",
    "check_read_only",
    "format_listing",
    "load_queries",
    "load_store",
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
}
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b", re.I)
_SERVICE = re.compile(r"\bSERVICE\b", re.I)


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
        return (
            json.dumps(
                {
                    "variables": self.variables,
                    "truncated": self.truncated,
                    "rows": [dict(zip(self.variables, r, strict=True)) for r in self.rows],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )


def _parse(path: Path) -> QueryDef:
    text = path.read_text(encoding="utf-8")
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
    if path.suffix in (".rq", ".sparql") and path.is_file():
        return _parse(path)
    queries = load_queries()
    if name_or_file not in queries:
        raise QueryError(
            f"no query named {name_or_file!r} (known: {', '.join(queries)}) and no such .rq file"
        )
    return queries[name_or_file]


def _strip(text: str) -> str:
    """The query without comments, strings and IRIs (for keyword checks)."""
    text = re.sub(r"<[^>\s]*>", "<>", text)
    text = re.sub(
        r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
        '""',
        text,
    )
    return re.sub(r"#[^\n]*", "", text)


def check_read_only(text: str, *, allow_service: bool = False) -> None:
    """Refuse updates always, and federated ``SERVICE`` calls unless allowed."""
    body = _strip(text)
    if match := _UPDATE.search(body):
        raise QueryError(f"updates are refused: the query uses {match.group(1).upper()}")
    if _SERVICE.search(body) and not allow_service:
        raise QueryError("SERVICE (a federated call) is refused; pass --allow-service to run it")


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
        f"VALUES ?{name}Param {{ {_term(value)} }}" for name, value in sorted(values.items())
    )
    match = re.search(r"\bWHERE\s*\{", query.text, re.I)
    if match is None:
        raise QueryError(f"{query.name}: no WHERE clause to bind parameters in")
    return query.text[: match.end()] + f"\n  {block}\n" + query.text[match.end() :]


def _term(value: str) -> str:
    if value.startswith(("http://", "https://")):
        return f"<{value}>"
    return json.dumps(value, ensure_ascii=False)


def load_store(out_dir: str | Path = "out"):
    """A pyoxigraph store holding ``out/``'s graphs, each in its own named graph."""
    import pyoxigraph as ox

    from .files import recover

    out_dir = Path(out_dir)
    recover(out_dir)
    if not (out_dir / "kcgraph.ttl").is_file():
        raise QueryError(f"{out_dir / 'kcgraph.ttl'} does not exist: run `kcgraph build` first")
    store = ox.Store()
    for name, graph in GRAPH_FILES.items():
        path = out_dir / name
        if path.is_file():
            store.bulk_load(
                path=str(path),
                format=ox.RdfFormat.TURTLE,
                to_graph=ox.NamedNode(f"https://w3id.org/kcgraph/graph/{graph}"),
            )
    return store


def _value(term) -> str | None:
    return None if term is None else term.value


def run_local(store, text: str, *, timeout: float = 30.0, limit: int = 10_000) -> ResultTable:
    """Run a read-only query on the embedded store, bounded in time and rows."""
    result: dict = {}

    def work() -> None:
        try:
            solutions = store.query(text, use_default_graph_as_union=True)
            variables = [v.value for v in solutions.variables]
            table = ResultTable(variables)
            for solution in solutions:
                if len(table.rows) >= limit:
                    table.truncated = True
                    break
                table.rows.append([_value(solution[v]) for v in variables])
            result["table"] = table
        except SyntaxError as exc:
            message = str(exc)
            if m := re.match(r"error at (\d+):(\d+): (.*)", message, re.S):
                message = f"line {m.group(1)}, column {m.group(2)}: {m.group(3)}"
            result["error"] = QueryError(f"syntax error at {message}")
        except Exception as exc:  # evaluation errors
            result["error"] = QueryError(f"query failed: {exc}")

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryError(f"query timed out after {timeout:g} s")
    if "error" in result:
        raise result["error"]
    return result["table"]


def run_remote(
    endpoint: str, text: str, *, timeout: float = 30.0, limit: int = 10_000
) -> ResultTable:
    """Run a query on a SPARQL 1.1 endpoint (SPARQL protocol, JSON results)."""
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(
        endpoint,
        data=data,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.load(response)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()[:2]
        raise QueryError(f"{endpoint}: HTTP {exc.code}: {' '.join(detail)[:300]}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise QueryError(f"{endpoint}: {getattr(exc, 'reason', exc)}") from None
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
) -> ResultTable:
    """Resolve, bind (``NAME=VALUE`` strings), check and run a query, locally or remotely."""
    definition = resolve_query(name_or_file)
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"--param {item!r}: expected NAME=VALUE")
        values[name.strip()] = value
    text = bind_params(definition, values)
    check_read_only(text, allow_service=allow_service)
    try:
        if endpoint:
            return run_remote(endpoint, text, timeout=timeout, limit=limit)
        return run_local(load_store(out_dir), text, timeout=timeout, limit=limit)
    except QueryError as exc:
        raise QueryError(f"{definition.path}: {exc}") from None
