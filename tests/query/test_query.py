"""The query library: bundled queries and their row counts, safety, formats, and the same
results on the embedded store, on rdflib and on a real Virtuoso server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request

import pytest
from rdflib import Graph

from kcgraph.layout import NAMED_GRAPHS
from kcgraph.query import (
    QueryError,
    bind_params,
    check_read_only,
    load_queries,
    resolve_query,
    run_local,
    run_remote,
)
from kcgraph.settings import Settings

from ..conftest import RESOURCES, run_cli

CASES = tomllib.loads((RESOURCES / "queries.toml").read_text(encoding="utf-8"))["case"]


#: The defaults every query runs with.
SETTINGS = Settings()


def _local(store, text: str):
    return run_local(store, text, timeout=SETTINGS.query_timeout, limit=SETTINGS.query_limit)


def _rows(table) -> list[tuple]:
    return sorted(tuple("" if c is None else c for c in row) for row in table.rows)


def _case_id(case) -> str:
    return case["query"] + "".join(f"-{k}={v}" for k, v in case.get("params", {}).items())


def test_every_bundled_query_is_documented_and_in_the_manifest():
    queries = load_queries()
    assert len(queries) >= 9
    for query in queries.values():
        assert query.title and query.description, query.name
    assert {case["query"] for case in CASES} == set(queries)


def test_esco_labels_in_the_readers_language_else_english(out_dir):
    """The built ``esco.ttl`` carries ESCO's Dutch labels; with ``lang`` the query gives a
    skill's label in that language where ESCO has one, else the English one (never empty).
    A statement linked to one skill with a Dutch label and one without, and ESCO's triples."""
    import pyoxigraph as ox

    from kcgraph.workspace import Workspace

    data = Workspace().esco
    dutch = next(c for c in data.skills if c.uri in data.translations["nl"])
    other = next(c for c in data.skills if c.uri not in data.translations["nl"])
    store = ox.Store()
    for t in ox.parse(path=out_dir / "esco.ttl", format=ox.RdfFormat.TURTLE):
        if t.subject.value in (dutch.uri, other.uri):
            store.add(ox.Quad(t.subject, t.predicate, t.object))
    statement, scheme = ox.NamedNode("urn:x:statement"), ox.NamedNode("urn:x:scheme")
    skos = "http://www.w3.org/2004/02/skos/core#"
    for o in (dutch.uri, other.uri):
        store.add(ox.Quad(statement, ox.NamedNode(skos + "closeMatch"), ox.NamedNode(o)))
    store.add(ox.Quad(statement, ox.NamedNode(skos + "inScheme"), scheme))
    store.add(ox.Quad(statement, ox.NamedNode(skos + "prefLabel"), ox.Literal("Tekst")))
    identifier = ox.NamedNode("http://purl.org/dc/terms/identifier")
    store.add(ox.Quad(scheme, identifier, ox.Literal("x")))
    for lang, expected in (
        ("nl", {dutch.uri: data.translations["nl"][dutch.uri][0], other.uri: other.pref_label}),
        ("en", {dutch.uri: dutch.pref_label, other.uri: other.pref_label}),
    ):
        text = bind_params(resolve_query("esco-skills-by-profile"), {"lang": lang})
        assert {row[1]: row[2] for row in _local(store, text).rows} == expected


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_expected_row_counts_on_the_built_graph(store, case):
    query = resolve_query(case["query"])
    table = _local(store, bind_params(query, case.get("params", {})))
    assert len(table.rows) == case["rows"]


#: Runs every case on rdflib in a child process (rdflib's pure-Python engine is slow under the
#: coverage tracer) and prints the sorted rows of each as JSON.
_RDFLIB_CHILD = """
import json, sys
from rdflib import Graph
out, cases = sys.argv[1], json.loads(sys.stdin.read())
union = Graph().parse(out + "/kcgraph.ttl").parse(out + "/isco.ttl")
union.parse(out + "/mappings.ttl", format="turtle")
with_esco = None
rows = []
for text, needs_esco in cases:
    graph = union
    if needs_esco:
        if with_esco is None:
            # every ESCO triple about a concept the graph links to: all the query can reach
            # (parsing all of ESCO in rdflib took most of this test's time)
            import pyoxigraph as ox
            from rdflib import Literal, URIRef
            esco = "http://data.europa.eu/esco/"
            linked = {str(o) for o in union.objects() if str(o).startswith(esco)}
            with_esco = Graph()
            for triple in union:
                with_esco.add(triple)
            for t in ox.parse(path=out + "/esco.ttl", format=ox.RdfFormat.TURTLE):
                if t.subject.value in linked:
                    o = t.object
                    if isinstance(o, ox.NamedNode):
                        value = URIRef(o.value)
                    elif o.language:
                        value = Literal(o.value, lang=o.language)
                    else:
                        value = Literal(o.value, datatype=URIRef(o.datatype.value))
                    with_esco.add((URIRef(t.subject.value), URIRef(t.predicate.value), value))
        graph = with_esco
    found = graph.query(text)
    rows.append(sorted([["" if v is None else str(v) for v in row] for row in found]))
print(json.dumps(rows))
"""


