"""The commands that serve users: SPARQL queries, publishing to a store, the served
graph (``serve``) and a static site (``site``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import (
    DIR,
    Choices,
    Finite,
    Setting,
    settings_options,
)

if TYPE_CHECKING:
    from ..settings import Settings
    from ..web.service import Service
    from ..workspace import Workspace

__all__ = ["publish", "query", "serve", "site"]


@click.command()
@click.argument("query", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE")
@click.option(
    "-f",
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=Choices(".query.results", "FORMATS"),
    help="SELECT: table, csv, json; CONSTRUCT/DESCRIBE: turtle (default), nt; ASK: true/false.",
)
@click.option("--out-dir", type=DIR, help="Folder of the built graphs [default: out].")
@click.option("--endpoint", help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--allow-service", is_flag=True, help="Allow federated SERVICE calls.")
@click.option(
    "--timeout", cls=Setting, setting="query_timeout", type=Finite(0.001, 86400), help="Seconds."
)
@click.option("--limit", cls=Setting, setting="query_limit", type=click.IntRange(1), help="Rows.")
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries.")
def query(
    query: str | None,
    params: tuple[str, ...],
    fmt: str,
    out_dir: str | None,
    endpoint: str | None,
    allow_service: bool,
    timeout: float | None,
    limit: int | None,
    list_queries: bool,
) -> None:
    """Run a bundled query (by NAME) or a .rq FILE; read-only, bounded in time and rows."""
    from ..query import format_listing, run_named_query

    if list_queries or not query:
        for line in format_listing():
            click.echo(line)
        return
    from ..settings import Settings

    settings = Settings.from_options(out_dir=out_dir, query_timeout=timeout, query_limit=limit)
    table = run_named_query(
        query,
        params,
        out_dir=settings.out_dir,
        endpoint=endpoint,
        allow_service=allow_service,
        timeout=settings.query_timeout,
        limit=settings.query_limit,
        max_bytes=settings.answer_max_bytes,
    )
    click.echo(table.render(fmt), nl=False)


@click.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol endpoint.")
@click.option("--graph", default=None, help="IRI of the profiles graph.")
@click.option("--out-dir", type=DIR, help="Folder of the built graphs [default: out].")
@click.option("--user", default=None, help="User for HTTP digest/basic authentication.")
@click.option("--password", default=None, envvar="KCGRAPH_ENDPOINT_PASSWORD")
@click.option(
    "--timeout",
    cls=Setting,
    setting="publish_timeout",
    type=Finite(0.1, 86400),
    help="Seconds per request.",
)
def publish(
    endpoint: str,
    graph: str | None,
    out_dir: str | None,
    user: str | None,
    password: str | None,
    timeout: float | None,
) -> None:
    """Upload profiles, mappings, ISCO and ESCO to a SPARQL store as named graphs."""
    from ..publish.upload import publish as upload
    from ..settings import Settings

    settings = Settings.from_options(out_dir=out_dir, publish_timeout=timeout)
    done = upload(
        endpoint,
        settings.out_dir,
        graph=graph,
        user=user,
        password=password,
        timeout=settings.publish_timeout,
        max_bytes=settings.answer_max_bytes,
    )
    for iri, count in done.items():
        click.echo(f"{count:>8} triples -> <{iri}>")


def _open_service(ws: Workspace, settings: Settings) -> tuple[Service, Path]:
    """The read side of the build ``settings`` name, for ``serve`` and ``site``."""
    from ..web.server import workspace_service

    return workspace_service(ws, settings.out_dir)


@click.command()
@click.option("--host", help="Address to listen on [default: 127.0.0.1, this machine only].")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (0: any free) [default: 8000].")
@click.option("--workers", type=click.IntRange(1, 64), help="Query worker processes [default: 2].")
@click.option(
    "--timeout", cls=Setting, setting="query_timeout", type=Finite(0.001, 86400), help="Seconds."
)
@click.option("--limit", cls=Setting, setting="query_limit", type=click.IntRange(1), help="Rows.")
@click.option("--out-dir", type=DIR, help="Folder of the built graphs [default: out].")
@settings_options()
def serve(
    ws: Workspace,
    host: str | None,
    port: int | None,
    workers: int | None,
    timeout: float | None,
    limit: int | None,
) -> None:
    """Serve the built graph: a read-only SPARQL endpoint (/sparql), a page and Turtle,
    JSON-LD and N-Triples for every IRI (/id/...), search, a query page, and the W3C
    Reconciliation API for OpenRefine (/reconcile)."""
    from ..web.server import ServeOptions
    from ..web.server import serve as run

    s = ws.settings.with_options(
        serve_host=host,
        serve_port=port,
        serve_workers=workers,
        query_timeout=timeout,
        query_limit=limit,
    )
    service, store_path = _open_service(ws, s)
    options = ServeOptions(
        s.serve_host,
        s.serve_port,
        s.serve_workers,
        s.serve_memory_mb,
        s.query_timeout,
        s.query_limit,
        s.serve_max_body,
        s.serve_max_connections,
        s.serve_client_connections,
        s.serve_request_seconds,
    )
    from ..match.reconcile import Reconciler

    run(
        service,
        store_path,
        options,
        announce=lambda line: click.echo(line),
        reconciler=Reconciler(ws),
    )


@click.command()
@click.option("-o", "--output", "target", required=True, type=DIR, help="Folder of the site.")
@click.option(
    "--lang",
    default="en",
    show_default=True,
    type=click.Choice(["en", "nl"]),
    help="The language of the pages' own words (the data keeps its own).",
)
@click.option("--out-dir", type=DIR, help="Folder of the built graphs [default: out].")
@settings_options()
def site(ws: Workspace, target: str, lang: str) -> None:
    """Write the built graph as a static site: a page, Turtle, JSON-LD and N-Triples per
    profile and concept, an index with search, and Apache/nginx content negotiation."""
    from ..files import check_output_folder
    from ..layout import SITE_MARKER
    from ..web.site import write_site

    check_output_folder(Path(target), SITE_MARKER)  # before the store is opened
    service, _ = _open_service(ws, ws.settings)
    count = write_site(service, ws.settings.out_dir, Path(target), lang=lang)
    click.echo(f"wrote {count} resources (HTML, Turtle, JSON-LD, N-Triples) to {target}")
