"""``kcgraph serve``: a read-only SPARQL 1.1 Protocol endpoint and dereferenceable IRIs.

Starlette (a small, maintained ASGI toolkit) on uvicorn, rather than rdflib-endpoint:
rdflib-endpoint evaluates through rdflib's query API and its own checks, while kcgraph must
run exactly the query its safety check read (:class:`~kcgraph.query.CheckedQuery`) on
oxigraph, in worker processes that can be stopped (:mod:`.workers`). Routes:

- ``/sparql`` (GET, POST form or ``application/sparql-query``): the protocol; results by
  ``Accept`` (or a ``format`` parameter); ``default-graph-uri`` / ``named-graph-uri``.
- ``/id/PATH`` (the IRI ``BASE + PATH``): HTML for a browser, Turtle / JSON-LD / N-Triples
  for a client, by ``Accept``, answered directly (200, ``Vary: Accept``, a
  ``Content-Location`` naming the format's own URL ``/id/PATH.ttl`` and so on); unknown
  IRIs are 404.
- ``/`` (the profiles), ``/query`` (a query page with the bundled queries), ``/search``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import QueryError
from ..query.catalogue import QueryDef
from ..query.safety import SERVICE_HINT_SERVED, check_read_only
from .formats import GRAPH_TYPES, RESULT_TYPES, NotAcceptable, negotiate
from .pages import FORMATS, Pages
from .workers import Job, QueryFailed, WorkerPool

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from .search import LabelIndex
    from .service import Service

__all__ = [
    "LANGUAGE_COOKIE",
    "Limits",
    "examples_of",
    "interface_language",
    "make_app",
    "reader_languages",
    "remembered",
]

_SUFFIXES = {suffix: media for _, media, suffix in FORMATS} | {".html": "text/html"}
_GRAPH_FORMS = ("ConstructQuery", "DescribeQuery")


@dataclass(frozen=True)
class Limits:
    """What one request may take: query time and rows, request body bytes, and the seconds
    its body may take to arrive."""

    timeout: float
    rows: int
    body: int
    body_seconds: float = 10.0


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


def _text(status: int, message: str, **headers: str) -> Response:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


async def _body(request: Request, limit: int, seconds: float) -> bytes:
    """The request body, refused (413) past ``limit`` bytes before it is all read, and
    (408) when it has not all come within ``seconds``."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _TooLarge
                chunks.append(chunk)
    except TimeoutError:
        raise _TooSlow from None
    return b"".join(chunks)


async def _protocol_params(request: Request, limits: Limits) -> dict[str, list[str]]:
    """The protocol's parameters from the URL and, for POST, the body."""
    from urllib.parse import parse_qs

    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = (await _body(request, limits.body, limits.body_seconds)).decode("utf-8", "replace")
        if kind == "application/sparql-query":
            params["query"] = [body]
        elif kind == "application/sparql-update":
            params["update"] = [body]
        else:
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
    return params


def _media(params: dict[str, list[str]], accept: str, offered: tuple[str, ...]) -> str:
    """A ``format`` parameter (a media type or a short name) that can be given, else the
    ``Accept`` header's choice; ``json`` for a graph means JSON-LD."""
    for given in params.get("format", []):
        name = given.strip().lower()
        wanted = "application/ld+json" if name == "json" and offered is GRAPH_TYPES else name
        try:
            return negotiate(wanted, offered)
        except NotAcceptable:
            continue
    return negotiate(accept, offered)


