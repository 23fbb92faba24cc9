"""Upload the graphs to any SPARQL 1.1 Graph Store Protocol endpoint, one named graph each."""

from __future__ import annotations

from pathlib import Path

from .errors import KcgraphError
from .files import recover
from .query import GRAPH_FILES
from .shapes import load_graph

__all__ = ["graph_iri", "publish"]


def graph_iri(name: str, base: str = "https://w3id.org/kcgraph/graph/") -> str:
    return f"{base}{name}"


def _put(session, endpoint: str, graph: str, data: bytes) -> None:
    import requests

    try:
        response = session.put(
            endpoint,
            params={"graph": graph},
            data=data,
            timeout=600,
            headers={"Content-Type": "application/n-triples"},
        )
    except requests.RequestException as exc:
        raise KcgraphError(f"{endpoint}: {exc}") from None
    if response.status_code >= 300:
        detail = " ".join(response.text.strip().splitlines()[:2])[:300]
        raise KcgraphError(f"{endpoint}: HTTP {response.status_code} uploading <{graph}>: {detail}")


def publish(
    endpoint: str,
    out_dir: str | Path = "out",
    *,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> dict[str, int]:
    """PUT profiles, accepted mappings, ISCO and ESCO as named graphs; triples per graph IRI.

    ``graph`` replaces the IRI of the profiles graph; the others keep theirs. With ``user``,
    HTTP digest authentication (Virtuoso's ``/sparql-graph-crud-auth``) is negotiated once by
    a small request first, so large uploads are not sent twice.
    """
    import requests
    from requests.auth import HTTPDigestAuth

    out_dir = Path(out_dir)
    recover(out_dir)
    if not (out_dir / "kcgraph.ttl").is_file():
        raise KcgraphError(f"{out_dir / 'kcgraph.ttl'} does not exist: run `kcgraph build` first")
    session = requests.Session()
    if user:
        session.auth = HTTPDigestAuth(user, password or "")
        try:
            session.get(endpoint, params={"graph": graph_iri("probe")}, timeout=60)
        except requests.RequestException as exc:
            raise KcgraphError(f"{endpoint}: {exc}") from None
    uploads = {}
    for name, label in GRAPH_FILES.items():
        if (out_dir / name).is_file():
            iri = graph or graph_iri(label) if label == "profiles" else graph_iri(label)
            uploads[iri] = load_graph(out_dir / name)
    done = {}
    for iri, content in uploads.items():
        _put(session, endpoint, iri, content.serialize(format="nt", encoding="utf-8"))
        done[iri] = len(content)
    return done
