"""Hostile and broken input: nothing leaks out, nothing is lost, every error is one line.

The probes of issue 11, each as a test: SERVICE smuggled past a keyword check, parameters
that try to change a query, remote JSON-LD contexts, XML entity bombs, unknown models, silent
servers, malformed files of every kind, a full disk during a build, and property-based tests
(hypothesis) of free text and of random input to every reader.
"""

from __future__ import annotations

import errno
import http.server
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import RESOURCES, REVIEWER, read_table, run_cli, workspace

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture()
def listener():
    """A local HTTP server that counts the requests it gets (none may reach it)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {}}')

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# --- no outbound traffic the user did not ask for ------------------------------------------


def test_service_hidden_behind_an_expression_is_refused(built, listener, tmp_path):
    url, hits = listener
    query = tmp_path / "sneaky.rq"
    query.write_text(f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<2)SERVICE<{url}/b>{{?s ?p ?x}} }}\n")
    result = run_cli("query", query, "--out-dir", built.files[0].parent)
    assert result.returncode == 2 and "SERVICE" in _one_line(result)
    assert hits == []


@pytest.mark.parametrize(
    "value",
    [
        "http://127.0.0.1:1/x> } SERVICE <http://127.0.0.1:1/y> { ?s ?p ?o",
        'okla" } SERVICE <http://127.0.0.1:1/y> { ?s ?p ?o } #',
        "http://example.org/a b",
    ],
)
def test_a_parameter_cannot_change_the_query(built, listener, value):
    url, hits = listener
    value = value.replace("http://127.0.0.1:1", url)
    args = ("query", "statements-by-kind", "-p", f"profile={value}", "-p", "kind=Activity")
    result = run_cli(*args, "--out-dir", built.files[0].parent)
    if result.returncode == 0:  # bound as a literal: the query ran, it found nothing
        assert "(0 rows)" in result.stdout
    else:
        assert result.returncode == 2 and "not a valid IRI" in _one_line(result)
    assert hits == []


def test_validate_never_fetches_a_remote_jsonld_context(listener, tmp_path):
    url, hits = listener
    document = tmp_path / "remote.jsonld"
    document.write_text(f'{{"@context": "{url}/context.jsonld", "@id": "http://a/x"}}')
    result = run_cli("validate", document)
    assert result.returncode == 2 and "is remote" in _one_line(result)
    nested = tmp_path / "nested.jsonld"
    nested.write_text(f'{{"@context": [{{"@import": "{url}/c"}}], "@id": "http://a/x"}}')
    assert run_cli("validate", nested).returncode == 2
    assert hits == []


def test_xml_entities_are_refused(tmp_path):
    bomb = tmp_path / "bomb.rdf"
    entities = "".join(
        f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};&e{i - 1};&e{i - 1};">' for i in range(1, 12)
    )
    bomb.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e0 "ha">{entities}]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e11;</rdf:RDF>\n'
    )
    result = run_cli("validate", bomb)
    assert result.returncode == 2 and f"{bomb}:2: XML document type" in _one_line(result)


def test_an_unknown_model_name_fails_at_once_without_network(tmp_path):
    result = run_cli("match", "--model", "some-unknown-name", "-o", tmp_path / "x.tsv")
    assert result.returncode == 2
    assert "does not download at run time" in _one_line(result)


def test_publish_gives_up_on_a_silent_server(built):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        port = silent.getsockname()[1]
        args = ("publish", "--endpoint", f"http://127.0.0.1:{port}/gsp", "--timeout", "0.5")
        result = run_cli(*args, "--out-dir", built.files[0].parent)
    finally:
        silent.close()
    assert result.returncode == 2 and "timed out" in _one_line(result)


# --- query forms ----------------------------------------------------------------------------


def test_construct_describe_and_ask(built, tmp_path):
    out = built.files[0].parent
    construct = tmp_path / "c.rq"
    construct.write_text(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s a <https://w3id.org/kcgraph/ontology#"
        "CompetencyProfile> ; skos:prefLabel ?l }"
    )
    turtle = run_cli("query", construct, "--out-dir", out)
    assert (
        turtle.returncode == 0 and "skos:prefLabel" in turtle.stdout
    ) or "prefLabel" in turtle.stdout
    nt = run_cli("query", construct, "--out-dir", out, "-f", "nt")
    assert nt.returncode == 0 and len(nt.stdout.strip().splitlines()) == 4
    describe = tmp_path / "d.rq"
    describe.write_text("DESCRIBE <https://w3id.org/kcgraph/id/cci/occupation>")
    assert "Callcenter" in run_cli("query", describe, "--out-dir", out).stdout
    ask = tmp_path / "a.rq"
    ask.write_text("ASK { ?s a <https://w3id.org/kcgraph/ontology#CompetencyProfile> }")
    assert run_cli("query", ask, "--out-dir", out).stdout == "true\n"


# --- options are range-checked, files are checked --------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("match", "--threshold", "nan"),
        ("match", "--threshold", "2"),
        ("match", "--threshold", "-1"),
        ("match", "--top-k", "0"),
        ("query", "coverage", "--timeout", "nan"),
        ("query", "coverage", "--timeout", "0"),
        ("publish", "--endpoint", "http://127.0.0.1:1/", "--timeout", "inf"),
    ],
)
def test_out_of_range_options_are_usage_errors(args, tmp_path):
    result = run_cli(*args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Invalid value" in result.stderr


def test_broken_query_inputs_are_one_line(built, tmp_path):
    binary = tmp_path / "binary.rq"
    binary.write_bytes(b"SELECT \x00\xff")
    assert f"{binary}:1: binary data" in _one_line(run_cli("query", binary))
    corrupt = tmp_path / "out"
    shutil.copytree(built.files[0].parent, corrupt)
    (corrupt / "kcgraph.ttl").write_text("@prefix a: <http://a/> .\na:x a:y ")
    result = run_cli("query", "coverage", "--out-dir", corrupt)
    assert result.returncode == 2 and "kcgraph.ttl: not valid Turtle" in _one_line(result)
    result = run_cli("query", "coverage", "--endpoint", "file:///etc/passwd")
    assert result.returncode == 2 and "must be an http(s) URL" in _one_line(result)


@pytest.mark.parametrize(
    "header",
    ["#just a string\n", "#curie_map:\n#  - a\n#  - b\n", "#curie_map: {a: 1\n"],
)
def test_malformed_sssom_headers_are_one_line(tmp_path, header):
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(header + "subject_id\tpredicate_id\tobject_id\tmapping_justification\n")
    result = run_cli("review", "status", "--proposals", bad, "--mappings", tmp_path / "m")
    assert result.returncode == 2 and str(bad) in _one_line(result)


def _merged_with_conflicts(text: str) -> str:
    """A decision file as ``git merge`` leaves it when two branches added different rows
    after the same line: the last row, ours, then theirs (another row of the file)."""
    lines = text.splitlines(keepends=True)
    head, body = (
        [x for x in lines if x.startswith("#")],
        [x for x in lines if not x.startswith("#")],
    )
    return "".join(
        [*head, *body[:-2], "<<<<<<< HEAD\n", body[-2], "=======\n", body[-1], ">>>>>>> theirs\n"]
    )


@pytest.mark.parametrize("damage", ["conflict", "bom", "bom-reviewers"])
def test_merge_conflicts_and_a_bom_in_decision_files_say_what_they_are(tmp_path, damage):
    mappings = tmp_path / "m"
    shutil.copytree(RESOURCES / "mappings", mappings)
    positive = mappings / "positive.sssom.tsv"
    if damage == "conflict":
        positive.write_text(_merged_with_conflicts(positive.read_text(encoding="utf-8")))
        marker_line = positive.read_text().splitlines().index("<<<<<<< HEAD") + 1
        expected = f"{positive}:{marker_line}: git conflict marker '<<<<<<<'"
    elif damage == "bom":
        positive.write_bytes(b"\xef\xbb\xbf" + positive.read_bytes())
        expected = f"{positive}:1: starts with a UTF-8 byte-order mark (BOM)"
    else:
        from kcgraph.review.decisions.reviewers import render_reviewers

        register = mappings / "reviewers.tsv"
        register.write_bytes(b"\xef\xbb\xbf" + render_reviewers({REVIEWER: "A. Reviewer"}).encode())
        expected = f"{register}:1: starts with a UTF-8 byte-order mark (BOM)"
    row = next(x for x in positive.read_text().splitlines()[1:] if x and x[0] not in "#<=>s")
    subject, _, obj = row.split("\t")[:3]
    commands = [("review", "accept", subject, obj, "--reviewer", REVIEWER)]
    if damage != "bom-reviewers":  # the register is read where decisions are recorded
        commands += [("review", "status"), ("build", "-o", tmp_path / "out")]
    before = {p.name: p.read_bytes() for p in mappings.iterdir()}
    for command in commands:
        result = run_cli(*command, "--mappings", mappings)
        assert result.returncode == 2 and expected in _one_line(result), command
    assert {p.name: p.read_bytes() for p in mappings.iterdir()} == before  # nothing rewritten


ESCO_HEADER = "conceptType,conceptUri,preferredLabel,altLabels,description\n"


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (
            ESCO_HEADER.encode() + b"Skill,http://data.europa.eu/esco/skill/1,caf\xe9,,\n",
            "not UTF-8",
        ),
        (ESCO_HEADER.encode() + b"Skill,http://data.europa.eu/esco/skill/1\n", "number of cells"),
        (ESCO_HEADER.encode() + b"Skill,not an iri,label,,\n", "is not an IRI"),
        (
            ESCO_HEADER.encode()
            + b'Skill,http://data.europa.eu/esco/skill/1,x,,"'
            + b"y" * 1_100_000
            + b'"\n',
            "malformed CSV",
        ),
    ],
)
def test_broken_esco_csv_is_one_line(tmp_path, content, expect):
    folder = tmp_path / "esco"
    folder.mkdir()
    (folder / "skills_en.csv").write_bytes(content)
    result = run_cli("esco", "import", folder, "-o", tmp_path / "esco.ttl")
    assert result.returncode == 2 and expect in _one_line(result)
    assert "skills_en.csv:2" in result.stderr


# --- strict parsers ------------------------------------------------------------------------


def test_text_appended_to_the_ecabo_profile_is_an_error_with_its_line(sources_copy):
    document = sources_copy.parent / "ccm.txt"
    lines = document.read_text(encoding="utf-8").splitlines()
    document.write_text("\n".join([*lines, "", "Colofon: opgesteld door de werkgroep.", ""]))
    result = run_cli("stats", "--manifest", sources_copy)
    assert result.returncode == 2
    assert f"{document}:{len(lines) + 2}: unexpected text after the lists" in _one_line(result)


def test_a_duplicated_competentfiche_block_is_an_error_not_a_change_of_kind(sources_copy):
    document = sources_copy.parent / "cci.txt"
    lines = document.read_text(encoding="utf-8").split("\n")
    skills = next(i for i, line in enumerate(lines) if line.startswith("- Zoekt informatie op"))
    activity = next(i for i, line in enumerate(lines) if line.startswith("De beschikbaarheid"))
    block = lines[skills:activity]  # a Kunnen cell and its two Kennen cells, pasted twice
    document.write_text("\n".join(lines[:activity] + block + lines[activity:]))
    result = run_cli("stats", "--manifest", sources_copy)
    assert result.returncode == 2
    assert "stands here as Knowledge but at line" in _one_line(result)
    assert str(document) in result.stderr


# --- build outputs change together ----------------------------------------------------------


def test_a_full_disk_during_build_leaves_the_previous_output(built, tmp_path, monkeypatch):
    import kcgraph.files as files

    out = tmp_path / "out"
    shutil.copytree(built.files[0].parent, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = files.os.fdopen
    calls = []

    def full_disk(fd, mode):
        calls.append(fd)
        if len(calls) == 3:  # the third file of the generation finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, mode)

    monkeypatch.setattr(files.os, "fdopen", full_disk)
    result = run_cli("build", "-o", out)
    monkeypatch.undo()
    assert result.returncode == 2
    line = _one_line(result)
    assert "No space left on device" in line and str(out) in line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no .tmp left either


# --- what kcgraph writes, kcgraph reads ------------------------------------------------------

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@FUZZ
@given(
    comment=st.text(
        alphabet=st.one_of(
            st.characters(blacklist_categories=("Cs",)), st.sampled_from(LINE_BREAKS + '\t#"\\')
        ),
        min_size=1,
        max_size=80,
    )
)
def test_any_comment_round_trips_through_the_decision_files(rows_for_fuzz, tmp_path, comment):
    directory = tmp_path / "decisions"
    shutil.rmtree(directory, ignore_errors=True)
    from curies import NamableReference
    from sssom_pydantic import SemanticMapping

    row = rows_for_fuzz[0]
    store = workspace(mappings_dir=directory).store(check_ids=False)
    s_prefix, s_local = row["subject_id"].split(":", 1)
    proposal = SemanticMapping(  # a proposal whose label holds the same text
        subject=NamableReference(prefix=s_prefix, identifier=s_local, name=comment),
        predicate="skos:closeMatch",
        object=row["object_id"],
        justification="semapv:CompositeMatching",
    )
    store.decide(
        "accept",
        row["subject_id"],
        row["object_id"],
        reviewer=REVIEWER,
        comment=comment,
        proposal=proposal,
    )
    (decision,) = store.decisions()
    assert decision.mapping.comment == comment
    assert decision.mapping.subject.name == comment
    # and the next decision still reads the file
    store.decide("reject", row["subject_id"], row["object_id"], reviewer=REVIEWER, comment="x")
    assert [d.verdict for d in store.decisions()] == ["reject"]


@pytest.fixture(scope="module")
def rows_for_fuzz(proposals):
    return read_table(proposals)[1][:3]


# --- random input to every reader: never a traceback ----------------------------------------

_FIELD = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@FUZZ
@given(
    entries=st.lists(
        st.dictionaries(
            st.sampled_from(["id", "file", "parser", "title", "publisher", "language", "region"]),
            st.one_of(_FIELD, st.integers(), st.lists(_FIELD, max_size=2)),
        ),
        max_size=3,
    )
)
def test_random_manifests(tmp_path, entries):
    import tomli_w

    manifest = tmp_path / "manifest.toml"
    manifest.write_text(tomli_w.dumps({"source": entries}) if entries else "x = 1\n")
    result = run_cli("stats", "--manifest", manifest)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


@FUZZ
@given(body=st.text(max_size=300))
def test_random_sssom_files(tmp_path, body):
    bad = tmp_path / "random.sssom.tsv"
    bad.write_text(body, encoding="utf-8")
    result = run_cli("review", "status", "--proposals", bad, "--mappings", tmp_path / "m")
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr


@FUZZ
@given(body=st.text(max_size=300))
def test_random_esco_csv(tmp_path, body):
    folder = tmp_path / "esco"
    folder.mkdir(exist_ok=True)
    (folder / "occupations_nl.csv").write_text(
        "conceptUri,preferredLabel\n" + body, encoding="utf-8"
    )
    result = run_cli("esco", "import", folder, "-o", tmp_path / "esco.ttl")
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr


@FUZZ
@given(text=st.text(max_size=200))
def test_random_queries(built, tmp_path, text):
    query = tmp_path / "random.rq"
    query.write_text(text, encoding="utf-8")
    result = run_cli("query", query, "--out-dir", built.files[0].parent, "--timeout", "5")
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    option=st.sampled_from(["--top-k", "--threshold", "--base", "--model"]),
    value=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
)
def test_random_match_options(tmp_path, option, value):
    if option == "--model" and Path(value).exists():
        return
    result = run_cli("match", option, value, "-o", tmp_path / "p.tsv", "--target", "isco")
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr


# --- clients with deadlines ------------------------------------------------------------------


@contextmanager
def _raw_server(behaviour):
    """A socket server on 127.0.0.1 that runs ``behaviour(connection)`` per connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=behaviour, args=(connection, stop), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        server.close()


