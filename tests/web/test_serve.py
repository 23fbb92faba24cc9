"""``kcgraph serve`` with real clients: SPARQLWrapper and rdflib's SPARQLStore run every
bundled query with the same rows as ``kcgraph query``; every result and graph format, the
dataset clauses, content negotiation of the IRIs, search, safety and limits; and Chromium
(selenium) on every control of the pages: the example and format choices, the query box and
Run, result links, the header search and its hits, the navigation."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.parse

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.query import Result

from kcgraph.layout import graph_iri
from kcgraph.query import load_queries, load_store, run_local

from ..browsing import CHROMIUM, DRIVER, _wait
from ..conftest import RESOURCES, workspace
from ..listening import Listener, serving
from .conftest import LIMIT, TIMEOUT

QUERIES = sorted(load_queries().values(), key=lambda q: q.name)
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _strings(rows) -> list[tuple[str, ...]]:
    return sorted(tuple("" if v is None else str(v) for v in row) for row in rows)


@pytest.fixture(scope="module")
def local(web_out):
    return load_store(web_out)


@pytest.mark.parametrize("definition", QUERIES, ids=[q.name for q in QUERIES])
def test_every_bundled_query_gives_the_same_rows_to_real_clients(served, local, definition):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    expected = _strings(run_local(local, definition.text, timeout=60, limit=LIMIT).rows)
    client = SPARQLWrapper(f"{served.url}/sparql")
    client.setQuery(definition.text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    payload = client.queryAndConvert()
    variables = payload["head"]["vars"]
    wrapper = [
        [b[v]["value"] if v in b else None for v in variables]
        for b in payload["results"]["bindings"]
    ]
    store_rows = list(Graph(store=SPARQLStore(f"{served.url}/sparql")).query(definition.text))
    assert expected and _strings(wrapper) == expected
    assert _strings(store_rows) == expected


def _post(served, query: str, accept: str, **params: str) -> requests.Response:
    data = {"query": query, **params}
    return requests.post(f"{served.url}/sparql", data=data, headers={"Accept": accept}, timeout=60)


def test_select_and_ask_in_every_result_format(served):
    query = f"SELECT ?s ?label WHERE {{ ?s a <{SKOS}ConceptScheme> ; <{SKOS}prefLabel> ?label }}"
    tables = {}
    for media, fmt in [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ]:
        response = _post(served, query, media)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
        result = Result.parse(io.BytesIO(response.content), format=fmt)
        tables[fmt] = _strings([[str(v) for v in row] for row in result])
    assert len(tables["json"]) >= 4 and all(table == tables["json"] for table in tables.values())
    languages = {
        b["label"].get("xml:lang")
        for b in _post(served, query, "application/sparql-results+json").json()["results"][
            "bindings"
        ]
    }
    assert {"nl-BE", "nl-NL"} <= languages
    for media in ("application/sparql-results+json", "application/sparql-results+xml"):
        ask = _post(served, f"ASK {{ ?s a <{SKOS}ConceptScheme> }}", media)
        assert Result.parse(io.BytesIO(ask.content), format=media.split("+")[1]).askAnswer


def test_construct_in_every_graph_format(served):
    scheme = f"?s a <{SKOS}ConceptScheme> ; <{SKOS}prefLabel> ?l"
    query = f"CONSTRUCT {{ ?s <{SKOS}prefLabel> ?l }} WHERE {{ {scheme} }}"
    graphs = []
    for media, fmt in [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ]:
        response = _post(served, query, media)
        assert response.status_code == 200, response.text
        graphs.append(set(Graph().parse(data=response.content, format=fmt)))
    assert len(graphs[0]) >= 4 and graphs[0] == graphs[1] == graphs[2]
    turtle = _post(served, query, "text/turtle").text
    assert "@nl-BE" in turtle and "@nl-be" not in turtle  # as published, not as stored
    describe = _post(served, f"DESCRIBE <{graph_iri('x')}>", "text/turtle")
    assert describe.status_code == 200


def test_get_and_the_sparql_query_body_are_the_protocol_too(served):
    query = f"ASK {{ ?s a <{SKOS}ConceptScheme> }}"
    got = requests.get(f"{served.url}/sparql", params={"query": query}, timeout=30)
    body = requests.post(
        f"{served.url}/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert got.json()["boolean"] is True and body.json()["boolean"] is True
    refused = requests.get(
        f"{served.url}/sparql", params={"query": query}, headers={"Accept": "image/png"}, timeout=30
    )
    assert refused.status_code == 406


def test_the_dataset_is_the_one_the_query_or_the_request_names(served, web_out):
    isco = graph_iri("isco")
    triples = sum(1 for _ in ox.parse(path=str(web_out / "isco.ttl"), format=ox.RdfFormat.TURTLE))
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"

    def n(query: str, **params: str) -> int:
        response = _post(served, query, "application/sparql-results+json", **params)
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    assert n(count.format(f"FROM <{isco}>")) == triples
    assert n(count.format(""), **{"default-graph-uri": isco}) == triples
    assert n(count.format("")) > triples
    named = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{isco}> {{ ?s ?p ?o }} }}"
    assert n(named, **{"named-graph-uri": isco}) == triples
    assert n(named, **{"named-graph-uri": graph_iri("esco")}) == 0


def test_updates_service_and_parser_tricks_are_refused_and_reach_nothing(served):
    with serving(Listener()) as listener:
        attacks = [
            f"SELECT * WHERE {{ SERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p ?o # c\rSERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}",
            f'SELECT * WHERE {{ ?s ?p "\\u0022 #" . SERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}',
            # a pseudo-IRI, a long string and a bare CR (issue 34)
            f"SELECT * WHERE {{ FILTER(1<2)#>'''\r SERVICE <{listener.url}/x> {{ ?a ?b ?c }} "
            "#'''\n }",
        ]
        answers = [_post(served, text, "application/sparql-results+json") for text in attacks]
        update = requests.post(
            f"{served.url}/sparql", data={"update": f"LOAD <{listener.url}/x>"}, timeout=30
        )
        as_body = requests.post(
            f"{served.url}/sparql",
            data=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
            timeout=30,
        )
        in_query = _post(served, f"LOAD <{listener.url}/x>", "application/sparql-results+json")
    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    # the refusal names what this server allows, not an option it does not have
    assert "SERVICE" in answers[0].text and "never calls another service" in answers[0].text
    assert "--allow-service" not in answers[0].text
    assert update.status_code == 403 and as_body.status_code == 403
    assert in_query.status_code == 400 and "updates are refused" in in_query.text
    assert listener.seen == []


def test_a_runaway_query_is_stopped_and_the_server_keeps_answering(served):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # 3e10 rows, no memory
    start = time.monotonic()
    stopped = _post(served, runaway, "application/sparql-results+json")
    took = time.monotonic() - start
    assert stopped.status_code == 503 and "timed out" in stopped.text
    assert took < TIMEOUT + 10
    ask = _post(served, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert ask.status_code == 200 and ask.json()["boolean"] is True


def test_a_query_that_grows_without_bound_ends_its_worker_not_the_server(served):
    """Sorting a cross product holds its rows: it outgrows the worker's capped address
    space (1.5 GiB) in about a second, well before the query's time is up."""
    grows = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d ?c ?f"
    ended = _post(served, grows, "application/sparql-results+json")
    assert ended.status_code == 503 and "ended its worker" in ended.text
    ask = _post(served, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert ask.status_code == 200 and ask.json()["boolean"] is True
    assert served.process.poll() is None


def test_the_row_limit_holds_and_is_said(served):
    response = _post(served, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert response.headers["X-Kcgraph-Truncated"] == "true"
    assert len(response.text.strip().splitlines()) == LIMIT + 1  # the header row


def test_a_10_mb_request_is_refused_before_it_is_read(served):
    big = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (10 * 2**20)
    declared = requests.post(
        f"{served.url}/sparql",
        data=big,
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    chunked = requests.post(
        f"{served.url}/sparql",
        data=(big[i : i + 2**20] for i in range(0, len(big), 2**20)),
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert declared.status_code == 413 and chunked.status_code == 413
    assert requests.get(f"{served.url}/", timeout=30).status_code == 200


def test_200_connections_at_once_are_all_answered_within_bounds(served):
    host, port = urllib.parse.urlsplit(served.url).netloc.split(":")
    statuses: list[int] = []
    lock = threading.Lock()
    request = (
        "GET /sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D HTTP/1.1\r\n"
        f"Host: {host}\r\nAccept: application/sparql-results+json\r\nConnection: close\r\n\r\n"
    ).encode()

    def client() -> None:
        with socket.create_connection((host, int(port)), timeout=60) as sock:
            sock.sendall(request)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        with lock:
            statuses.append(int(answer.split(b" ", 2)[1]) if answer else 0)

    threads = [threading.Thread(target=client) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert len(statuses) == 200 and set(statuses) <= {200, 503}
    # one address holds at most 50 at once (serve_client_connections): served, the rest told
    # to retry; how many are served depends on how fast the first ones finish
    assert statuses.count(200) >= 10
    assert requests.get(f"{served.url}/sparql", params={"query": "ASK {}"}, timeout=30).ok


def _statement_with_links_and_proposals(graph: Graph, web_out) -> tuple[str, str, str]:
    """A statement with an accepted link to another statement and an undecided proposal:
    its IRI, the linked and the proposed statement's labels (read from the files)."""
    from kcgraph.mappings import read_mappings

    decided = workspace(mappings_dir=RESOURCES / "mappings").decided_pairs
    base = "https://w3id.org/kcgraph/id/"
    links = [
        (str(s), str(o))
        for s, p, o in graph
        if str(p).startswith(SKOS) and str(p).endswith("Match") and str(o).startswith(base)
    ]
    queue = read_mappings(web_out / "proposals.sssom.tsv")
    label = URIRef(f"{SKOS}prefLabel")
    for mapping in queue.mappings:
        if frozenset((mapping.subject.curie, mapping.object.curie)) in decided:
            continue
        subject = queue.converter.expand(mapping.subject.curie)
        others = [o for s, o in links if s == subject] + [s for s, o in links if o == subject]
        if others:
            obj = queue.converter.expand(mapping.object.curie)
            linked, proposed = (
                graph.value(URIRef(others[0]), label),
                graph.value(URIRef(obj), label),
            )
            return subject, str(linked), str(proposed)
    raise AssertionError("no statement with both an accepted link and an open proposal")


def test_a_concept_iri_answers_each_format_by_content_negotiation(served, graph, web_out):
    import html5lib

    iri, linked_label, proposed_label = _statement_with_links_and_proposals(graph, web_out)
    url = served.url + "/id/" + iri.removeprefix("https://w3id.org/kcgraph/id/")
    page = requests.get(
        url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, timeout=30
    )
    assert page.status_code == 200 and page.headers["vary"] == "Accept, Accept-Language, Cookie"
    html5lib.HTMLParser(strict=True).parse(page.text)
    label = str(graph.value(URIRef(iri), URIRef(f"{SKOS}prefLabel")))
    for text in (label, linked_label, proposed_label, "Places in the source", "reviewer_id"):
        assert text in page.text
    documents = {}
    for media, fmt, suffix in [
        ("text/turtle", "turtle", ".ttl"),
        ("application/ld+json", "json-ld", ".jsonld"),
        ("application/n-triples", "nt", ".nt"),
    ]:
        answer = requests.get(url, headers={"Accept": media}, timeout=30)
        assert answer.headers["content-type"].startswith(media)
        assert answer.headers["content-location"].endswith(suffix)
        assert requests.get(url + suffix, timeout=30).content == answer.content
        documents[fmt] = set(Graph().parse(data=answer.content, format=fmt))
    assert documents["turtle"] == documents["json-ld"] == documents["nt"]
    own = {t for t in graph.triples((URIRef(iri), None, None))}
    assert own <= documents["turtle"]


def test_pages_name_esco_in_the_readers_language_else_english(served, graph):
    """The ISCO-08 group a statement is linked to is named in Dutch to a reader who asks for
    Dutch (ESCO's own label), in English to one who asks for English; by default in the
    profiles' language."""
    from kcgraph.workspace import Workspace

    group = "http://data.europa.eu/esco/isco/C4222"
    subject = next(s for s, _, o in graph if str(o) == group and "/id/" in str(s))
    url = served.url + "/id/" + str(subject).removeprefix("https://w3id.org/kcgraph/id/")
    data = Workspace().esco
    english = next(g.pref_label for g in data.isco if g.uri == group)
    dutch = data.translations["nl"][group][0]
    pages = {
        lang: requests.get(url, headers={"Accept-Language": lang}, timeout=30).text
        for lang in ("nl-BE,nl;q=0.9,en;q=0.5", "en-GB,en;q=0.9", "")
    }
    nl, en, default = pages.values()
    assert dutch in nl and english not in nl
    assert english in en and dutch not in en
    assert dutch in default


def test_every_kind_of_iri_dereferences_and_unknown_ones_are_404(served, graph):
    base = "https://w3id.org/kcgraph/id/"
    kinds = {
        "profile": next(str(s) for s in graph.subjects(URIRef(f"{SKOS}hasTopConcept"), None)),
        "occupation": f"{base}cci/occupation",
        "axiom": next(
            str(s)
            for s in graph.subjects(URIRef("http://www.w3.org/2002/07/owl#annotatedSource"), None)
        ),
    }
    for kind, iri in kinds.items():
        answer = requests.get(
            served.url + "/id/" + iri.removeprefix(base),
            headers={"Accept": "text/turtle"},
            timeout=30,
        )
        assert answer.status_code == 200, kind
        assert URIRef(iri) in set(Graph().parse(data=answer.content, format="turtle").subjects())
    missing = requests.get(f"{served.url}/id/kcm/no-such-statement", timeout=30)
    assert missing.status_code == 404 and "no such resource" in missing.text


def test_search_finds_labels_as_html_and_json(served, graph):
    iri = next(s for s in graph.subjects(URIRef(f"{SKOS}inScheme"), None))
    label = str(graph.value(iri, URIRef(f"{SKOS}prefLabel")))
    words = " ".join(label.split()[:3])
    found = requests.get(
        f"{served.url}/search",
        params={"q": words},
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    assert str(iri) in [hit["iri"] for hit in found["hits"]]
    page = requests.get(f"{served.url}/search", params={"q": words}, timeout=30).text
    assert label.replace("'", "&#39;").replace('"', "&#34;") in page or label in page


def test_pages_are_strict_html5_and_need_no_other_origin(served):
    import html5lib

    for path in ("/", "/query", "/search?q=klant", "/sparql"):
        page = requests.get(served.url + path, timeout=30)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html5lib.HTMLParser(strict=True).parse(page.text)
        assert "http://" not in page.text.replace(served.url, "").split("<main>")[0]
        assert 'src="http' not in page.text and 'href="http' not in page.text.split("<main>")[0]
    query_page = requests.get(served.url + "/query", timeout=30).text
    examples = json.loads(query_page.split('type="application/json">')[1].split("</script>")[0])
    assert sorted(e["name"] for e in examples) == [q.name for q in QUERIES]


# --- in Chromium: every control a user can touch -------------------------------------

#: The browser tests run where Debian's chromium and chromium-driver are installed.
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="chromium/chromium-driver missing: `make test` installs them with apt-get where it can",
)
PROFILE = "https://w3id.org/kcgraph/ontology#CompetencyProfile"


def _by(kind: str):
    from selenium.webdriver.common.by import By

    return getattr(By, kind)


def _run_query(browser, text: str | None, media: str, example: str | None = None) -> None:
    from selenium.webdriver.support.ui import Select

    if example:
        Select(browser.find_element(_by("ID"), "example")).select_by_value(example)
    if text is not None:
        box = browser.find_element(_by("ID"), "query")
        box.clear()
        box.send_keys(text)
    Select(browser.find_element(_by("ID"), "format")).select_by_value(media)
    browser.find_element(_by("ID"), "run").click()
    _wait(lambda: "result(s)" in browser.find_element(_by("ID"), "status").text, 60, "the answer")


@needs_browser
def test_the_query_page_runs_examples_and_queries_and_follows_links(browser, served):
    browser.get(f"{served.url}/query")
    _run_query(browser, None, "application/sparql-results+json", example="coverage")
    assert "COUNT" in browser.find_element(_by("ID"), "query").get_attribute("value")
    rows = browser.find_elements(_by("CSS_SELECTOR"), "#results table tr")
    assert len(rows) > 1
    _run_query(browser, None, "text/csv")
    assert browser.find_element(_by("CSS_SELECTOR"), "#results pre").text.startswith("a,b,")
    _run_query(
        browser, f"SELECT ?p WHERE {{ ?p a <{PROFILE}> }}", "application/sparql-results+json"
    )
    link = browser.find_element(_by("CSS_SELECTOR"), "#results table a")
    iri = link.text
    link.click()
    _wait(lambda: browser.find_element(_by("TAG_NAME"), "h1").text, 30, "the profile page")
    assert browser.find_element(_by("CLASS_NAME"), "iri").text == iri
    concept = browser.find_element(_by("CSS_SELECTOR"), "table td a")
    name = concept.text
    concept.click()
    _wait(lambda: browser.find_element(_by("TAG_NAME"), "h1").text == name, 30, "a concept page")


@needs_browser
def test_the_header_search_and_navigation(browser, served):
    browser.get(f"{served.url}/")
    box = browser.find_element(_by("ID"), "q")
    box.send_keys("klant")
    browser.find_element(_by("CSS_SELECTOR"), "form.search button").click()
    _wait(lambda: browser.find_elements(_by("CSS_SELECTOR"), "#hits li a"), 30, "search hits")
    hits = browser.find_elements(_by("CSS_SELECTOR"), "#hits li a")
    # a profile's statement (ESCO's concepts have pages here too, named in the reader's
    # language, which need not be the label that matched)
    hit = next(
        h
        for h in hits
        if h.get_attribute("href").startswith(served.url)
        and "/id/esco/" not in h.get_attribute("href")
    )
    label = hit.text
    hit.click()
    _wait(lambda: browser.find_element(_by("TAG_NAME"), "h1").text == label, 30, "the hit's page")
    browser.find_element(_by("LINK_TEXT"), "SPARQL").click()
    _wait(lambda: browser.find_elements(_by("ID"), "query"), 30, "the query page")
    browser.find_element(_by("LINK_TEXT"), "Profiles").click()
    _wait(
        lambda: browser.find_element(_by("TAG_NAME"), "h1").text == "Competency profiles",
        30,
        "the profiles",
    )
    _pages_a_standards_body_reads(browser, served)


def _pages_a_standards_body_reads(browser, served) -> None:
    """The crosswalk on the home page, the switch to Dutch and back, the ontology page, a
    profile as its hierarchy, and a local page of an ESCO concept the graph links to."""
    h1 = lambda: browser.find_element(_by("TAG_NAME"), "h1").text  # noqa: E731
    assert browser.find_elements(_by("CSS_SELECTOR"), "main svg[role=img]")  # per pair
    browser.find_element(_by("LINK_TEXT"), "NL").click()
    _wait(lambda: h1() == "Competentieprofielen", 30, "the Dutch interface")
    browser.find_element(_by("LINK_TEXT"), "Ontologie").click()
    _wait(lambda: h1() == "De ontologie van kcgraph", 30, "the ontology in Dutch")
    assert "kcg:WorkProcess" in browser.page_source and "werkproces" in browser.page_source
    browser.find_element(_by("LINK_TEXT"), "EN").click()
    _wait(lambda: h1() == "The kcgraph ontology", 30, "the ontology in English")
    assert "ConceptLabelShape" in browser.page_source
    browser.get(f"{served.url}/id/ccm")
    tree = _wait(
        lambda: browser.find_elements(_by("CSS_SELECTOR"), "ul.tree li ul li a"), 30, "tree"
    )
    name = tree[0].text
    tree[0].click()
    _wait(lambda: h1() == name, 30, "a work process from the hierarchy")
    browser.get(f"{served.url}/id/esco/isco/C4222")
    _wait(lambda: "4222" in browser.page_source and h1(), 30, "ISCO 4222's own page")


def test_serve_errors_are_one_line(web_out, tmp_path):
    from ..conftest import run_cli

    missing = run_cli("serve", "--port", "0", "--out-dir", tmp_path / "no-build")
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    assert "no-build" in missing.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = run_cli("serve", "--port", port, "--out-dir", web_out)
    assert busy.returncode == 2 and f"127.0.0.1:{port}: cannot listen there" in busy.stderr
    assert len(busy.stderr.strip().splitlines()) == 1


def test_idle_and_slow_clients_lock_nobody_out(served):
    """Connections that send nothing or half a request are closed at the request deadline;
    one address holds at most 50 (one more is told 503 at once); an ordinary client from
    another address is answered all the while, and so is a search of 250 words (cut to its
    first words; SQLite runs off the event loop)."""
    from .conftest import REQUEST_SECONDS

    host, port = served.url.removeprefix("http://").split(":")

    def connect() -> socket.socket:
        sock = socket.socket()
        sock.bind(("127.0.0.2", 0))
        sock.settimeout(REQUEST_SECONDS + 5)
        sock.connect((host, int(port)))
        return sock

    held = [connect() for _ in range(50)]
    try:
        for sock in held[1::2]:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        one_more = connect()
        one_more.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        told = one_more.recv(1024)
        one_more.close()
        assert told.startswith(b"HTTP/1.1 503") and b"too many connections" in told
        assert requests.get(f"{served.url}/", timeout=10).status_code == 200
        words = " ".join(f"woord{i}" for i in range(250))
        search = requests.get(f"{served.url}/search", params={"q": words}, timeout=10)
        assert search.status_code == 200
        started = time.monotonic()
        answers = [sock.recv(1024) for sock in held]  # b"": closed by the server
    finally:
        for sock in held:
            sock.close()
    assert answers == [b""] * 50
    assert time.monotonic() - started < REQUEST_SECONDS + 5
    assert requests.get(f"{served.url}/", timeout=10).status_code == 200


def test_an_engine_error_is_a_4xx_with_its_message(served):
    """A query the check accepts and oxigraph refuses: 400 with oxigraph's reason."""
    answer = _post(served, "SELECT (1 AS ?x) (2 AS ?x) {}", "application/sparql-results+json")
    assert answer.status_code == 400 and "Duplicated variable" in answer.text


@pytest.mark.parametrize("path", ["a%3Eb", "a%20b", "a%22b", "%7B%7D", "a%00b"])
def test_iris_that_are_no_iris_are_404(served, path):
    answer = requests.get(f"{served.url}/id/{path}", timeout=10)
    assert answer.status_code == 404 and "Traceback" not in answer.text


def test_the_server_log_holds_no_traceback(served):
    """Requests of every bad kind, then the server's log: no traceback (the fixture checks
    once more when the server stops)."""
    bad = [
        ("GET", "/id/a%3Eb", {}),
        ("GET", "/id/%ZZ", {}),
        ("GET", "/id/okla", {"headers": {"Accept": "\x00/*"}}),
        ("GET", "/sparql", {"params": {"query": "SELECT (1 AS ?x) (2 AS ?x) {}"}}),
        ("GET", "/sparql", {"params": {"query": "ASK {", "format": "x" * 5000}}),
        (
            "POST",
            "/sparql",
            {"data": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}},
        ),
        (
            "POST",
            "/sparql",
            {
                "data": "query=%ZZ%",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
        ),
        ("GET", "/search", {"params": {"q": "\x00" * 300}}),
        ("DELETE", "/sparql", {}),
        ("GET", "/" + "a" * 8000, {}),
    ]
    for method, path, kwargs in bad:
        answer = requests.request(method, served.url + path, timeout=30, **kwargs)
        assert answer.status_code < 500 or answer.status_code == 503, (path, answer.text)
    log = served.log.read_text(encoding="utf-8")
    assert "Traceback" not in log, log


def test_every_refusal_says_what_was_wrong(served):
    """The router's own 404 and 405 say what the server offers and allows (issue 37)."""
    missing = requests.get(f"{served.url}/nothing/here", timeout=30)
    assert missing.status_code == 404
    assert "/nothing/here: no such page" in missing.text and "/sparql" in missing.text
    wrong = requests.put(f"{served.url}/sparql", data=b"x", timeout=30)
    assert wrong.status_code == 405 and "PUT /sparql: not allowed" in wrong.text
    assert "POST" in wrong.headers["Allow"] and "POST" in wrong.text


def test_open_proposals_come_most_confident_first_with_the_other_profile_named(
    web_out, served, tmp_path
):
    from sssom_pydantic.api import MappingSetRecord

    from kcgraph.mappings import read_mappings, write_mappings
    from kcgraph.web.service import open_proposals

    ws = workspace(mappings_dir=RESOURCES / "mappings")
    queue = read_mappings(web_out / "proposals.sssom.tsv")
    scored = [  # confidences in no order, as a learnt ranker gives them
        m.model_copy(update={"confidence": round((n * 0.377) % 1, 3), "extensions": None})
        for n, m in enumerate(queue.mappings)
    ]
    write_mappings(
        tmp_path / "proposals.sssom.tsv",
        scored,
        converter=queue.converter,
        metadata=MappingSetRecord(mapping_set_id="https://example.org/scored"),
    )
    found = open_proposals(tmp_path, ws.decided_pairs, ws.converter)
    assert max(len(rows) for rows in found.values()) >= 2
    for rows in found.values():
        confidences = [p.confidence for p in rows]
        assert confidences == sorted(confidences, reverse=True)
        assert all(ws.converter.compress(p.other).split(":")[0] == p.scheme for p in rows)
    iri, rows = next(iter(open_proposals(web_out, ws.decided_pairs, ws.converter).items()))
    page = requests.get(
        served.url + "/id/" + iri.removeprefix("https://w3id.org/kcgraph/id/"),
        headers={"Accept": "text/html"},
        timeout=30,
    ).text
    table = page[page.index("<h2>Open proposals</h2>") :]
    assert '<th scope="col">In</th>' in table and f"<td>{rows[0].scheme}</td>" in table


def test_the_home_page_offers_the_builds_files(served):
    """Downloads: the profiles in three formats, the mappings, the dataset description and
    the open proposals as SSSOM, each the build's own bytes; nothing else is served."""
    home = requests.get(f"{served.url}/", timeout=30).text
    for name in ("kcgraph.ttl", "kcgraph.jsonld", "mappings.ttl", "proposals.sssom.tsv"):
        assert f'href="/downloads/{name}"' in home
        answer = requests.get(f"{served.url}/downloads/{name}", timeout=30)
        assert answer.status_code == 200 and answer.content == (served.out / name).read_bytes()
    refused = requests.get(f"{served.url}/downloads/cache.sqlite", timeout=30)
    assert refused.status_code == 404 and "not a file of this build" in refused.text
    outside = requests.get(f"{served.url}/downloads/..%2Fkcgraph.ttl", timeout=30)
    assert outside.status_code == 404 and "no such page" in outside.text


def test_the_home_page_counts_each_pairs_links_open_proposals_and_rejections(web_out, served):
    from kcgraph.web.server import workspace_service

    ws = workspace(mappings_dir=RESOURCES / "mappings")
    rejected = ws.store(check_ids=False).decided_pairs("reject")
    service, _ = workspace_service(ws, web_out)
    pairs = service.pairs()
    profiles = {p.iri for p in service.profiles}
    between = [p for p in rejected if len({i.rsplit("/", 1)[0] for i in p} & profiles) == 2]
    assert len(pairs) == 6 and sum(p.rejected for p in pairs) == len(between) > 0
    assert sum(p.linked for p in pairs) > 0 and sum(p.open for p in pairs) > 0
    assert all(sum(p.widths) in (0, 200) for p in pairs)
    home = requests.get(f"{served.url}/", headers={"Accept-Language": "nl"}, timeout=30).text
    assert "Afgewezen" in home and "Gekoppeld" in home
