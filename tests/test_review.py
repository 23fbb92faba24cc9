"""Review decisions: files, CLI, feedback into the graph, concurrency, killed writes."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, SKOS

from kcgraph.build import run_build
from kcgraph.graph import SSSOM
from kcgraph.match import curie_map
from kcgraph.namespaces import Minter
from kcgraph.review import ReviewStore
from kcgraph.sssom_tsv import read_sssom

from .conftest import kcgraph

REVIEWER = "orcid:0000-0002-1825-0097"


@pytest.fixture(scope="module")
def proposals(tmp_path_factory, scorer):
    from kcgraph.match import predict_mappings, write_proposals

    path = tmp_path_factory.mktemp("proposals") / "proposals.sssom.tsv"
    write_proposals(path, predict_mappings(scorer), scorer=scorer, top_k=5, threshold=0.45)
    return path


def _store(directory) -> ReviewStore:
    return ReviewStore(directory, prefixes=curie_map(["okla", "ccm", "kcm", "cci"], Minter()))


def _rows(path: Path) -> list[dict]:
    return read_sssom(path)[1]


def test_accept_rebuild_link_in_graph_with_provenance(proposals, tmp_path):
    row = _rows(proposals)[0]
    result = kcgraph(
        "review",
        "accept",
        row["subject_id"],
        row["object_id"],
        "--predicate",
        "skos:relatedMatch",
        "--reviewer",
        REVIEWER,
        "--comment",
        "same activity, other wording",
        "--proposals",
        str(proposals),
        "--mappings",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    (accepted,) = _rows(tmp_path / "positive.sssom.tsv")
    assert accepted["mapping_justification"] == "semapv:ManualMappingCuration"
    assert accepted["reviewer_id"] == REVIEWER and accepted["author_id"] == REVIEWER
    assert accepted["similarity_score"] == row["similarity_score"]
    assert accepted["comment"] == "same activity, other wording"
    assert accepted["mapping_date"]

    graph = run_build(mappings_dir=tmp_path, vocabularies=False).graph
    store = _store(tmp_path)
    s, o = URIRef(store.iri(row["subject_id"])), URIRef(store.iri(row["object_id"]))
    assert (s, SKOS.relatedMatch, o) in graph
    axiom = graph.value(predicate=OWL.annotatedSource, object=s)
    assert graph.value(axiom, OWL.annotatedTarget) == o
    assert graph.value(axiom, SSSOM.reviewer_id) == URIRef("https://orcid.org/0000-0002-1825-0097")
    assert str(graph.value(axiom, SSSOM.mapping_justification)).endswith("ManualMappingCuration")


def test_reject_keeps_link_out_of_graph_and_queue(proposals, tmp_path, scorer):
    from kcgraph.match import predict_mappings

    row = _rows(proposals)[1]
    store = _store(tmp_path)
    store.decide("reject", row["subject_id"], row["object_id"], reviewer=REVIEWER, proposal=row)
    (rejected,) = _rows(tmp_path / "negative.sssom.tsv")
    assert rejected["predicate_modifier"] == "Not"
    graph = run_build(mappings_dir=tmp_path, vocabularies=False).graph
    s, o = URIRef(store.iri(row["subject_id"])), URIRef(store.iri(row["object_id"]))
    assert not list(graph.triples((s, None, o))) and not list(graph.triples((o, None, s)))
    pairs = {
        frozenset((m.subject.iri, m.object.iri))
        for m in predict_mappings(scorer, exclude=store.decided_pairs())
    }
    assert frozenset((str(s), str(o))) not in pairs


def test_a_new_decision_moves_the_pair(proposals, tmp_path):
    row = _rows(proposals)[2]
    store = _store(tmp_path)
    store.decide("unsure", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    store.decide(
        "accept",
        row["object_id"],
        row["subject_id"],
        reviewer=REVIEWER,
        predicate="skos:exactMatch",
    )
    assert _rows(tmp_path / "unsure.sssom.tsv") == []
    assert [r["predicate_id"] for r in _rows(tmp_path / "positive.sssom.tsv")] == [
        "skos:exactMatch"
    ]


def _decide_in_process(directory: str, row: dict, verdict: str, barrier) -> None:
    store = _store(directory)
    barrier.wait()
    store.decide(verdict, row["subject_id"], row["object_id"], reviewer=REVIEWER, proposal=row)


def test_concurrent_saves_keep_both_decisions(proposals, tmp_path):
    rows = _rows(proposals)[:8]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(rows))
    workers = [
        context.Process(
            target=_decide_in_process,
            args=(str(tmp_path), row, ("accept", "reject")[i % 2], barrier),
        )
        for i, row in enumerate(rows)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    decided = {
        frozenset((r["subject_id"], r["object_id"]))
        for name in ("positive", "negative")
        for r in _rows(tmp_path / f"{name}.sssom.tsv")
    }
    assert decided == {frozenset((r["subject_id"], r["object_id"])) for r in rows}


def test_a_killed_write_leaves_the_previous_file_intact(proposals, tmp_path):
    rows = _rows(proposals)
    store = _store(tmp_path)
    store.decide("accept", rows[0]["subject_id"], rows[0]["object_id"], reviewer=REVIEWER)
    before = (tmp_path / "positive.sssom.tsv").read_bytes()
    code = (
        "import os, sys\n"
        "import kcgraph.export as export\n"
        "from kcgraph.match import curie_map\n"
        "from kcgraph.namespaces import Minter\n"
        "from kcgraph.review import ReviewStore\n"
        "real = os.replace\n"
        "def die(*a):\n"
        "    os.kill(os.getpid(), 9)\n"
        "export.os.replace = die\n"
        f"store = ReviewStore({str(tmp_path)!r}, prefixes=curie_map(['okla','ccm','kcm','cci'], "
        "Minter()))\n"
        f"store.decide('accept', {rows[3]['subject_id']!r}, {rows[3]['object_id']!r}, "
        f"reviewer={REVIEWER!r})\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert result.returncode == -9
    assert (tmp_path / "positive.sssom.tsv").read_bytes() == before
    store.decide("accept", rows[4]["subject_id"], rows[4]["object_id"], reviewer=REVIEWER)
    assert len(_rows(tmp_path / "positive.sssom.tsv")) == 2  # the lock was released by death


def test_status_reports_decisions_whose_statement_is_gone(proposals, tmp_path):
    row = _rows(proposals)[0]
    store = _store(tmp_path)
    store.decide("accept", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    text = (tmp_path / "positive.sssom.tsv").read_text(encoding="utf-8")
    ghost = row["subject_id"].split(":")[0] + ":statement-that-was-edited-away-000000"
    (tmp_path / "positive.sssom.tsv").write_text(
        text.replace(row["subject_id"], ghost), encoding="utf-8"
    )
    result = kcgraph("review", "status", "--proposals", str(proposals), "--mappings", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"orphan (accept): {ghost}" in result.stdout
    assert "1 decisions in" in result.stdout
    built = run_build(mappings_dir=tmp_path, vocabularies=False)
    assert len(built.skipped_decisions) == 1  # kept in the file, not applied


def test_bad_reviewer_and_unknown_ids_are_clear_errors(proposals, tmp_path):
    row = _rows(proposals)[0]
    result = kcgraph(
        "review",
        "accept",
        row["subject_id"],
        row["object_id"],
        "--reviewer",
        "Jan",
        "--mappings",
        str(tmp_path),
        "--proposals",
        str(proposals),
    )
    assert result.returncode == 2 and "must be a CURIE" in result.stderr
    result = kcgraph(
        "review",
        "accept",
        "nope:1",
        row["object_id"],
        "--reviewer",
        REVIEWER,
        "--mappings",
        str(tmp_path),
        "--proposals",
        str(proposals),
    )
    assert result.returncode == 2 and "not a CURIE of a known prefix" in result.stderr
    assert not (tmp_path / "positive.sssom.tsv").exists()


def test_committed_decision_files_are_valid_sssom():
    directory = Path(__file__).resolve().parents[1] / "data" / "mappings"
    for name in ("positive", "negative", "unsure"):
        path = directory / f"{name}.sssom.tsv"
        if path.is_file():
            metadata, rows = read_sssom(path)
            assert {"curie_map", "mapping_set_id", "license"} <= set(metadata)
            for row in rows:
                assert row["mapping_justification"] == "semapv:ManualMappingCuration"
                assert row["reviewer_id"].startswith("orcid:")
