"""The W3C Reconciliation Service API over HTTP, against a real ``kcgraph serve``: every
answer validates against the specification's JSON schemas (vendored with their source in
``tests/resources/reconciliation-api/``), and OpenRefine's batch flow works end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from kcgraph.match import matchable_items

from ..conftest import RESOURCES, workspace

SCHEMAS = RESOURCES / "reconciliation-api"
#: Seconds a request may wait: the first batch waits while the server makes ESCO ready.
WAIT = 180


def _validator(version: str, name: str):
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    resources = []
    for path in sorted((SCHEMAS / version).glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(schema, default_specification=_DRAFT7)
        resources.append((schema["$id"], resource))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / version / name).read_text(encoding="utf-8"))
    return Draft7Validator(schema, registry=registry)


def _valid(body: dict, version: str, name: str) -> dict:
    errors = sorted(_validator(version, name).iter_errors(body), key=str)
    assert errors == [], [e.message for e in errors[:5]]
    return body


def _draft7():
    from referencing.jsonschema import DRAFT7

    return DRAFT7


_DRAFT7 = _draft7()


def _get(served, path: str, **params) -> requests.Response:
    return requests.get(f"{served.url}{path}", params=params, timeout=WAIT)


def _batch(served, queries: dict) -> dict:
    """A batch as OpenRefine sends it: POSTed as the form field ``queries``."""
    answer = requests.post(
        f"{served.url}/reconcile", data={"queries": json.dumps(queries)}, timeout=WAIT
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_manifest_speaks_0_1_and_0_2(served):
    manifest = _get(served, "/reconcile").json()
    _valid(manifest, "0.2", "manifest.json")
    _valid(manifest, "0.1", "manifest.json")
    assert {"0.1", "0.2"} <= set(manifest["versions"])
    assert manifest["defaultTypes"] == [{"id": "esco-skill", "name": "ESCO skill"}]
    jsonp = _get(served, "/reconcile", callback="cb_1")  # an 0.1 client's JSONP
    assert jsonp.headers["content-type"].startswith("application/javascript")
    assert jsonp.text.startswith("cb_1(") and json.loads(jsonp.text[5:-2]) == manifest


def _competences(n: int) -> list[str]:
    """``n`` Dutch competences, as a spreadsheet column would hold them: the Flemish
    qualification's and the Dutch profile's statements (distinct texts)."""
    ws = workspace()
    texts = [
        i.label for i in matchable_items(ws.profiles, ws.minter) if i.profile in {"kcm", "ccm"}
    ]
    return list(dict.fromkeys(texts))[:n]


def test_openrefine_batch_flow_then_data_extension(served):
    """50 competences against ESCO skills in batches of 10, as OpenRefine reconciles a
    column; then two properties of the chosen candidates, as it extends one."""
    texts = _competences(50)
    chosen: list[str] = []
    for start in range(0, 50, 10):
        queries = {
            f"q{n}": {"query": text, "type": "esco-skill", "limit": 3, "type_strict": "should"}
            for n, text in enumerate(texts[start : start + 10], start=start)
        }
        _valid(queries, "0.2", "reconciliation-query-batch.json")
        answer = _valid(_batch(served, queries), "0.2", "reconciliation-result-batch.json")
        _valid(answer, "0.1", "reconciliation-result-batch.json")
        assert set(answer) == set(queries)
        for key in queries:
            result = answer[key]["result"]
            assert 1 <= len(result) <= 3
            assert [r["score"] for r in result] == sorted(
                (r["score"] for r in result), reverse=True
            )
            assert all(r["id"].startswith("escoskill:") for r in result)
            assert all(r["type"] == [{"id": "esco-skill", "name": "ESCO skill"}] for r in result)
            assert not any(r["match"] for r in result[1:])  # only a first candidate is sure
            chosen.append(result[0]["id"])
    proposal = _get(served, "/reconcile/properties", type="esco-skill").json()
    _valid(proposal, "0.2", "data-extension-property-proposal.json")
    assert {"prefLabel", "broader"} <= {p["id"] for p in proposal["properties"]}
    query = {"ids": chosen[:20], "properties": [{"id": "prefLabel"}, {"id": "broader"}]}
    _valid(query, "0.2", "data-extension-query.json")
    extended = requests.post(
        f"{served.url}/reconcile", data={"extend": json.dumps(query)}, timeout=WAIT
    ).json()
    _valid(extended, "0.2", "data-extension-response.json")
    assert [m["id"] for m in extended["meta"]] == ["prefLabel", "broader"]
    for curie in chosen[:20]:
        row = extended["rows"][curie]
        assert row["prefLabel"] and all("str" in v for v in row["prefLabel"])
        assert all(v["id"] and v["name"] for v in row["broader"])  # skills or skill groups


def test_a_statement_is_a_certain_match_of_itself_in_its_profile(served):
    """The match rule: identical text is certain; with a property constraint the candidates
    that hold it come first, and the constraint is a feature."""
    text = _competences(1)[0]
    ws = workspace()
    own = next(i for i in matchable_items(ws.profiles, ws.minter) if i.label == text)
    parent = own.parents[0] if own.parents else None
    query = {"query": text, "type": own.profile, "limit": 3}
    if parent:
        query["properties"] = [{"pid": "broader", "v": {"id": ws.converter.compress(parent)}}]
    answer = _valid(_batch(served, {"q": query}), "0.2", "reconciliation-result-batch.json")
    first = answer["q"]["result"][0]
    assert first["id"] == ws.converter.compress(own.iri) and first["match"] is True
    assert first["name"] == text and first["score"] > 0
    if parent:
        assert {"id": "property:broader", "value": True} in first["features"]


def test_suggest_preview_and_view(served):
    entities = _valid(
        _get(served, "/reconcile/suggest/entity", prefix="klacht").json(),
        "0.2",
        "suggest-entities-response.json",
    )
    assert entities["result"] and all(":" in r["id"] for r in entities["result"])
    skills = _get(served, "/reconcile/suggest/entity", prefix="klacht", type="esco-skill").json()
    assert skills["result"] and all(r["id"].startswith("escoskill:") for r in skills["result"])
    types = _valid(
        _get(served, "/reconcile/suggest/type", prefix="esco").json(),
        "0.2",
        "suggest-types-response.json",
    )
    assert {t["id"] for t in types["result"]} == {"esco-skill", "esco-occupation"}
    properties = _valid(
        _get(served, "/reconcile/suggest/property", prefix="label").json(),
        "0.2",
        "suggest-properties-response.json",
    )
    assert {p["id"] for p in properties["result"]} == {"prefLabel", "altLabel"}
    card = _get(served, "/reconcile/preview", id="isco:C4222")
    assert card.status_code == 200 and "4222" in card.text and "<html" in card.text
    assert _get(served, "/reconcile/preview", id="isco:C0000").status_code == 404
    local = requests.get(
        f"{served.url}/reconcile/view",
        params={"id": entities["result"][0]["id"]},
        allow_redirects=False,
        timeout=WAIT,
    )
    assert local.status_code == 303


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"queries": "{not json"}, "queries: not JSON"),
        ({"queries": json.dumps({"q": {"query": "x", "type": "nope"}})}, "unknown type 'nope'"),
        ({"queries": json.dumps({"q": {"query": "x", "limit": 0}})}, "limit must be"),
        ({"queries": json.dumps({"q": {"query": "x", "properties": [{"pid": "p"}]}})}, "'pid'"),
        ({"extend": json.dumps({"ids": "x", "properties": []})}, "'ids' must be a list"),
        ({"extend": json.dumps({"ids": [], "properties": [{"id": "p"}]})}, "unknown properties"),
    ],
)
def test_a_bad_request_says_what_was_wrong(served, data, says):
    answer = requests.post(f"{served.url}/reconcile", data=data, timeout=WAIT)
    assert answer.status_code == 400 and says in answer.text


def test_the_schemas_are_the_specifications(tmp_path: Path):
    """The vendored schemas reject the specification's own invalid examples (so a
    validation that passes means something)."""
    bad = {"q0": {"result": [{"id": "x", "name": "y"}]}}  # no score
    assert list(_validator("0.2", "reconciliation-result-batch.json").iter_errors(bad))
