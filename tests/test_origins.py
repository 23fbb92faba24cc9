"""Uploads and remote queries go where they were sent: local servers that redirect, one of
them to another origin (another port), which must see no request at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import run_cli
from .listening import Listener, serving


@pytest.fixture()
def elsewhere() -> Iterator[Listener]:
    with serving(Listener()) as other:
        yield other


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_publish_refuses_a_redirect_to_another_origin(built, elsewhere, status):
    out = built.files[0].parent
    with serving(Listener()) as endpoint:
        endpoint.redirect["/gsp"] = (f"{elsewhere.url}/gsp", status)
        args = ("publish", "--endpoint", f"{endpoint.url}/gsp", "--out-dir", out)
        result = run_cli(*args, "--user", "dba", "--password", "secret", "--timeout", "5")
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert f"{endpoint.url}/gsp" in message and f"{elsewhere.url}/gsp" in message
    assert elsewhere.seen == []  # no request, no credentials, no data
    assert [s[0] for s in endpoint.seen] == ["GET"]  # the probe only: nothing uploaded


def test_publish_follows_a_redirect_within_its_origin(built):
    out = built.files[0].parent
    with serving(Listener()) as endpoint:
        endpoint.redirect["/gsp"] = (f"{endpoint.url}/store", 307)
        result = run_cli("publish", "--endpoint", f"{endpoint.url}/gsp", "--out-dir", out)
    assert result.returncode == 0, result.stderr
    puts = [seen for seen in endpoint.seen if seen[0] == "PUT"]
    assert {p[1].split("?")[0] for p in puts} == {"/gsp", "/store"}
    sent = [size for _, path, _, size in puts if path.startswith("/gsp")]
    assert [size for _, path, _, size in puts if path == "/store"] == sent and sum(sent) > 0


@pytest.mark.parametrize("status", [302, 307])
def test_query_endpoint_refuses_a_redirect_to_another_origin(elsewhere, status, tmp_path):
    ask = tmp_path / "a.rq"
    ask.write_text("ASK { ?s ?p ?o }")
    with serving(Listener()) as endpoint:
        endpoint.redirect["/sparql"] = (f"{elsewhere.url}/sparql", status)
        result = run_cli("query", ask, "--endpoint", f"{endpoint.url}/sparql")
    assert result.returncode == 2 and elsewhere.seen == []
    assert f"{elsewhere.url}/sparql" in result.stderr and len(result.stderr.splitlines()) == 1


def test_query_endpoint_follows_a_307_within_its_origin(tmp_path):
    ask = tmp_path / "a.rq"
    ask.write_text("ASK { ?s ?p ?o }")
    with serving(Listener()) as same:
        same.redirect["/sparql"] = (f"{same.url}/real", 307)
        followed = run_cli("query", ask, "--endpoint", f"{same.url}/sparql")
    assert followed.returncode == 0 and followed.stdout == "true\n"
    assert [(method, path) for method, path, *_ in same.seen] == [
        ("POST", "/sparql"),
        ("POST", "/real"),
    ]
