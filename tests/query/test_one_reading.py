"""The text that runs is the text that was checked: queries with every kind of line break,
comment, escape and Unicode form around SERVICE, LOAD and updates reach no listener, and
``FROM`` / ``FROM NAMED`` name the dataset the query runs on."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcgraph.layout import graph_iri
from kcgraph.query import QueryError, check_read_only, run_local

from ..listening import Listener, serving

#: Each part of a hostile text: forms every SPARQL reader takes alike, and odd ones.
BREAKS = (["\r", "\n", "\r\n"], ["\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
GAPS = ([" ", "\t", "\n", "\r"], ["\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
SPACES = ([" "], ["\u00a0", "\ufeff", "\u200b", "\x00", "\u3000"])
KEYWORDS = (["SERVICE", "service", "SeRvIcE"], ["\\u0053ERVICE", "SERVIC\\U00000045", "ſERVICE"])
PADS = (
    ["", "?s ?p ?o .", '?s ?p """a # b""" .', '?s ?p "a\\" #" .', "?s ?p <http://a/#b> ."],
    ['?s ?p "\\u0022 #" .', "?s ?p '\\u0027 #' .", "?s ?p ?o \\", "?s ?p ?o \\u005C"],
)
COMMENTS = (["# c", "#", ""], ["# c \\", "\\u0023 c", "#\\u000A", "#\\u000D"])
#: What this reader may take for an IRI and then a string, where both parsers see the
#: less-than operator and a comment: the text from the comment's start to a line break.
PSEUDO_IRIS = ["FILTER(1<2)#>", "FILTER(?s<?o)#>", "FILTER(1 <2)#>", "BIND(1<2 AS ?x)#>"]
QUOTES = ["'''", '"""', "'", '"']
LINE_ENDS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
UPDATES = ["LOAD <URL/x>", "INSERT DATA { <a:b> <a:c> <a:d> }", "CLEAR ALL", "DROP ALL"]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with serving(Listener()) as heard:
        yield heard


@pytest.fixture(scope="module")
def tiny_store() -> ox.Store:
    store = ox.Store()
    node = ox.NamedNode("https://example.org/a")
    store.add(ox.Quad(node, node, node, ox.NamedNode(graph_iri("profiles"))))
    return store


@st.composite
def hostile_queries(draw: st.DrawFn, url: str) -> str:
    """A call to ``url``, with one part (or none) in an odd form: oxigraph would make the
    call from many of these texts if it ran them unchecked."""
    parts = [PADS, SPACES, COMMENTS, BREAKS, KEYWORDS, GAPS]
    odd = draw(st.sampled_from([-1, -1, *range(len(parts))]))  # one part odd, or none
    pad, space, comment, gap, keyword, last = (
        draw(st.sampled_from(forms[i == odd])) for i, forms in enumerate(parts)
    )
    before = f"{pad}{space}{comment}{gap}"
    if draw(st.integers(0, 3)) == 0:  # a pseudo-IRI and a string that hide a line break
        pseudo, quote = draw(st.sampled_from(PSEUDO_IRIS)), draw(st.sampled_from(QUOTES))
        first, second = (draw(st.sampled_from(LINE_ENDS)) for _ in range(2))
        call = f"{keyword}{last}<{url}/x> {{ ?s ?p ?o }}"
        return f"SELECT * WHERE {{ {pseudo}{quote}{first} {call} #{quote}{second} }}"
    if draw(st.integers(0, 4)) == 0:
        return before + draw(st.sampled_from(UPDATES)).replace("URL", url)
    call = f"{keyword}{last}<{url}/x> {{ ?s ?p ?o }}"
    head = draw(st.sampled_from(["SELECT * WHERE {", "ASK {", "SELECT * WHERE { OPTIONAL {"]))
    tail = "}}" if "OPTIONAL" in head else "}"
    return f"{head} {before}{call} {tail}"


def _run(store: ox.Store, text: str) -> None:
    try:
        run_local(store, text, timeout=5, limit=10)
    except QueryError:
        pass


