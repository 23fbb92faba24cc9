"""Review decisions: files, CLI, feedback into the graph, concurrency, killed writes."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, SKOS

from kcgraph.build import run_build
from kcgraph.graph.namespaces import SSSOM
from kcgraph.mappings import read_mappings

from ..conftest import RESOURCES, REVIEWER, ROOT, read_table, run_cli, workspace


@pytest.fixture(scope="module")
def rows(proposals) -> list[dict]:
    return read_table(proposals)[1]


def _store(directory):
    return workspace(mappings_dir=directory).store()


def _decided(path: Path) -> list:
    return read_mappings(path).mappings if path.is_file() else []


def test_accept_rebuild_link_in_graph_with_provenance(proposals, rows, tmp_path):
    row = rows[0]
    result = run_cli(
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
        proposals,
        "--mappings",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    (accepted,) = read_table(tmp_path / "positive.sssom.tsv")[1]
    assert accepted["mapping_justification"] == "semapv:ManualMappingCuration"
    assert accepted["reviewer_id"] == REVIEWER and accepted["author_id"] == REVIEWER
    assert float(accepted["similarity_score"]) == float(row["similarity_score"])
    assert accepted["comment"] == "same activity, other wording"
    assert accepted["mapping_date"]
    assert REVIEWER in (tmp_path / "reviewers.tsv").read_text(encoding="utf-8")

    ws = workspace(mappings_dir=tmp_path, out_dir=tmp_path / "out")
    result = run_build(ws, vocabularies=False)
    s = URIRef(ws.converter.expand(row["subject_id"]))
    o = URIRef(ws.converter.expand(row["object_id"]))
    graph = result.mappings
    assert (s, SKOS.relatedMatch, o) in graph and (s, None, o) not in result.graph
    axiom = graph.value(predicate=OWL.annotatedSource, object=s)
    assert graph.value(axiom, OWL.annotatedTarget) == o
    assert graph.value(axiom, SSSOM.reviewer_id) == URIRef("https://orcid.org/0000-0002-1825-0097")
    assert str(graph.value(axiom, SSSOM.mapping_justification)).endswith("ManualMappingCuration")
    assert (tmp_path / "out" / "mappings.ttl").is_file()


def test_reject_keeps_link_out_of_graph_and_queue(rows, tmp_path, scorer):
    from kcgraph.match.crosswalk import predict_candidates

    row = rows[1]
    store = _store(tmp_path)
    store.decide("reject", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    (rejected,) = read_table(tmp_path / "negative.sssom.tsv")[1]
    assert rejected["predicate_modifier"] == "Not"
    built = run_build(workspace(mappings_dir=tmp_path), write=False)
    s, o = URIRef(store.iri(row["subject_id"])), URIRef(store.iri(row["object_id"]))
    assert not list(built.mappings.triples((s, None, o)))
    pairs = {
        frozenset((m.subject.iri, m.object.iri))
        for m in predict_candidates(scorer, top_k=5, threshold=0.45, exclude=store.decided_pairs())
    }
    assert frozenset((str(s), str(o))) not in pairs


def test_a_new_decision_moves_the_pair(rows, tmp_path):
    row = rows[2]
    store = _store(tmp_path)
    store.decide("unsure", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    store.decide(
        "accept",
        row["object_id"],
        row["subject_id"],
        reviewer=REVIEWER,
        predicate="skos:exactMatch",
    )
    assert _decided(tmp_path / "unsure.sssom.tsv") == []
    (accepted,) = _decided(tmp_path / "positive.sssom.tsv")
    assert accepted.predicate.curie == "skos:exactMatch"


def test_direction_is_the_reviewers(proposals, rows, tmp_path):
    """A reviewer who names a proposal A -> B as B broadMatch A gets exactly that."""
    from kcgraph.review.decisions.proposals import find_proposal, read_proposals

    row = rows[3]
    ws = workspace(mappings_dir=tmp_path)
    store = ws.store()
    proposal = find_proposal(
        store, read_proposals(proposals, ws), row["subject_id"], row["object_id"]
    )
    stored = store.decide(
        "accept",
        row["object_id"],
        row["subject_id"],
        reviewer=REVIEWER,
        predicate="skos:broadMatch",
        proposal=proposal,
    )
    assert (stored.subject.curie, stored.object.curie) == (row["object_id"], row["subject_id"])
    assert stored.subject.name == row["object_label"]
    assert stored.subject_category.curie == row["object_category"]
    (saved,) = _decided(tmp_path / "positive.sssom.tsv")
    assert (saved.subject.curie, saved.predicate.curie) == (row["object_id"], "skos:broadMatch")


@pytest.mark.parametrize(
    ("subject", "obj", "reviewer", "expect"),
    [
        ("okla:occupation", "okla:occupation", REVIEWER, "cannot be mapped to itself"),
        ("okla:occupation", "okla:samenwerken-edeaf1", REVIEWER, "both in 'okla'"),
        ("okla:no-such-statement-000000", "kcm:occupation", REVIEWER, "no such statement"),
        ("nope:1", "kcm:occupation", REVIEWER, "not an IRI or a CURIE of a known prefix"),
        ("okla:occupation", "kcm:occupation", "Jan", "must be a CURIE"),
        ("okla:occupation", "kcm:occupation", "orcid:x", "not a valid ORCID"),
        ("okla:occupation", "kcm:occupation", "orcid:0000-0002-1825-0098", "check digit"),
        ("okla:occupation", "kcm:occupation", "evil:x", "is not declared"),
        ("okla:occupation", "kcm:occupation", "orcid:0000-0000-0000-0000", "placeholder"),
    ],
)
def test_bad_decisions_are_refused_with_exit_2(tmp_path, subject, obj, reviewer, expect):
    args = ("review", "accept", subject, obj, "--reviewer", reviewer, "--mappings", tmp_path)
    result = run_cli(*args)
    assert result.returncode == 2, result.stdout
    assert expect in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "positive.sssom.tsv").exists()


def _decide_in_process(directory: str, row: dict, verdict: str, barrier) -> None:
    store = _store(directory)
    barrier.wait()
    store.decide(verdict, row["subject_id"], row["object_id"], reviewer=REVIEWER)


def test_concurrent_saves_keep_every_decision(rows, tmp_path):
    chosen = rows[:8]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(chosen))
    workers = [
        context.Process(
            target=_decide_in_process,
            args=(str(tmp_path), row, ("accept", "reject")[i % 2], barrier),
        )
        for i, row in enumerate(chosen)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    decided = {
        frozenset((m.subject.curie, m.object.curie))
        for name in ("positive", "negative")
        for m in _decided(tmp_path / f"{name}.sssom.tsv")
    }
    assert decided == {frozenset((r["subject_id"], r["object_id"])) for r in chosen}


#: A child that records one decision but dies (SIGKILL) at its N-th rename.
_KILLED_AT = """
import os, sys
import kcgraph.files as files
from kcgraph.settings import Settings
from kcgraph.workspace import Workspace
count = 0
real = os.replace
def dying(*args):
    global count
    count += 1
    if count == {n}:
        os.kill(os.getpid(), 9)
    return real(*args)
