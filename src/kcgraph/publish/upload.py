"""Upload the graphs to any SPARQL 1.1 Graph Store Protocol endpoint, one named graph each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import KcgraphError
from ..files import recover
from ..layout import NAMED_GRAPHS, check_built, graph_iri
from .http import check_http_url, fetch, redact

__all__ = ["publish"]


def _put(
    session: Any, endpoint: str, graph: str, data: bytes, timeout: float, max_bytes: int
) -> None:
    answer = fetch(
        session,
        "PUT",
        endpoint,
        deadline=timeout,
        max_bytes=max_bytes,
        params={"graph": graph},
        data=data,
        headers={"Content-Type": "application/n-triples"},
    )
    if answer.status >= 300:
        detail = " ".join(answer.text.strip().splitlines()[:2])[:300]
        raise KcgraphError(
            f"{redact(endpoint)}: HTTP {answer.status} uploading <{graph}>: {redact(detail)}"
        )


def _n_triples(path: Path) -> tuple[bytes, int]:
    """A Turtle file as N-Triples (pyoxigraph: fast, never fetches) and its triple count."""
    import pyoxigraph as ox

    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError, OSError) as exc:
        raise KcgraphError(f"{path}: not valid Turtle ({str(exc).splitlines()[0][:200]})") from None
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def publish(
    endpoint: str,
    out_dir: str | Path,
    *,
    timeout: float,
    max_bytes: int,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> dict[str, int]:
    """PUT profiles, accepted mappings, ISCO and ESCO as named graphs; triples per graph IRI.

    ``graph`` replaces the IRI of the profiles graph; the others keep theirs. A small request
    goes first: it fails fast on a dead endpoint and, with ``user``, negotiates HTTP digest
    authentication (Virtuoso's ``/sparql-graph-crud-auth``) so large uploads are sent once.
    Every request has ``timeout`` seconds in all for its whole answer, and goes to
    ``endpoint``'s origin only (:mod:`kcgraph.publish.http`): a redirect elsewhere stops before the
    first upload.
    """
    import requests
    from requests.auth import HTTPDigestAuth

    check_http_url(endpoint)
    out_dir = Path(out_dir)
    recover(out_dir)
    check_built(out_dir)
    session = requests.Session()
    if user:
        session.auth = HTTPDigestAuth(user, password or "")
    probe = {"graph": graph_iri("probe")}
    fetch(session, "GET", endpoint, deadline=timeout, max_bytes=max_bytes, params=probe)
    done = {}
    for name, label in NAMED_GRAPHS.items():
        path = out_dir / name
        if path.is_file():
            iri = (graph or graph_iri(label)) if label == "profiles" else graph_iri(label)
            data, count = _n_triples(path)
            _put(session, endpoint, iri, data, timeout, max_bytes)
            done[iri] = count
    return done
