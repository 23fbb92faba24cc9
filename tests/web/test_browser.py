"""The served pages and the static site in Chromium (selenium): every control a user can
touch — the example and format choices, the query box and Run, result links, the header
search and its hits, the navigation, the static site's links and its search box."""

from __future__ import annotations

import pytest

from ..browsing import CHROMIUM, DRIVER, _wait

pytestmark = pytest.mark.skipif(
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


def test_the_header_search_and_navigation(browser, served):
    browser.get(f"{served.url}/")
    box = browser.find_element(_by("ID"), "q")
    box.send_keys("klant")
    browser.find_element(_by("CSS_SELECTOR"), "form.search button").click()
    _wait(lambda: browser.find_elements(_by("CSS_SELECTOR"), "#hits li a"), 30, "search hits")
    hit = browser.find_element(_by("CSS_SELECTOR"), "#hits li a")
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