files.os.replace = dying
store = Workspace(Settings(mappings_dir={d!r})).store()
store.decide("reject", {s!r}, {o!r}, reviewer={r!r})
"""


def test_a_decision_killed_at_any_write_is_old_or_new_never_lost(rows, tmp_path):
    """Moving a pair from positive to negative, killed at every rename in turn."""
    row = rows[4]
    outcomes = set()
    for n in range(1, 12):
        directory = tmp_path / f"kill-{n}"
        _store(directory).decide("accept", row["subject_id"], row["object_id"], reviewer=REVIEWER)
        code = _KILLED_AT.format(
            n=n, d=str(directory), s=row["subject_id"], o=row["object_id"], r=REVIEWER
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True)
        killed = result.returncode == -9
        decisions = _store(directory).decisions()  # a reader finishes a committed move
        assert len(decisions) == 1, (n, decisions)
        outcomes.add((killed, decisions[0].verdict))
        assert (
            not list(directory.glob(".*.tmp"))
            and not (directory / ".kcgraph-journal.json").exists()
        )
        if not killed:
            break
    assert (True, "accept") in outcomes and (True, "reject") in outcomes
    assert (False, "reject") in outcomes


def test_a_full_disk_keeps_the_old_decisions(rows, tmp_path, monkeypatch):
    import errno

    import kcgraph.files as files

    row = rows[5]
    store = _store(tmp_path)
    store.decide("accept", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    writes = []
    real_fdopen = files.os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            writes.append(len(data))
            if len(writes) >= 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    with pytest.raises(Exception, match="No space left on device") as error:
        store.decide("reject", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    assert "sssom.tsv" in str(error.value)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before
    assert [d.verdict for d in store.decisions()] == ["accept"]


def test_status_reports_decisions_whose_statement_is_gone(proposals, rows, tmp_path):
    row = rows[0]
    store = _store(tmp_path)
    store.decide("accept", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    text = (tmp_path / "positive.sssom.tsv").read_text(encoding="utf-8")
    ghost = row["subject_id"].split(":")[0] + ":statement-that-was-edited-away-000000"
    (tmp_path / "positive.sssom.tsv").write_text(
        text.replace(row["subject_id"], ghost), encoding="utf-8"
    )
    result = run_cli("review", "status", "--proposals", proposals, "--mappings", tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"orphan (accept): {ghost}" in result.stdout
    assert "1 decisions in" in result.stdout
    built = run_build(workspace(mappings_dir=tmp_path), write=False)
    assert len(built.skipped_decisions) == 1  # kept in the file, not applied


def test_decision_files_set_ids_follow_the_base(tmp_path, proposals):
    """The decision files' mapping sets are named under the run's base IRI."""
    base = "https://example.org/kc/"
    row = read_table(proposals)[1][0]
    store = workspace(base=base, mappings_dir=tmp_path).store(check_ids=False)
    store.decide("accept", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    for name in ("positive", "negative", "unsure"):
        metadata, _ = read_table(tmp_path / f"{name}.sssom.tsv")
        assert metadata["mapping_set_id"] == f"{base}mappings/{name}"


def test_a_folder_one_may_only_read_is_read_without_the_lock(tmp_path, monkeypatch):
    """Decisions on a read-only medium (the lock file cannot be made) are read all the
    same; a save there is one line. (Root may write anywhere, so the medium's answer is
    played here: creating the lock file fails as on a read-only file system.)"""
    import errno

    import filelock

    from kcgraph.errors import KcgraphError

    folder = tmp_path / "decisions"
    shutil.copytree(RESOURCES / "mappings", folder)
    before = workspace(mappings_dir=folder).store().decisions()

    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(filelock.FileLock, "acquire", read_only)
    store = workspace(mappings_dir=folder).store()
    assert [d.mapping for d in store.decisions()] == [d.mapping for d in before]
    with pytest.raises(KcgraphError, match=r"cannot take \.lock"):
        with store.locked():
            pass


def test_one_decision_is_one_line_of_the_decision_file(proposals, rows, tmp_path):
    """The committed files keep one fixed set of columns and prefixes: a decision from the
    command line, and one from a proposal that brings categories, sources and a score, each
    add one line and change none."""
    from kcgraph.review.session.loop import ReviewLoop

    decisions = tmp_path / "decisions"
    shutil.copytree(ROOT / "data" / "mappings", decisions)
    positive = decisions / "positive.sssom.tsv"

    def lines() -> list[str]:
        return positive.read_text(encoding="utf-8").splitlines()

    before = lines()
    a, b = rows[0]["subject_id"], rows[0]["object_id"]
    accepted = run_cli("review", "accept", a, b, "--mappings", decisions, "--reviewer", REVIEWER)
    assert accepted.returncode == 0, accepted.stderr
    after = lines()
    assert len(after) == len(before) + 1 and set(before) <= set(after)
    ws = workspace(mappings_dir=decisions, reviewer=REVIEWER)
    loop = ReviewLoop(ws, proposals=proposals)
    screen = next(s for s in loop.screens() if s.candidates[0].mapping.confidence is not None)
    loop.answer(screen, {screen.candidates[0].other: "skos:closeMatch"})
    again = lines()
    assert len(again) == len(after) + 1 and set(after) <= set(again)