class _Endpoint:
    def __init__(self, pool: WorkerPool, limits: Limits) -> None:
        self.pool, self.limits = pool, limits

    async def handle(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response

        try:
            params = await _protocol_params(request, self.limits)
        except _TooLarge:
            return _text(413, f"the request is larger than {self.limits.body} bytes")
        except _TooSlow:
            return _text(408, f"the request's body took over {self.limits.body_seconds:g} s")
        if "update" in params:
            return _text(403, "updates are refused: this endpoint is read-only")
        texts = params.get("query", [])
        if len(texts) != 1:
            return _text(400, "give exactly one 'query' parameter (SPARQL 1.1 Protocol)")
        try:
            checked = check_read_only(texts[0], service_hint=SERVICE_HINT_SERVED)
        except QueryError as exc:
            return _text(400, str(exc))
        offered = GRAPH_TYPES if checked.form in _GRAPH_FORMS else RESULT_TYPES
        try:
            media = _media(params, request.headers.get("accept", ""), offered)
        except NotAcceptable as exc:
            return _text(406, str(exc))
        job = Job(
            checked,
            media,
            self.limits.rows,
            tuple(params.get("default-graph-uri", [])),
            tuple(params.get("named-graph-uri", [])),
        )
        try:
            answer = await run_in_threadpool(self.pool.run, job, wait=self.limits.timeout)
        except QueryFailed as exc:
            return _text(exc.status, str(exc))
        headers = {"X-Kcgraph-Rows": str(answer.rows)}
        headers["X-Kcgraph-Truncated"] = "true" if answer.truncated else "false"
        return Response(answer.body, media_type=answer.media, headers=headers)


def accepted_languages(header: str | None) -> list[str]:
    """The primary language subtags of an Accept-Language header, most wanted first (``*``
    and q=0 left out; a malformed part is ignored).

    >>> accepted_languages("nl-BE,nl;q=0.9,en;q=0.8,*;q=0.1")
    ['nl', 'en']
    """
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        base = tag.strip().split("-")[0].lower()
        if base.isalpha() and 2 <= len(base) <= 8 and q > 0:
            wanted.append((-q, position, base))
    return list(dict.fromkeys(base for _, _, base in sorted(wanted)))


#: The cookie that keeps the language the reader chose with the switch.
LANGUAGE_COOKIE = "kcgraph-lang"


def reader_languages(request: Request) -> list[str]:
    """The reader's languages: the switch's ``?lang=`` (or the cookie it left) first, then
    ``Accept-Language``."""
    chosen = [request.query_params.get("lang", ""), request.cookies.get(LANGUAGE_COOKIE, "")]
    found = accepted_languages(request.headers.get("accept-language"))
    return [*(c for c in chosen if c.isalpha() and len(c) <= 8), *found]


def remembered(request: Request, response: Response) -> Response:
    """The response, with the switch's choice kept for the reader's next pages."""
    from .messages import INTERFACE_LANGUAGES

    chosen = request.query_params.get("lang", "")
    if chosen in INTERFACE_LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 86400, samesite="lax")
    return response


def interface_language(request: Request) -> str:
    """The language of the page's own words: the reader's first one the interface speaks,
    English for a client that names none."""
    from .messages import INTERFACE_LANGUAGES

    return next((x for x in reader_languages(request) if x in INTERFACE_LANGUAGES), "en")


