"""``kcgraph diff``: a new version of a profile with two statements reworded and one
dropped; the changes per profile, the decisions they touch, the old -> new SSSOM, and the
decisions offered for carrying over as proposals (never as decisions)."""

from __future__ import annotations

import shutil

import pytest

from kcgraph.mappings import read_mappings
from kcgraph.resources import default_manifest

from ..conftest import ROOT, run_cli

REWORDED = {
    "Beantwoordt de vraag van de klant": "Beantwoordt de vragen van de klant",
    "Vat de boodschap samen": "Vat de boodschap kort samen",
}


@pytest.fixture()
def new_version(tmp_path):
    sources = tmp_path / "v2"
    shutil.copytree(default_manifest().parent, sources)
    text = (sources / "kcm.txt").read_text(encoding="utf-8")
    for old, new in REWORDED.items():
        assert old in text
        text = text.replace(old, new)
    (sources / "kcm.txt").write_text(text, encoding="utf-8")
    return sources / "manifest.toml"


def test_diff_of_a_build_and_a_new_version(built, new_version, tmp_path):
    decisions = ROOT / "data" / "mappings"  # the committed decisions
    result = run_cli(
        "diff",
        built.files[0].parent,
        new_version,
        "--mappings",
        decisions,
        "--sssom",
        tmp_path / "versions.sssom.tsv",
        "--carry-over",
        tmp_path / "carry.sssom.tsv",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "kcm: 2 changed, 0 removed, 0 added" in lines
    for old, new in REWORDED.items():
        assert any(line.startswith(f"  ~ {old!r} -> {new!r}") for line in lines)
    touched = [line for line in lines if line.startswith("      decision: ")]
    assert touched and all(
        "kcm:beantwoordt-de-vraag-" in x or "kcm:vat-de-boodschap-samen-" in x for x in touched
    )
    versions = read_mappings(tmp_path / "versions.sssom.tsv").mappings
    assert sorted(m.subject.name for m in versions) == sorted(REWORDED)
    assert {m.predicate.curie for m in versions} == {"dcterms:isReplacedBy"}
    carried = read_mappings(tmp_path / "carry.sssom.tsv").mappings
    assert len(carried) == len(touched)
    assert all(m.justification.curie == "semapv:MappingChaining" for m in carried)
    assert all(m.comment.startswith("was accept on kcm:") for m in carried)
    assert {m.subject.name for m in carried} <= set(REWORDED.values())
    # nothing was moved: the decision files are as they were
    assert not any("vragen-van-de-klant" in p.read_text() for p in decisions.glob("*.tsv"))


def test_the_same_version_has_no_changes_and_bad_input_is_one_line(tmp_path):
    same = run_cli("diff", default_manifest(), default_manifest())
    assert same.returncode == 0 and same.stdout == ""
    bad = run_cli("diff", tmp_path, default_manifest())
    assert bad.returncode == 2 and "neither a build folder" in bad.stderr


def test_no_output_is_written_over_a_decision_file(built, new_version, tmp_path):
    """``--carry-over`` (or any output) pointed at a decision file or a reviewer register is
    one line, and the decisions stay as they were."""
    decisions = tmp_path / "decisions"
    shutil.copytree(ROOT / "data" / "mappings", decisions)
    before = {p.name: p.read_bytes() for p in decisions.iterdir()}
    out = built.files[0].parent
    for args in (
        ("diff", out, new_version, "--carry-over", decisions / "positive.sssom.tsv"),
        ("diff", out, new_version, "--sssom", decisions / "negative.sssom.tsv"),
        ("table", "okla", "-o", decisions / "reviewers.tsv"),
    ):
        result = run_cli(*args, "--mappings", decisions)
        assert result.returncode == 2, result.stderr
        assert "is a review decision file" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in decisions.iterdir()} == before


