"""``kcgraph site -o DIR``: the server's pages as a static site for any web server.

Put DIR's content at the base IRI (``https://w3id.org/kcgraph/id/`` by default, or a
standards body's own ``--base``): ``PATH.html``, ``PATH.ttl``, ``PATH.jsonld`` and
``PATH.nt`` answer ``BASE + PATH``; ``.htaccess`` (Apache) and ``nginx-http.conf`` with
``nginx-server.conf`` choose among them by ``Accept``. Links are relative, so the site also
works from disk; only the search needs JavaScript. The site is written to a temporary folder
and swapped in when complete.
"""

from __future__ import annotations

import json
import posixpath
import shutil
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ..files import replace_folder
from ..layout import SITE_MARKER
from ..progress import counter
from .pages import FORMATS, Pages
from .service import Service

__all__ = ["HTACCESS", "NGINX_HTTP", "NGINX_SERVER", "write_site"]

#: Apache (mod_rewrite, mod_headers): the format a request's ``Accept`` prefers.
HTACCESS = """\
# kcgraph static site: content negotiation for the IRIs under this folder.
Options -MultiViews
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType text/html .html
RewriteEngine On
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteCond %{REQUEST_FILENAME}.ttl -f
RewriteRule ^(.+)$ $1.ttl [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteCond %{REQUEST_FILENAME}.jsonld -f
RewriteRule ^(.+)$ $1.jsonld [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteCond %{REQUEST_FILENAME}.nt -f
RewriteRule ^(.+)$ $1.nt [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME}.html -f
RewriteRule ^(.+)$ $1.html [L]
<IfModule mod_headers.c>
Header append Vary Accept
</IfModule>
"""

#: nginx, in ``http {}``: the file suffix a request's ``Accept`` prefers.
NGINX_HTTP = """\
# kcgraph static site, part 1 of 2: include in http {}.
map $http_accept $kcgraph_suffix {
    default                     .html;
    ~text/turtle                .ttl;
    ~application/ld\\+json       .jsonld;
    ~application/n-triples      .nt;
}
"""

#: nginx, in ``server {}``: the base IRI's path answered from the site's files.
NGINX_SERVER = """\
# kcgraph static site, part 2 of 2: include in server {{}}. The site's files go in
# ROOT{path} (ROOT is the root below; set it to where you put them).
location {path} {{
    root /srv/www;
    types {{
        text/html html;
        text/turtle ttl;
        application/ld+json jsonld;
        application/n-triples nt;
        application/javascript js;
    }}
    charset utf-8;
    charset_types text/turtle application/n-triples application/ld+json;
    add_header Vary Accept;
    try_files $uri$kcgraph_suffix $uri $uri/index.html =404;
}}
"""


def _write(root: Path, path: str, data: str | bytes) -> None:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _search_index(service: Service, pages: Pages) -> str:
    from .search import labels

    entries = [
        [pages.href(label.iri, "search"), label.text]
        for label in labels(service.store, under=service.base)
    ]
    return "window.KCGRAPH_INDEX = " + json.dumps(entries, ensure_ascii=False) + ";\n"


def write_site(
    service: Service,
    out_dir: Path,
    target: Path,
    *,
    only: Sequence[str] | None = None,
    lang: str = "en",
) -> int:
    """Write the static site of ``service`` into ``target``; returns the resources written.
    ``only`` restricts the resource pages to those IRIs (the index, search and rules are
    always written); ``lang``: the language of the pages' own words (``nl`` or ``en``)."""
    linked = service.vocabulary_concepts()  # ESCO and ISCO-08 concepts the graph links to
    pages = Pages(service.base, static=True, lang=lang, vocab_pages=frozenset(linked))
    iris = [*service.resources(), *linked] if only is None else sorted(only)
    with replace_folder(target, SITE_MARKER) as root:
        downloads = []
        for name in Service(service.store, service.base, out_dir=out_dir).downloads():
            shutil.copyfile(out_dir / name, _mkdir(root / "downloads") / name)
            downloads.append((name, posixpath.join("downloads", name)))
        _write(root, "index.html", pages.index(service.profiles, downloads, service.pairs()))
        _write(root, "search.html", pages.search())
        _write(root, "ontology.html", pages.ontology())
        _write(root, "search-index.js", _search_index(service, pages))
        _write(root, ".htaccess", HTACCESS)
        _write(root, "nginx-http.conf", NGINX_HTTP)
        path = urlsplit(service.base).path or "/"
        _write(root, "nginx-server.conf", NGINX_SERVER.format(path=path))
        with counter("site pages", len(iris), "page") as done:
            for iri in iris:
                _write_resource(root, service, pages, iri)
                done(1)
    return len(iris)


def _write_resource(root: Path, service: Service, pages: Pages, iri: str) -> None:
    description = service.describe(iri)
    path = pages.path(iri)
    if description is None or path is None:
        return
    _write(root, f"{path}.html", pages.resource(description, path))
    for _, media, suffix in FORMATS:
        _write(root, f"{path}{suffix}", service.document(description, media))


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