class _Resources:
    def __init__(self, service: Service, pages: Callable[[Request], Pages]) -> None:
        self.service, self.pages = service, pages

    async def handle(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import HTMLResponse, Response

        path = request.path_params["path"]
        media = None
        for suffix, kind in _SUFFIXES.items():
            if path.endswith(suffix):
                path, media = path[: -len(suffix)], kind
                break
        languages = reader_languages(request)
        iri = self.pages(request).iri(path)
        description = await run_in_threadpool(self.service.describe, iri, languages)
        if description is None:
            return _text(404, f"{iri}: no such resource in this graph")
        vary = {"Vary": "Accept, Accept-Language, Cookie"}
        if media is None:
            try:
                media = negotiate(request.headers.get("accept"), ("text/html", *GRAPH_TYPES))
            except NotAcceptable as exc:
                return _text(406, str(exc), **vary)
            suffix = next(s for s, kind in _SUFFIXES.items() if kind == media)
            vary["Content-Location"] = f"/id/{path}{suffix}"
        if media == "text/html":
            page = self.pages(request).resource(description)
            return remembered(request, HTMLResponse(page, headers=vary))
        body = await run_in_threadpool(self.service.document, description, media)
        return Response(body, media_type=media, headers=vary)


class _Site:
    """The pages of the server, each in the reader's interface language."""

    def __init__(self, service: Service, index: LabelIndex, limits: Limits, examples: Any) -> None:
        from .messages import INTERFACE_LANGUAGES

        self.service, self.index, self.limits, self.examples = service, index, limits, examples
        self.every = {x: Pages(service.base, static=False, lang=x) for x in INTERFACE_LANGUAGES}

    def pages(self, request: Request) -> Pages:
        return self.every[interface_language(request)]

    def _html(self, request: Request, page: str) -> Response:
        from starlette.responses import HTMLResponse

        response = HTMLResponse(page, headers={"Vary": "Accept-Language, Cookie"})
        return remembered(request, response)

    async def home(self, request: Request) -> Response:
        files = [(name, f"/downloads/{name}") for name in self.service.downloads()]
        pairs = self.service.pairs()
        return self._html(request, self.pages(request).index(self.service.profiles, files, pairs))

    async def query(self, request: Request) -> Response:
        limits = self.limits
        page = self.pages(request).query(self.examples, limit=limits.rows, timeout=limits.timeout)
        return self._html(request, page)

    async def ontology(self, request: Request) -> Response:
        return self._html(request, self.pages(request).ontology())

    async def search(self, request: Request) -> Response:
        return remembered(request, await _search(request, self.index, self.pages(request)))

    async def download(self, request: Request) -> Response:
        return await _download(self.service, request)


def make_app(
    service: Service,
    pool: WorkerPool,
    index: LabelIndex,
    limits: Limits,
    examples: list[dict[str, str]],
    interfaces: Sequence[Any] = (),
) -> Starlette:
    """The ASGI app over a build's service, a worker pool, a label index, and the routes of
    other ``interfaces`` (the Reconciliation API, Skosmos's REST API)."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    site = _Site(service, index, limits, examples)
    endpoint = _Endpoint(pool, limits)

    async def sparql(request: Request) -> Response:
        if request.method == "GET" and not request.query_params:
            return await site.query(request)
        return await endpoint.handle(request)

    routes = [
        Route("/", site.home),
        Route("/query", site.query),
        Route("/search", site.search),
        Route("/ontology", site.ontology),
        Route("/downloads/{name}", site.download),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/id/{path:path}", _Resources(service, site.pages).handle),
        *interfaces,
    ]
    return Starlette(routes=routes, exception_handlers=_said_errors(routes))


async def _download(service: Service, request: Request) -> Response:
    """One of the build's files (:meth:`Service.downloads`), else a 404 that says so."""
    from starlette.responses import FileResponse

    name = request.path_params["name"]
    if name not in service.downloads() or service.out_dir is None:
        return _text(404, f"{name}: not a file of this build (see the home page)")
    return FileResponse(service.out_dir / name, filename=name)


async def _search(request: Request, index: LabelIndex, pages: Pages) -> Response:
    """Labels found by words: a page, or JSON for a client that asks for it."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse, JSONResponse

    from .search import MAX_SEARCH_CHARS

    text = request.query_params.get("q", "")[:MAX_SEARCH_CHARS]
    hits, more = await run_in_threadpool(index.search, text)  # off the event loop
    try:
        media = negotiate(request.headers.get("accept"), ("text/html", "application/json"))
    except NotAcceptable:
        media = "text/html"
    if media == "application/json":
        rows = [{"iri": h.iri, "label": h.label, "language": h.language} for h in hits]
        return JSONResponse({"query": text, "hits": rows, "truncated": more})
    return HTMLResponse(pages.search(text, hits, truncated=more))


def _said_errors(routes: list[Any]) -> dict[Any, Any]:
    """A body that says what was wrong for the router's own 404 and 405 (Starlette's say
    only "Not Found" and "Method Not Allowed")."""
    from starlette.exceptions import HTTPException

    paths = ", ".join(re.sub(r"\{[^}]*\}", "…", r.path) for r in routes)

    async def said(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return _text(404, f"{request.url.path}: no such page; this server offers {paths}")
        if status == 405:
            allowed = getattr(exc, "headers", None) or {}
            return _text(
                405,
                f"{request.method} {request.url.path}: not allowed here "
                f"(allowed: {allowed.get('Allow', 'GET')})",
                **allowed,
            )
        return _text(status, str(getattr(exc, "detail", "")) or "the request failed")

    return {404: said, 405: said}


def examples_of(queries: Iterable[QueryDef]) -> list[dict[str, str]]:
    """The bundled queries as the query page offers them (name, title, text)."""
    return [{"name": q.name, "title": q.title, "text": q.text} for q in queries]
