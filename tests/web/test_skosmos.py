"""Skosmos's REST API (a v1 subset) over HTTP, against a real ``kcgraph serve``: the answers
have the keys Skosmos's own have (recorded from its source in
``tests/resources/skosmos/rest-v1.json``), and a client written for Skosmos
(skosmos-client, NatLibFi's) reads them."""

from __future__ import annotations

import json

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ..conftest import RESOURCES

SHAPES = json.loads((RESOURCES / "skosmos" / "rest-v1.json").read_text(encoding="utf-8"))
BASE = "https://w3id.org/kcgraph/id/"


def _api(served) -> str:
    return f"{served.url}/rest/v1/"


def _get(served, path: str, **params) -> dict:
    answer = requests.get(_api(served) + path, params=params, timeout=120)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _shaped(body: dict, method: str) -> dict:
    """The answer has every key Skosmos's has, in its @context and in each item."""
    shape = SHAPES[method]
    assert set(shape["keys"]) <= set(body), method
    assert set(shape["context"]) <= set(body.get("@context", {})), method
    items = body[shape["items"]] if shape["items"] else []
    for item in items.values() if isinstance(items, dict) else items:
        assert set(shape["item"]) <= set(item), (method, item)
    return body


@pytest.fixture(scope="module")
def concept(served) -> tuple[str, str, str]:
    """A ccm work process: (its IRI, its parent core task's IRI, its first child's IRI)."""
    tops = _get(served, "ccm/topConcepts", lang="nl")["topconcepts"]
    parent = next(t["uri"] for t in tops if t["hasChildren"])
    child = _get(served, "ccm/children", uri=parent, lang="nl")["narrower"]
    middle = next(c["uri"] for c in child if c["hasChildren"])
    grandchild = _get(served, "ccm/children", uri=middle, lang="nl")["narrower"][0]["uri"]
    return middle, parent, grandchild


def test_every_method_has_skosmos_keys(served, concept):
    middle, parent, grandchild = concept
    vocabularies = _shaped(_get(served, "vocabularies", lang="nl"), "vocabularies")
    ids = {v["id"] for v in vocabularies["vocabularies"]}
    assert {"okla", "ccm", "kcm", "cci", "isco"} <= ids
    _shaped(_get(served, "search", query="klacht*", lang="nl"), "search")
    vocabulary = _shaped(_get(served, "ccm/"), "vocabulary")
    assert vocabulary["id"] == "ccm" and vocabulary["conceptschemes"][0]["uri"] == f"{BASE}ccm"
    tops = _shaped(_get(served, "ccm/topConcepts", lang="nl"), "topConcepts")
    assert parent in {t["uri"] for t in tops["topconcepts"]}
    children = _shaped(_get(served, "ccm/children", uri=parent, lang="nl"), "children")
    assert middle in {c["uri"] for c in children["narrower"]}
    broader = _shaped(_get(served, "ccm/broader", uri=middle, lang="nl"), "broader")
    assert [b["uri"] for b in broader["broader"]] == [parent]
    hierarchy = _shaped(_get(served, "ccm/hierarchy", uri=grandchild, lang="nl"), "hierarchy")
    chain = hierarchy["broaderTransitive"]
    assert chain[grandchild]["broader"] == [middle] and chain[middle]["broader"] == [parent]
    assert chain[parent]["top"] == f"{BASE}ccm"
    assert grandchild in {n["uri"] for n in chain[middle]["narrower"]}
    label = _shaped(_get(served, "ccm/label", uri=middle, lang="nl"), "label")
    assert label["prefLabel"]


def test_mappings_are_jskos_as_skosmos_gives_them(served, web_out):
    from kcgraph.mappings import read_mappings

    from ..conftest import workspace

    ws = workspace(mappings_dir=RESOURCES / "mappings")
    accepted = next(
        m for m in ws.store(check_ids=False).accepted() if m.subject.prefix != m.object.prefix
    )
    subject = ws.converter.expand(accepted.subject.curie)
    other = ws.converter.expand(accepted.object.curie)
    answer = _shaped(
        _get(served, f"{accepted.subject.prefix}/mappings", uri=subject, lang="nl"), "mappings"
    )
    row = next(m for m in answer["mappings"] if m["to"]["memberSet"][0]["uri"] == other)
    assert row["uri"] == subject and row["from"]["memberSet"][0]["uri"] == subject
    assert row["type"] and row["type"][0].startswith("skos:")
    assert answer["graph"]
    assert read_mappings  # the decisions are the mappings' source


def test_a_client_written_for_skosmos_reads_it(served, concept):
    from skosmos_client import SkosmosClient

    middle, parent, _ = concept
    client = SkosmosClient(api_base=_api(served))
    vocabularies = client.vocabularies("nl")
    assert "ccm" in {v["id"] for v in vocabularies}
    hits = client.search("klacht*", lang="nl", vocabs="ccm")
    assert hits and all(h["vocab"] == "ccm" for h in hits)
    assert client.get_vocabulary("ccm")["title"].startswith("Beroepscompetentieprofiel")
    assert parent in {t["uri"] for t in client.top_concepts("ccm", lang="nl")}
    found = client.lookup("ccm", hits[0]["prefLabel"], lang="nl")
    assert found[0]["uri"] == hits[0]["uri"]
    # client.data() asks for RDF/XML and parses it with rdflib's default format, which
    # rdflib 6 changed to Turtle: it fails on Skosmos itself too; the same request here
    xml = requests.get(
        _api(served) + "ccm/data",
        params={"uri": middle, "format": "application/rdf+xml"},
        timeout=60,
    )
    assert xml.headers["content-type"].startswith("application/rdf+xml")
    data = Graph().parse(data=xml.content, format="xml")
    assert (URIRef(middle), SKOS.broader, URIRef(parent)) in data
    concept_ = client.get_concept("ccm", middle)
    assert concept_.label("nl")
    assert [b["uri"] for b in concept_.broader("nl")] == [parent]
    assert middle in {n["uri"] for n in client.get_concept("ccm", parent).narrower("nl")}
    assert parent in concept_.broaderTransitive("nl")


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("vocabularies", {}, 400, "lang parameter missing"),
        ("search", {"lang": "nl"}, 400, "query parameter missing"),
        ("search", {"query": "x", "maxhits": "-1"}, 400, "maxhits parameter is invalid"),
        ("nope/", {}, 404, "Vocabulary id 'nope' not found"),
        ("ccm/broader", {}, 400, "uri parameter missing"),
        ("ccm/broader", {"uri": "https://example.org/x"}, 404, "Could not find concept"),
        ("ccm/lookup", {"label": "geen zulk label xyz"}, 404, "Could not find label"),
        ("ccm/data", {"uri": BASE + "ccm", "format": "text/plain"}, 406, "Supported MIME"),
        ("ccm/nothing", {"uri": BASE + "ccm"}, 404, "no such method"),
    ],
)
def test_a_bad_request_says_what_was_wrong(served, path, params, status, says):
    answer = requests.get(_api(served) + path, params=params, timeout=60)
    assert answer.status_code == status and says in answer.text