def test_the_listener_hears_an_unchecked_engine(listener, tiny_store):
    """The attack is real: oxigraph alone, given the text, calls the listener."""
    listener.seen.clear()
    text = f"SELECT * WHERE {{ ?s ?p ?o # c\rSERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}"
    try:
        list(tiny_store.query(text, use_default_graph_as_union=True))
    except Exception:  # the listener's answer is no SPARQL result
        pass
    assert [method for method, *_ in listener.seen] == ["POST"]
    listener.seen.clear()
    with pytest.raises(QueryError, match="SERVICE"):  # and the check sees what it sees
        check_read_only(text)
    assert listener.seen == []


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_a_pseudo_iri_hides_no_call(listener, tiny_store, end):
    """Issue 34's text: oxigraph alone ends the comment at the CR and calls; checked, it
    reaches nothing from kcgraph query (and kcgraph serve runs the same check)."""
    text = (
        f"SELECT * WHERE {{ FILTER(1<2)#>'''{end} SERVICE <{listener.url}/sparql> "
        f"{{ ?a ?b ?c }} #'''\n }}"
    )
    listener.seen.clear()
    with pytest.raises(QueryError, match="SERVICE"):
        run_local(tiny_store, text, timeout=5, limit=10)
    assert listener.seen == []


def test_no_hostile_query_reaches_the_listener(listener, tiny_store):
    """Each text runs checked (towards ``listener``) and, to count the attacks that are real,
    unchecked on oxigraph alone (towards a decoy listener)."""
    real_attacks = []
    with serving(Listener()) as decoy:

        @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def hostile(data: st.DataObject) -> None:
            text = data.draw(hostile_queries("URL"))
            decoy.seen.clear()
            try:
                answer = tiny_store.query(
                    text.replace("URL", decoy.url), use_default_graph_as_union=True
                )
                list(answer) if not isinstance(answer, ox.QueryBoolean) else None
            except Exception:  # syntax errors, the decoy's answer
                pass
            real_attacks.append(bool(decoy.seen))
            listener.seen.clear()
            _run(tiny_store, text.replace("URL", listener.url))
            assert listener.seen == [], repr(text)

        hostile()
    assert sum(real_attacks) >= 5, f"only {sum(real_attacks)} of {len(real_attacks)} texts attack"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ASK { ?s ?p ?o } # c\rSERVICE <http://x/> { ?s ?p ?o }", "syntax error at line 2"),
        ("ASK { ?s ?p ?o \\u0023 }", "syntax error"),
        ("ASK { ?s ?p '\\u005C' }", "escape \\u005C at line 1, column 14"),
        ("ASK { ?s ?p ?o }\u2028", "U+2028 (Zl) at line 1, column 17"),
        ("ASK { ?s ?p 'a\nb' }", "string that does not end on its line at line 1"),
        ("ASK { ?s ?p 'a\\qb' }", "the escape \\'q' in a string"),
        ("ASK { ?s <a:\\#b> ?o }", "backslash outside a string"),
    ],
)
def test_what_readers_could_take_apart_is_refused_with_its_place(text, message):
    with pytest.raises(QueryError) as caught:
        check_read_only(text)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_from_names_the_default_graph_and_from_named_the_named_graphs(store, out_dir):
    isco = graph_iri("isco")
    expected = sum(1 for _ in ox.parse(path=str(out_dir / "isco.ttl"), format=ox.RdfFormat.TURTLE))
    count = f"SELECT (COUNT(*) AS ?n) FROM <{isco}> WHERE {{ ?s ?p ?o }}"
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(run_local(store, count, timeout=30, limit=5).rows[0][0]) == expected
    assert int(run_local(store, everything, timeout=30, limit=5).rows[0][0]) > expected
    named = f"SELECT DISTINCT ?g FROM NAMED <{isco}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert run_local(store, named, timeout=30, limit=5).rows == [[isco]]
    # FROM NAMED alone: the default graph is empty (SPARQL 1.1 §13.2)
    empty = f"ASK FROM NAMED <{isco}> WHERE {{ ?s ?p ?o }}"
    assert run_local(store, empty, timeout=30, limit=5).value is False