def _dribble(connection: socket.socket, stop: threading.Event) -> None:
    """Reads the request, then sends an answer a byte a second."""
    connection.recv(65536)
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 1000:
        if stop.wait(1.0):
            break
        try:
            connection.sendall(bytes([byte]))
        except OSError:
            break
    connection.close()


def _endless(connection: socket.socket, stop: threading.Event) -> None:
    """Reads the request, then sends a body without end."""
    connection.recv(65536)
    try:
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n"
        )
        while not stop.is_set():
            connection.sendall(b"x" * 65536)
    except OSError:
        pass
    connection.close()


def test_clients_have_a_deadline_and_a_size_cap(built):
    out = built.files[0].parent
    with _raw_server(_dribble) as url:
        started = time.monotonic()
        query = run_cli("query", "coverage", "--endpoint", f"{url}/sparql", "--timeout", "2")
        publish = run_cli("publish", "--endpoint", f"{url}/gsp", "--timeout", "2", "--out-dir", out)
        took = time.monotonic() - started
    assert query.returncode == 2 and "timed out (no complete answer within 2 s)" in _one_line(query)
    assert publish.returncode == 2 and "timed out" in _one_line(publish)
    assert took < 12  # two deadlines of 2 s, not a byte a second for a thousand seconds
    with _raw_server(_endless) as url:
        endless = run_cli(
            "query", "coverage", "--endpoint", f"{url}/sparql", KCGRAPH_ANSWER_MAX_BYTES="1000000"
        )
    assert endless.returncode == 2 and "larger than 1,000,000 bytes" in _one_line(endless)


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("http://[::1", "not a valid URL"),
        ("http://host:99999/sparql", "not a valid URL"),
        ("ftp://host/sparql", "must be an http(s) URL"),
    ],
)
def test_a_malformed_endpoint_is_one_line(built, endpoint, message):
    for args in (
        ("query", "coverage", "--endpoint", endpoint),
        ("publish", "--endpoint", endpoint, "--out-dir", built.files[0].parent),
    ):
        result = run_cli(*args)
        assert result.returncode == 2 and message in _one_line(result), result.stderr


