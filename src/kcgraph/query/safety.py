"""Safety comes from the parsed query, not from patterns in its text: :func:`check_read_only`
reads the text once into its canonical form (:mod:`.lexer`), parses that (rdflib's SPARQL
grammar) and refuses updates always and ``SERVICE`` anywhere in the parse tree unless
allowed, after the parameters are bound. It returns a :class:`CheckedQuery`, and the runners
execute only a checked query's canonical text: the text that runs is the text checked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from .lexer import canonical_text

__all__ = [
    "SERVICE_HINT_CLI",
    "SERVICE_HINT_SERVED",
    "CheckedQuery",
    "QueryError",
    "check_read_only",
    "check_timeout",
    "query_form",
]


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the check: the canonical ``text`` the engine runs, its ``form``
    (``SelectQuery``, ...) and whether it names its dataset (``FROM`` / ``FROM NAMED``)."""

    text: str
    form: str
    names_dataset: bool


def _parse_tree(text: str) -> Any:
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


def _node_names(node: Any) -> set[str]:
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
    return _parse_tree(canonical_text(text))[1].name


#: What the command line says of a refused SERVICE (``kcgraph query`` can allow it).
SERVICE_HINT_CLI = "pass --allow-service to run it"
#: What the served endpoint says: it never calls another service, whatever the client asks.
SERVICE_HINT_SERVED = (
    "this endpoint answers from its own graphs only and never calls another service"
)


def check_read_only(
    text: str, *, allow_service: bool = False, service_hint: str = SERVICE_HINT_CLI
) -> CheckedQuery:
    """Read and parse the query; refuse updates always and ``SERVICE`` unless allowed (the
    refusal ends with ``service_hint``: what the one refusing allows).

    >>> check_read_only("ASK { ?s ?p ?o } # a comment")
    CheckedQuery(text='ASK { ?s ?p ?o } ', form='AskQuery', names_dataset=False)
    """
    canonical = canonical_text(text)
    tree = _parse_tree(canonical)
    if not allow_service and "ServiceGraphPattern" in _node_names(tree):
        raise QueryError(f"SERVICE (a federated call) is refused; {service_hint}")
    names_dataset = "datasetClause" in tree[1]
    return CheckedQuery(canonical, tree[1].name, names_dataset)


def check_timeout(timeout: float) -> float:
    if not math.isfinite(timeout) or timeout <= 0:
        raise QueryError(f"--timeout must be a positive number of seconds, not {timeout}")
    return timeout
