"""SPARQL: the query library (:mod:`.catalogue`), the safety check every query passes
(:mod:`.safety`), the runners (:mod:`.run`) and the results they give (:mod:`.results`)."""

from __future__ import annotations

from .catalogue import QueryDef, bind_params, format_listing, load_queries, resolve_query
from .results import AskResult, GraphResult, QueryResult, ResultTable
from .run import load_store, run_local, run_named_query, run_remote
from .safety import CheckedQuery, QueryError, check_read_only, check_timeout, query_form

__all__ = [
    "AskResult",
    "CheckedQuery",
    "GraphResult",
    "QueryDef",
    "QueryError",
    "QueryResult",
    "ResultTable",
    "bind_params",
    "check_read_only",
    "check_timeout",
    "format_listing",
    "load_queries",
    "load_store",
    "query_form",
    "resolve_query",
    "run_local",
    "run_named_query",
    "run_remote",
]