def test_a_small_rewording_under_the_same_parent_never_crashes(tmp_path):
    """A text changed by one letter under the same parent scores past 1 with the parent's
    bonus; the similarity written stays within 0-1 and every output is written."""
    sources = tmp_path / "v2"
    shutil.copytree(default_manifest().parent, sources)
    text = (sources / "ccm.txt").read_text(encoding="utf-8")
    old = "Verzamelt klant-, product- en/of marktinformatie"  # one place, one parent
    assert text.count(old) == 1
    (sources / "ccm.txt").write_text(text.replace(old, old + "s"), encoding="utf-8")
    result = run_cli(
        "diff",
        default_manifest(),
        sources / "manifest.toml",
        "--mappings",
        ROOT / "data" / "mappings",
        "--sssom",
        tmp_path / "versions.sssom.tsv",
        "--carry-over",
        tmp_path / "carry.sssom.tsv",
    )
    assert result.returncode == 0, result.stderr
    versions = read_mappings(tmp_path / "versions.sssom.tsv").mappings
    assert versions and all(0 <= m.similarity_score <= 1 for m in versions)
    assert any(m.similarity_score == 1.0 for m in versions)


def test_a_carried_over_rejection_stays_a_rejection_and_next_shows_the_old_verdict(
    built, new_version, tmp_path
):
    """A rejection on a reworded statement is carried over as a negated proposal ("not
    closeMatch"), and ``review next --proposals`` prints it as such with the old verdict."""
    from kcgraph.match import matchable_items

    from ..conftest import workspace

    decisions = tmp_path / "decisions"
    shutil.copytree(ROOT / "data" / "mappings", decisions)
    ws = workspace(mappings_dir=decisions)
    reworded = next(i for i in matchable_items(ws.profiles, ws.minter) if i.label in REWORDED)
    other = next(i for i in matchable_items(ws.profiles, ws.minter) if i.profile == "ccm")
    ends = [ws.converter.compress(x.iri) for x in (reworded, other)]
    reviewer = ("--reviewer", "orcid:0000-0002-1825-0097", "--mappings", decisions)
    assert run_cli("review", "reject", *ends, *reviewer).returncode == 0
    carry = tmp_path / "carry.sssom.tsv"
    args = ("diff", built.files[0].parent, new_version, "--mappings", decisions)
    assert run_cli(*args, "--carry-over", carry).returncode == 0
    carried = [m for m in read_mappings(carry).mappings if m.object.curie == ends[1]]
    assert len(carried) == 1 and carried[0].negated
    assert carried[0].comment.startswith(f"was reject on {ends[0]}")
    shown = run_cli("review", "next", "--proposals", carry, "--mappings", decisions, "-n", "1000")
    line = next(x for x in shown.stdout.splitlines() if f"NOT {ends[1]}" in x)
    assert f"[was reject on {ends[0]}" in line


def test_a_build_of_a_new_version_keeps_the_old_statements_deprecated(built, new_version, tmp_path):
    """``kcgraph build --previous OLD`` on a reworded profile: the old statements stay in the
    graph as ``owl:deprecated``, each ``dcterms:isReplacedBy`` its successor (which
    ``dcterms:replaces`` it); the graph still conforms to the shapes, and the pages of both
    show the history."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL

    from kcgraph.web.pages import Pages
    from kcgraph.web.server import open_service

    from ..conftest import workspace

    out = tmp_path / "v2-out"
    args = ("build", "-o", out, "--manifest", new_version, "--previous", built.files[0].parent)
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(out / "kcgraph.ttl", format="turtle")
    deprecated = set(graph.subjects(OWL.deprecated, Literal(True)))
    assert len(deprecated) == len(REWORDED)
    for old in deprecated:
        successor = graph.value(old, DCTERMS.isReplacedBy)
        assert successor is not None and (successor, DCTERMS.replaces, old) in graph
        assert str(graph.value(successor, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    ws = workspace(manifest=new_version, out_dir=out)
    service, _ = open_service(
        out,
        ws.settings.embedding_cache_dir,
        base=ws.settings.base,
        converter=ws.converter,
        decided=set(),
        language="nl",
    )
    old = sorted(deprecated)[0]
    page = Pages(ws.settings.base, static=False).resource(service.describe(str(old)))
    assert "From an earlier version of its profile." in page and "Replaced by" in page
    new = graph.value(old, DCTERMS.isReplacedBy)
    page = Pages(ws.settings.base, static=False).resource(service.describe(str(new)))
    assert "<h2>History</h2>" in page and "Replaces" in page
