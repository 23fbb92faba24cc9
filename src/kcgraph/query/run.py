"""Running a checked query: on the embedded store (pyoxigraph, ``out/``'s graphs as named
graphs) or on a SPARQL 1.1 endpoint, bounded in time and rows."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import KcgraphError
from ..files import recover
from ..layout import NAMED_GRAPHS, check_built, graph_iri
from .catalogue import bind_params, parse_params, resolve_query
from .results import AskResult, GraphResult, QueryResult, ResultTable
from .safety import CheckedQuery, QueryError, check_read_only, check_timeout

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["load_graphs", "load_store", "run_local", "run_named_query", "run_remote"]


def load_store(out_dir: str | Path) -> ox.Store:
    """A pyoxigraph store holding ``out/``'s graphs, each in its own named graph."""
    import pyoxigraph as ox

    store = ox.Store()
    load_graphs(store, out_dir)
    return store


def load_graphs(store: ox.Store, out_dir: str | Path) -> None:
    """Load ``out/``'s graphs into ``store`` (in memory or on disk), each as its named graph."""
    import pyoxigraph as ox

    out_dir = Path(out_dir)
    recover(out_dir)
    check_built(out_dir, QueryError)
    for name, graph in NAMED_GRAPHS.items():
        path = out_dir / name
        if path.is_file():
            try:
                store.bulk_load(
                    path=str(path),
                    format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(graph_iri(graph)),
                )
            except (SyntaxError, ValueError, OSError) as exc:
                detail = str(exc).splitlines()[0][:200]
                raise QueryError(f"{path}: not valid Turtle ({detail}); rebuild it") from None


def _value(term: Any) -> str | None:
    return None if term is None else term.value


def _answer(answer: Any, limit: int) -> QueryResult:
    """A pyoxigraph answer as a result, at most ``limit`` rows or triples."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return AskResult(bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples: list[Any] = []
        for triple in answer:
            if len(triples) >= limit:
                break
            triples.append(triple)
        nt = _serialize(triples, ox.RdfFormat.N_TRIPLES)
        ttl = _serialize(triples, ox.RdfFormat.TURTLE)
        lines = sorted(line for line in nt.splitlines() if line)
        text = "\n".join(lines) + ("\n" if lines else "")
        return GraphResult(text, ttl, len(triples), len(triples) >= limit)
    variables = [v.value for v in answer.variables]
    table = ResultTable(variables)
    for solution in answer:
        if len(table.rows) >= limit:
            table.truncated = True
            break
        table.rows.append([_value(solution[v]) for v in variables])
    return table


def _serialize(triples: Sequence[Any], fmt: Any) -> str:
    import pyoxigraph as ox

    return (ox.serialize(triples, format=fmt) or b"").decode("utf-8")


def _checked(query: CheckedQuery | str) -> CheckedQuery:
    """A checked query as it is, a text checked now (SERVICE refused)."""
    return query if isinstance(query, CheckedQuery) else check_read_only(query)


def run_local(
    store: ox.Store, query: CheckedQuery | str, *, timeout: float, limit: int
) -> QueryResult:
    """Run a read-only query on the embedded store, bounded in time and rows.

    Only the checked canonical text runs. Without ``FROM`` / ``FROM NAMED`` the default
    graph is the union of the named graphs; with them, the dataset is the one the query
    names (SPARQL 1.1 §13.2), as oxigraph evaluates it.
    """
    check_timeout(timeout)
    checked = _checked(query)
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            answer = store.query(checked.text, use_default_graph_as_union=not checked.names_dataset)
            result["value"] = _answer(answer, limit)
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
    endpoint: str,
    query: CheckedQuery | str,
    *,
    timeout: float,
    limit: int,
    max_bytes: int,
) -> QueryResult:
    """Run a query on a SPARQL 1.1 endpoint (SPARQL protocol): its checked canonical text."""
    import requests

    from ..publish.http import check_http_url, fetch, redact

    check_timeout(timeout)
    try:
        check_http_url(endpoint)
    except KcgraphError as exc:
        raise QueryError(str(exc)) from None
    checked = _checked(query)
    accept = {
        "ConstructQuery": "application/n-triples",
        "DescribeQuery": "application/n-triples",
    }.get(checked.form, _SPARQL_JSON)
    try:
        response = fetch(
            requests.Session(),
            "POST",
            endpoint,
            deadline=timeout,
            max_bytes=max_bytes,
            data={"query": checked.text},
            headers={"Accept": accept},
        )
    except KcgraphError as exc:
        raise QueryError(str(exc)) from None
    if response.status >= 300:
        detail = " ".join(response.text.strip().splitlines()[:2])[:300]
        raise QueryError(f"{redact(endpoint)}: HTTP {response.status}: {redact(detail)}")
    return _remote_answer(
        redact(endpoint), response.body, graph=accept != _SPARQL_JSON, limit=limit
    )


_SPARQL_JSON = "application/sparql-results+json"


def _remote_answer(endpoint: str, body: bytes, *, graph: bool, limit: int) -> QueryResult:
    """An endpoint's answer (N-Triples, or SPARQL JSON results) as a result."""
    if graph:
        import pyoxigraph as ox

        triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))[:limit]
        nt = _serialize(triples, ox.RdfFormat.N_TRIPLES)
        ttl = _serialize(triples, ox.RdfFormat.TURTLE)
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


def run_named_query(
    name_or_file: str,
    params: Sequence[str],
    *,
    out_dir: str | Path,
    timeout: float,
    limit: int,
    endpoint: str | None = None,
    allow_service: bool = False,
    max_bytes: int,
) -> QueryResult:
    """Resolve, bind (``NAME=VALUE`` strings), check and run a query, locally or remotely."""
    definition = resolve_query(name_or_file)
    text = bind_params(definition, parse_params(params))
    try:
        checked = check_read_only(text, allow_service=allow_service)
        if endpoint:
            return run_remote(endpoint, checked, timeout=timeout, limit=limit, max_bytes=max_bytes)
        return run_local(load_store(out_dir), checked, timeout=timeout, limit=limit)
    except QueryError as exc:
        raise QueryError(f"{definition.path}: {exc}") from None
