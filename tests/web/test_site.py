"""``kcgraph site``: a page and three RDF documents per resource, strict HTML5 with links
that resolve, the same bytes on every run, swapped in whole, and content negotiation by a
real nginx with the rules the site ships (skipped where nginx is missing), and the site's
links and search box in Chromium from disk."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef

from ..browsing import CHROMIUM, DRIVER, _wait
from ..conftest import RESOURCES, run_cli

SKOS = "http://www.w3.org/2004/02/skos/core#"
BASE = "https://w3id.org/kcgraph/id/"
NGINX = shutil.which("nginx") or (
    "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_every_profile_and_concept_has_its_page_and_documents(site, graph):
    schemes = set(graph.subjects(URIRef(f"{SKOS}hasTopConcept"), None))
    concepts = set(graph.subjects(URIRef(f"{SKOS}inScheme"), None))
    assert len(schemes) == 4 and len(concepts) > 400
    for iri in sorted(schemes | concepts):
        path = str(iri).removeprefix(BASE)
        for suffix in (".html", ".ttl", ".jsonld", ".nt"):
            assert (site / f"{path}{suffix}").is_file(), f"{path}{suffix}"
    sample = sorted(concepts)[:: max(1, len(concepts) // 25)]
    for iri in sample:
        path = site / str(iri).removeprefix(BASE)
        turtle = set(Graph().parse(path.with_name(path.name + ".ttl"), format="turtle"))
        jsonld = set(Graph().parse(path.with_name(path.name + ".jsonld"), format="json-ld"))
        assert turtle == jsonld and set(graph.triples((iri, None, None))) <= turtle
    for name in ("index.html", "search.html", "search-index.js", ".htaccess"):
        assert (site / name).is_file()
    assert "nl-BE" in (site / "kcm.jsonld").read_text(encoding="utf-8")


def test_pages_are_strict_html5_and_every_link_resolves(site):
    import html5lib

    pages = [site / "index.html", site / "search.html"]
    pages += sorted(site.glob("*.html")) + sorted(site.glob("*/*.html"))[::20]
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(text)
        parser = _Links()
        parser.feed(text)
        for link in parser.links:
            if re.match(r"https?://", link):
                assert not link.startswith(BASE), f"{page}: {link} should be a local link"
                continue
            if not (page.parent / link.split("?")[0]).is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert len(pages) > 30 and broken == []


#: Writes part of the site in a fresh process (its own hash seed and store), as the CLI does.
_PART = """
import sys
from pathlib import Path
from kcgraph.web.server import workspace_service
from kcgraph.web.site import write_site
from kcgraph.workspace import Workspace
service, _ = workspace_service(Workspace(), Path(sys.argv[1]))
write_site(service, Path(sys.argv[1]), Path(sys.argv[2]), only=sys.argv[3:])
"""


def test_the_site_is_the_same_bytes_every_time_and_replaced_whole(site, decided_out, tmp_path):
    mappings = str(RESOURCES / "mappings")
    pages = [p for p in site.rglob("*.ttl") if not p.relative_to(site).parts[0] == "esco"]
    sample = sorted(p for p in pages if p.name != "kcgraph.ttl")[::25]
    iris = [BASE + str(p.relative_to(site))[: -len(".ttl")] for p in sample]
    again = tmp_path / "again"
    env = {**os.environ, "KCGRAPH_MAPPINGS": mappings}
    command = [sys.executable, "-c", _PART, str(decided_out), str(again), *iris]
    subprocess.run(command, env=env, check=True, capture_output=True)
    written = sorted(str(p.relative_to(again)) for p in again.rglob("*") if p.is_file())
    assert len(written) == 4 * len(iris) + 13 and len(iris) > 40  # 13: index, ontology, rules…
    for name in written:
        assert (again / name).read_bytes() == (site / name).read_bytes(), name
    (again / "kept.txt").write_text("a file of the old site")
    failed = run_cli(
        "site", "-o", again, "--out-dir", tmp_path / "no-build", KCGRAPH_MAPPINGS=mappings
    )
    assert failed.returncode == 2 and len(failed.stderr.strip().splitlines()) == 1
    assert (again / "kept.txt").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again"]  # no half-written folder


def test_the_site_never_replaces_a_folder_it_did_not_write(decided_out, tmp_path):
    """A folder with the user's files and the folder one is in (or one above it) are refused
    with one line before anything is written; the user's files are all still there."""
    mappings = str(RESOURCES / "mappings")
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "thesis.tex").write_text("mine")
    (home / ".bashrc").write_text("alias ll='ls -l'")
    before = sorted(p.relative_to(home) for p in home.rglob("*"))
    (tmp_path / "a-file").write_text("mine too")
    for target, cwd, message in (
        (home, None, "holds files kcgraph did not write (.bashrc, Documents)"),
        (".", home, "is the folder you are in"),
        ("..", home / "Documents", "is the folder you are in"),
    ):
        result = run_cli(
            "site", "-o", target, "--out-dir", decided_out, cwd=cwd, KCGRAPH_MAPPINGS=mappings
        )
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.relative_to(home) for p in home.rglob("*")) == before
    assert (home / ".bashrc").read_text() == "alias ll='ls -l'"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "home"]  # nothing left