def test_same_results_on_rdflib(out_dir, store):
    """Every bundled query gives the same rows on rdflib as on the embedded pyoxigraph."""
    texts = [bind_params(resolve_query(c["query"]), c.get("params", {})) for c in CASES]
    cases = [[t, c["query"] == "esco-skills-by-profile"] for t, c in zip(texts, CASES, strict=True)]
    child = subprocess.run(
        [sys.executable, "-c", _RDFLIB_CHILD, str(out_dir)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    for case, text, rows in zip(CASES, texts, json.loads(child.stdout), strict=True):
        assert [tuple(r) for r in rows] == _rows(_local(store, text)), _case_id(case)


def test_updates_and_service_are_refused():
    with pytest.raises(QueryError, match="updates are refused"):
        check_read_only("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises(QueryError, match="SERVICE"):
        check_read_only("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    check_read_only("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }", allow_service=True)
    check_read_only('SELECT * WHERE { ?s ?p "INSERT something" } # DELETE in a comment')


def test_syntax_error_reports_line_and_column(store):
    with pytest.raises(QueryError, match=r"line \d+, column \d+"):
        _local(store, "SELECT *\nWHERE {\n  ?s ?p \n}")


def test_row_limit_and_unknown_parameter(store):
    table = run_local(store, "SELECT ?s WHERE { ?s ?p ?o }", timeout=30, limit=5)
    assert len(table.rows) == 5 and table.truncated
    with pytest.raises(QueryError, match="unknown parameter"):
        bind_params(resolve_query("coverage"), {"nope": "1"})


def test_query_command_formats_and_errors(out_dir, tmp_path):
    table = run_cli("query", "profiles-under-isco", "--out-dir", out_dir)
    assert table.returncode == 0 and "Callcenter inbound-outbound" in table.stdout
    assert "(2 rows)" in table.stdout
    as_json = json.loads(run_cli("query", "coverage", "--out-dir", out_dir, "-f", "json").stdout)
    assert as_json["variables"] == ["a", "b", "covered"] and len(as_json["rows"]) == 6
    as_csv = run_cli(
        "query",
        "statements-by-kind",
        "-p",
        "profile=cci",
        "-p",
        "kind=Activity",
        "--out-dir",
        out_dir,
        "-f",
        "csv",
    ).stdout
    assert as_csv.startswith("kind,statement,label\n") and as_csv.count("\n") == 30
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE { ?s ?p }\n")
    result = run_cli("query", bad, "--out-dir", out_dir)
    assert result.returncode == 2 and f"{bad}: syntax error at line 1, column 18" in result.stderr
    update = tmp_path / "update.rq"
    update.write_text("DELETE WHERE { ?s ?p ?o }\n")
    result = run_cli("query", update, "--out-dir", out_dir)
    assert result.returncode == 2 and "updates are refused" in result.stderr


# --- a real SPARQL server -------------------------------------------------------------------

VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A Virtuoso server on 127.0.0.1 only, started for these tests and stopped after."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip(
            "virtuoso-t not found: `make test` installs Debian's "
            "virtuoso-opensource-7-bin where apt-get can; it could not here"
        )
    directory = tmp_path_factory.mktemp("virtuoso")
    http = _free_port()
    (directory / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(d=directory, sql=_free_port(), http=http)
    )
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(directory / "virtuoso.ini")],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("virtuoso-t exited at start: see " + str(directory))
            time.sleep(0.5)
    else:
        process.terminate()
        pytest.fail("virtuoso-t did not come up within 90 s")
    yield base
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def test_publish_then_every_query_gives_the_same_results_on_virtuoso(virtuoso, out_dir, store):
    result = run_cli(
        "publish",
        "--endpoint",
        f"{virtuoso}/sparql-graph-crud-auth",
        "--user",
        "dba",
        "--password",
        "dba",
        "--out-dir",
        out_dir,
    )
    assert result.returncode == 0, result.stderr
    graphs = {line.split("<")[1].rstrip(">") for line in result.stdout.splitlines()}
    assert graphs == {
        f"https://w3id.org/kcgraph/graph/{g}"
        for g in ("profiles", "mappings", "isco", "esco", "dataset")
    }
    for case in CASES:
        text = bind_params(resolve_query(case["query"]), case.get("params", {}))
        remote = run_remote(
            f"{virtuoso}/sparql",
            text,
            timeout=120,
            limit=SETTINGS.query_limit,
            max_bytes=SETTINGS.answer_max_bytes,
        )
        assert _rows(remote) == _rows(_local(store, text)), _case_id(case)
    cli = run_cli("query", "profiles-under-isco", "--endpoint", f"{virtuoso}/sparql")
    assert cli.returncode == 0 and "(2 rows)" in cli.stdout


def test_publish_to_a_dead_endpoint_is_one_clear_error(out_dir):
    port = _free_port()
    result = run_cli("publish", "--endpoint", f"http://127.0.0.1:{port}/gsp", "--out-dir", out_dir)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr


def test_graph_file_names_match_the_build(out_dir):
    assert all((out_dir / name).is_file() for name in NAMED_GRAPHS)
    assert len(Graph().parse(out_dir / "isco.ttl")) > 4000
    assert os.path.getsize(out_dir / "esco.ttl") > 1_000_000