def test_credentials_in_a_url_are_never_printed(built):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    port = silent.getsockname()[1]
    silent.close()  # nothing listens there now: connection refused
    url = f"http://alice:s3cret@127.0.0.1:{port}/sparql"
    query = run_cli("query", "coverage", "--endpoint", url, "--timeout", "2")
    publish = run_cli(
        "publish", "--endpoint", url, "--timeout", "2", "--out-dir", built.files[0].parent
    )
    for result in (query, publish):
        assert result.returncode == 2
        assert "s3cret" not in result.stderr + result.stdout and "alice" not in result.stderr
        assert "***@127.0.0.1" in _one_line(result)


def test_a_terminal_shows_control_characters_never_acts_on_them(tmp_path):
    """A profile text with escape sequences (clear screen, a window title, a bidi
    override), printed by `review search` to a real terminal (a pty), arrives as visible
    escapes; piped to a file, it is written as it is."""
    import os
    import pty
    import subprocess
    import sys

    evil = "Luisteren\x1b[2J\x1b]0;pwned\x07 \u202eenilno"
    (tmp_path / "mijn.csv").write_text(
        f"id,kind,text\nocc,Occupation,Medewerker\ns1,Skill,{evil}\n", encoding="utf-8"
    )
    (tmp_path / "manifest.toml").write_text(
        '[[source]]\nid = "mijn"\nfile = "mijn.csv"\nparser = "table"\ntitle = "T"\n'
        'publisher = "P"\nregion = "NL"\nlanguage = "nl-NL"\nversion = "1"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "kcgraph", "review", "search", "Luisteren"]
    command += ["--manifest", str(tmp_path / "manifest.toml")]
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        command, stdout=secondary, stderr=secondary, stdin=subprocess.DEVNULL
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert process.wait(60) == 0, seen
    text = seen.decode("utf-8")
    assert "\\x1b]0;pwned\\x07 \\u202eenilno" in text
    assert "\x1b" not in text and "\u202e" not in text
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "\x1b]0;pwned\x07" in piped.stdout  # to a file or a pipe: as it is