@pytest.mark.skipif(
    NGINX is None,
    reason="nginx missing: `make test` installs nginx-light with apt-get where it can",
)
def test_nginx_negotiates_with_the_rules_the_site_ships(site, tmp_path):
    root = tmp_path / "www"
    shutil.copytree(site, root / "kcgraph" / "id")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server_rules = (
        (site / "nginx-server.conf").read_text().replace("root /srv/www;", f"root {root};")
    )
    (tmp_path / "server.conf").write_text(server_rules)
    temp = tmp_path / "temp"
    temp.mkdir()
    paths = " ".join(
        f"{kind}_temp_path {temp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; master_process off; pid {tmp_path / 'nginx.pid'};\n"
        f"error_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log off; {paths}\n"
        f"include {site / 'nginx-http.conf'};\n"
        f"server {{ listen 127.0.0.1:{port}; include {tmp_path / 'server.conf'}; }} }}\n"
    )
    nginx = subprocess.Popen(
        [
            NGINX,
            "-c",
            str(tmp_path / "nginx.conf"),
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
        ],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/kcgraph/id/kcm"
        for accept, suffix, media in [
            ("text/html,*/*;q=0.8", ".html", "text/html"),
            ("text/turtle", ".ttl", "text/turtle"),
            ("application/ld+json", ".jsonld", "application/ld+json"),
            ("application/n-triples", ".nt", "application/n-triples"),
        ]:
            answer = requests.get(url, headers={"Accept": accept}, timeout=10)
            assert answer.status_code == 200, (accept, answer.status_code)
            assert answer.headers["content-type"].startswith(media)
            assert "Accept" in answer.headers["vary"]
            assert answer.content == (site / f"kcm{suffix}").read_bytes()
        assert requests.get(f"http://127.0.0.1:{port}/kcgraph/id/", timeout=10).ok
        assert requests.get(f"{url}/no-such-statement", timeout=10).status_code == 404
    finally:
        nginx.terminate()
        nginx.wait(10)


def _by(kind: str):
    from selenium.webdriver.common.by import By

    return getattr(By, kind)


@pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium/chromium-driver missing")
def test_the_static_site_links_and_search_work_from_disk(browser, site):
    browser.get((site / "index.html").as_uri())
    profile = browser.find_element(_by("CSS_SELECTOR"), "main table a")
    title = profile.text
    profile.click()
    _wait(lambda: browser.find_element(_by("TAG_NAME"), "h1").text == title, 30, "a profile")
    concept = browser.find_element(_by("CSS_SELECTOR"), "table td a")
    name = concept.text
    concept.click()
    _wait(lambda: browser.find_element(_by("TAG_NAME"), "h1").text == name, 30, "a concept")
    box = browser.find_element(_by("ID"), "q")
    box.send_keys("vraag klant")
    browser.find_element(_by("CSS_SELECTOR"), "form.search button").click()
    _wait(lambda: browser.find_elements(_by("CSS_SELECTOR"), "#hits li a"), 30, "site hits")
    assert "match" in browser.find_element(_by("ID"), "status").text
    hit = browser.find_element(_by("CSS_SELECTOR"), "#hits li a")
    label = hit.text
    hit.click()
    _wait(lambda: browser.find_element(_by("TAG_NAME"), "h1").text == label, 30, "a hit's page")


def test_only_http_iris_become_links():
    """A source's value such as a manifest licence ``javascript:…`` is shown as text, never
    as a link, on the served pages and in the static site alike; pages of the site and
    http(s) IRIs are links."""
    from kcgraph.web.describe import DCTERMS, Description, Value
    from kcgraph.web.pages import Pages

    hostile = ["javascript:alert(document.domain)", "data:text/html,<b>x</b>", "http://a b"]
    own = {
        f"{DCTERMS}license": [Value(v, iri=True) for v in hostile],
        f"{DCTERMS}source": [Value("https://example.org/bron", iri=True)],
    }
    for static in (False, True):
        html = Pages(BASE, static=static).resource(Description(f"{BASE}okla/x", [], own), "okla/x")
        assert "javascript:" in html  # shown, as text
        assert 'href="javascript' not in html and 'href="data:' not in html
        assert 'href="http://a b"' not in html
        assert '<a href="https://example.org/bron">' in html


def test_the_site_has_the_ontology_each_profile_as_its_hierarchy_and_esco_pages(site, graph):
    """The static site gets the server's new pages: the ontology, a profile's hierarchy,
    and a page of each ESCO / ISCO-08 concept the graph links to (linked from the graph's)."""
    ontology = (site / "ontology.html").read_text(encoding="utf-8")
    assert "kcg:WorkProcess" in ontology and "werkproces" in ontology
    assert "ConceptLabelShape" in ontology
    profile = (site / "ccm.html").read_text(encoding="utf-8")
    assert '<ul class="tree">' in profile and "hasTopConcept" not in profile
    esco = sorted((site / "esco").rglob("*.html"))
    assert esco
    linked = {str(o) for _, _, o in graph if str(o).startswith("http://data.europa.eu/esco/")}
    pages = {"http://data.europa.eu/esco/" + str(p.relative_to(site / "esco"))[:-5] for p in esco}
    assert pages and pages <= linked  # a page for a concept the graph links to, no other
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "ECABO" in index and 'role="img"' in index  # publishers, the crosswalk per pair


def test_the_site_speaks_dutch_when_asked(decided_out, tmp_path):
    from kcgraph.web.server import workspace_service
    from kcgraph.web.site import write_site

    from ..conftest import workspace

    service, _ = workspace_service(workspace(mappings_dir=RESOURCES / "mappings"), decided_out)
    write_site(service, decided_out, tmp_path / "nl", only=[BASE + "ccm"], lang="nl")
    index = (tmp_path / "nl" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in index and "Competentieprofielen" in index
    assert "Hiërarchie" in (tmp_path / "nl" / "ccm.html").read_text(encoding="utf-8")
