"""Upload the graphs to any SPARQL 1.1 Graph Store Protocol endpoint, one named graph each."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL, RDF, SKOS

from .errors import KcgraphError
from .query import GRAPH_FILES

__all__ = ["MAPPING_PREDICATES", "graph_iri", "publish", "split_mappings"]

#: Predicates whose triples go to the mappings graph (with their owl:Axiom provenance).
MAPPING_PREDICATES = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
)


def graph_iri(name: str, base: str = "https://w3id.org/kcgraph/graph/") -> str:
    return f"{base}{name}"


def split_mappings(graph: Graph) -> tuple[Graph, Graph]:
    """(profiles without mappings, mappings with their axioms)."""
    mappings, rest = Graph(), Graph()
    axioms = set(graph.subjects(RDF.type, OWL.Axiom))
    for triple in graph:
        s, p, _ = triple
        (mappings if s in axioms or p in MAPPING_PREDICATES else rest).add(triple)
    return rest, mappings


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
    """PUT profiles, mappings, ISCO and ESCO as named graphs; returns triples per graph IRI.

    ``graph`` replaces the IRI of the profiles graph; the others keep theirs. With ``user``,
    HTTP digest authentication (Virtuoso's ``/sparql-graph-crud-auth``) is negotiated once by
    a small request first, so large uploads are not sent twice.
    """
    import requests
    from requests.auth import HTTPDigestAuth

    out_dir = Path(out_dir)
    if not (out_dir / "kcgraph.ttl").is_file():
        raise KcgraphError(f"{out_dir / 'kcgraph.ttl'} does not exist: run `kcgraph build` first")
    session = requests.Session()
    if user:
        session.auth = HTTPDigestAuth(user, password or "")
        try:
            session.get(endpoint, params={"graph": graph_iri("probe")}, timeout=60)
        except requests.RequestException as exc:
            raise KcgraphError(f"{endpoint}: {exc}") from None
    profiles, mappings = split_mappings(Graph().parse(out_dir / "kcgraph.ttl"))
    uploads = {graph or graph_iri("profiles"): profiles, graph_iri("mappings"): mappings}
    for name, label in GRAPH_FILES.items():
        if label != "profiles" and (out_dir / name).is_file():
            uploads[graph_iri(label)] = Graph().parse(out_dir / name)
    done = {}
    for iri, content in uploads.items():
        _put(session, endpoint, iri, content.serialize(format="nt", encoding="utf-8"))
        done[iri] = len(content)
    return done
