"""Start ``kcgraph serve``: the on-disk store, the worker pool, the label index, then
uvicorn on a socket bound here (so port 0 gives a free port, announced before serving)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import KcgraphError
from .workers import WorkerPool, disk_store

if TYPE_CHECKING:
    import curies

    from ..match.reconcile import Reconciler
    from ..workspace import Workspace
    from .search import LabelIndex
    from .service import Service

__all__ = ["ServeOptions", "open_service", "serve", "workspace_service"]


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    memory_mb: int
    timeout: float
    rows: int
    max_body: int
    max_connections: int
    client_connections: int = 50
    request_seconds: float = 10.0


def open_service(
    out_dir: Path,
    cache_dir: Path,
    *,
    base: str,
    converter: curies.Converter,
    decided: set[frozenset[str]],
    language: str = "en",
    rejected: Iterable[frozenset[str]] = (),
) -> tuple[Service, Path]:
    """The build's service over a read-only on-disk store, and that store's folder; labels
    in ``language`` (the reader's) where the graph has them, else in English; ``rejected``:
    the pairs reviewers rejected (the home page counts them)."""
    import pyoxigraph as ox

    from .service import Service, open_proposals, tags_as_written

    store_path = disk_store(out_dir, cache_dir)
    store = ox.Store.read_only(str(store_path))
    proposals = open_proposals(out_dir, decided, converter)
    languages = tuple(dict.fromkeys((language, "en")))
    service = Service(store, base, proposals, tags_as_written(out_dir), languages, out_dir)
    service.rejected = set(rejected)
    return service, store_path


def workspace_service(ws: Workspace, out_dir: Path) -> tuple[Service, Path]:
    """The service of the build in ``out_dir`` as a workspace reads it: its base, CURIEs,
    decisions (decided and rejected pairs) and reader's language."""
    return open_service(
        out_dir,
        ws.settings.embedding_cache_dir,
        base=ws.settings.base,
        converter=ws.converter,
        decided=ws.decided_pairs,
        language=ws.reader_language,
        rejected=ws.store(check_ids=False).decided_pairs("reject"),
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # answers go out at once (accepted sockets inherit it): with Nagle's algorithm a body
    # written after its headers waited for the client's delayed ACK, 40 ms a request
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise KcgraphError(f"{host}:{port}: cannot listen there ({exc.strerror})") from None
    sock.listen(2048)
    return sock


def serve(
    service: Service,
    store_path: Path,
    options: ServeOptions,
    announce: Callable[[str], None],
    reconciler: Reconciler | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); the workers stop with the server. With a
    ``reconciler``, the Reconciliation API too, made ready in the background as it starts."""
    import uvicorn

    from ..query.catalogue import load_queries
    from .app import Limits, examples_of, make_app
    from .guard import guarded_protocol
    from .search import LabelIndex, labels

    sock = _bind(options.host, options.port)
    pool = WorkerPool(
        store_path,
        size=options.workers,
        timeout=options.timeout,
        memory_mb=options.memory_mb,
        tags=service.tags,
    )
    try:
        index = LabelIndex(labels(service.store, tags=service.tags))
        limits = Limits(options.timeout, options.rows, options.max_body, options.request_seconds)
        examples = examples_of(load_queries().values())
        interfaces = _interfaces(service, index, reconciler)
        app = make_app(service, pool, index, limits, examples, interfaces)
        config = uvicorn.Config(
            app,
            http=guarded_protocol(options.client_connections, options.request_seconds),
            limit_concurrency=options.max_connections,
            timeout_keep_alive=5,
            h11_max_incomplete_event_size=65_536,
            log_level="error",
            access_log=False,
        )
        host, port = sock.getsockname()[:2]
        url = f"http://{host}:{port}"
        announce(f"serving {url}/ (SPARQL endpoint {url}/sparql); {index.size} labels searchable")
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
        sock.close()


def _interfaces(service: Service, index: LabelIndex, reconciler: Reconciler | None) -> list[Any]:
    """The routes of the ecosystem's interfaces: Skosmos's REST API and, with a reconciler,
    the Reconciliation API (made ready in the background as the server starts)."""
    from .reconcile import Reconciliation, reconcile_routes
    from .skosmos import SkosmosApi, skosmos_routes

    if reconciler is None:
        return reconcile_routes(None)
    converter = reconciler.workspace.converter
    threading.Thread(target=_warm, args=(reconciler,), name="warm", daemon=True).start()
    reconciliation = Reconciliation(service, reconciler, index, converter)
    return [
        *reconcile_routes(reconciliation),
        *skosmos_routes(SkosmosApi(service, index, converter)),
    ]


def _warm(reconciler: Reconciler) -> None:
    """Make the reconciler ready; a failure is one line (the first query will say it too)."""
    import sys

    try:
        reconciler.warm()
    except Exception as exc:
        print(f"kcgraph: warning: reconciliation not made ready: {exc}", file=sys.stderr)
