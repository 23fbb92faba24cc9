"""Two reviewers' decisions combined: by ``kcgraph review merge`` on two folders, and by git
with the merge driver docs/layout.md shows (a real repository, two branches, ``git merge``).
Rows only one side has are kept, the same decision twice once (with both reviewers),
different decisions on a pair both, listed by ``review status``; agreement as Cohen's kappa."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kcgraph.review.decisions.merge import merge_folders

from ..conftest import RESOURCES, run_cli, workspace

ONE, TWO = "orcid:0000-0002-1825-0097", "orcid:0000-0001-5109-3700"


@pytest.fixture(scope="module")
def pairs() -> list[tuple[str, str]]:
    """Four undecided pairs of statements of two profiles (okla, kcm)."""
    ws = workspace(mappings_dir=RESOURCES / "mappings")
    curies = sorted(ws.converter.compress(iri) for iri in ws.statement_iris)
    okla = [c for c in curies if c.startswith("okla:")]
    kcm = [c for c in curies if c.startswith("kcm:")]
    decided = ws.decided_pairs
    found = [(a, b) for a, b in zip(okla, kcm, strict=False) if frozenset((a, b)) not in decided]
    return found[:4]


def _decide(folder: Path, verdict: str, pair: tuple[str, str], reviewer: str, *extra: str):
    result = run_cli("review", verdict, *pair, "--reviewer", reviewer, "--mappings", folder, *extra)
    assert result.returncode == 0, result.stderr


def _branches(tmp_path: Path, pairs) -> tuple[Path, Path, Path]:
    ancestor = tmp_path / "ancestor"
    shutil.copytree(RESOURCES / "mappings", ancestor)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    shutil.copytree(ancestor, ours)
    shutil.copytree(ancestor, theirs)
    p1, p2, p3, p4 = pairs
    _decide(ours, "accept", p1, ONE, "--predicate", "skos:exactMatch")
    _decide(ours, "reject", p2, ONE)
    _decide(ours, "accept", p3, ONE)
    _decide(theirs, "accept", p1, TWO, "--predicate", "skos:exactMatch")
    _decide(theirs, "accept", p2, TWO)
    _decide(theirs, "unsure", p4, TWO)
    return ancestor, ours, theirs


def _rows(folder: Path) -> dict[str, list[str]]:
    return {
        name: [x for x in (folder / name).read_text().splitlines() if x and x[0] not in "#s"]
        for name in ("positive.sssom.tsv", "negative.sssom.tsv", "unsure.sssom.tsv")
    }


def test_merge_keeps_both_sides_once_and_leaves_conflicts_for_review(tmp_path, pairs):
    ancestor, ours, theirs = _branches(tmp_path, pairs)
    ws = workspace(mappings_dir=ours)
    result = merge_folders(
        ours,
        theirs,
        ancestor=ancestor,
        target=tmp_path / "merged",
        converter=ws.converter,
        base=ws.settings.base,
    )
    merged = _rows(tmp_path / "merged")
    p1, p2, p3, p4 = pairs
    with_p1 = [r for r in merged["positive.sssom.tsv"] if p1[0] in r and p1[1] in r]
    assert len(with_p1) == 1 and ONE in with_p1[0] and TWO in with_p1[0]
    assert any(p2[0] in r for r in merged["positive.sssom.tsv"])
    assert any(p2[0] in r for r in merged["negative.sssom.tsv"])
    assert any(p3[0] in r for r in merged["positive.sssom.tsv"])
    assert any(p4[0] in r for r in merged["unsure.sssom.tsv"])
    base_rows = sum(len(rows) for rows in _rows(ancestor).values())
    assert sum(len(rows) for rows in merged.values()) == base_rows + 5
    assert result.kept_once == 1 and [d.pair for d in result.disagreements] == [tuple(sorted(p2))]
    assert result.agreement.pairs == 2 and result.agreement.observed == 0.5
    status = run_cli("review", "status", "--mappings", tmp_path / "merged")
    clash = [line for line in status.stdout.splitlines() if "accepted and rejected" in line]
    assert len(clash) == 1 and ONE in clash[0] and TWO in clash[0]


def test_merge_command_reports_what_it_did_and_kappa(tmp_path, pairs):
    ancestor, ours, theirs = _branches(tmp_path, pairs)
    result = run_cli("review", "merge", ours, theirs, "--ancestor", ancestor)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("merged: ") and "1 made the same way on both sides" in lines[0]
    assert any(line.startswith("  differ: ") for line in lines)
    assert "Cohen's kappa" in lines[-1] and "2 pairs judged on both sides" in lines[-1]


def test_git_merges_two_reviewers_branches_with_the_driver(tmp_path, pairs):
    repo = tmp_path / "repo"
    decisions = repo / "decisions"
    shutil.copytree(RESOURCES / "mappings", decisions)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)

    git("init", "-q", "-b", "main")
    driver = f"{sys.executable} -m kcgraph review merge-file %O %A %B %P"
    git("config", "merge.kcgraph.driver", driver)
    (repo / ".gitattributes").write_text("*.sssom.tsv merge=kcgraph\nreviewers.tsv merge=kcgraph\n")
    git("add", ".")
    git("commit", "-q", "-m", "ancestor")
    p1, p2, p3, p4 = pairs
    git("checkout", "-q", "-b", "two")
    _decide(decisions, "accept", p1, TWO, "--predicate", "skos:exactMatch")
    _decide(decisions, "accept", p2, TWO)
    _decide(decisions, "accept", p4, TWO)
    git("commit", "-q", "-am", "two")
    git("checkout", "-q", "main")
    _decide(decisions, "accept", p1, ONE, "--predicate", "skos:exactMatch")
    _decide(decisions, "reject", p2, ONE)
    _decide(decisions, "accept", p3, ONE)
    git("commit", "-q", "-am", "one")
    folders = {}
    for side, revision in (("base", "HEAD~1"), ("ours", "HEAD"), ("theirs", "two")):
        folders[side] = tmp_path / side
        folders[side].mkdir()
        for name in ("positive.sssom.tsv", "negative.sssom.tsv", "unsure.sssom.tsv"):
            shown = git("show", f"{revision}:decisions/{name}")
            if shown.returncode == 0:
                (folders[side] / name).write_text(shown.stdout, encoding="utf-8")
    by_command = run_cli(
        "review",
        "merge",
        folders["ours"],
        folders["theirs"],
        "--ancestor",
        folders["base"],
        "-o",
        tmp_path / "merged",
    )
    agreement = next(x for x in by_command.stdout.splitlines() if "Cohen's kappa" in x)
    merged = git("merge", "-q", "--no-edit", "two")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    # the driver reports the agreement of the whole folder, as review merge does
    assert f"the decision folder, every verdict: {agreement}" in merged.stdout + merged.stderr
    assert "undefined" not in agreement and "100.0 %" not in agreement
    text = "".join(p.read_text() for p in decisions.glob("*.tsv"))
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    status = run_cli("review", "status", "--mappings", decisions)
    assert status.returncode == 0, status.stderr
    clash = [line for line in status.stdout.splitlines() if "accepted and rejected" in line]
    assert len(clash) == 1 and ONE in clash[0] and TWO in clash[0]
    positive = (decisions / "positive.sssom.tsv").read_text()
    assert p3[0] in positive and p4[0] in positive
    assert sum(p1[0] in line and p1[1] in line for line in positive.splitlines()) == 1


def test_nothing_a_merge_would_delete_is_merged(tmp_path):
    """A missing folder or an empty side is refused (read as "nothing decided", it would
    delete every decision); so is a 0-byte side given to the git driver; OURS is untouched."""
    ancestor, ours, theirs = tmp_path / "ancestor", tmp_path / "ours", tmp_path / "theirs"
    for folder in (ancestor, ours, theirs):
        shutil.copytree(RESOURCES / "mappings", folder)
    before = {p.name: p.read_bytes() for p in ours.iterdir()}
    (tmp_path / "empty").mkdir()
    for args, message in (
        ((ours, tmp_path / "typo", "--ancestor", ancestor), "theirs decision folder not found"),
        ((ours, theirs, "--ancestor", tmp_path / "typo"), "ancestor decision folder not found"),
        ((ours, tmp_path / "empty", "--ancestor", ancestor), "theirs folder holds no decision"),
    ):
        result = run_cli("review", "merge", *args)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    mine = tmp_path / "mine.tsv"
    shutil.copyfile(ours / "positive.sssom.tsv", mine)
    (tmp_path / "zero.tsv").write_bytes(b"")
    result = run_cli(
        "review",
        "merge-file",
        ancestor / "positive.sssom.tsv",
        mine,
        tmp_path / "zero.tsv",
        "positive.sssom.tsv",
    )
    assert result.returncode == 2 and "theirs is an empty file" in result.stderr
    assert mine.read_bytes() == (ours / "positive.sssom.tsv").read_bytes()
    assert {p.name: p.read_bytes() for p in ours.iterdir()} == before


def test_a_merge_keeps_the_newer_comment_and_date(tmp_path):
    """One side accepts a pair again with a comment: the merge keeps that row, not the
    ancestor's."""
    ancestor = tmp_path / "ancestor"
    shutil.copytree(RESOURCES / "mappings", ancestor)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    shutil.copytree(ancestor, ours)
    shutil.copytree(ancestor, theirs)
    lines = (ancestor / "positive.sssom.tsv").read_text().splitlines()
    header = next(line for line in lines if line.startswith("subject_id")).split("\t")
    row = dict(
        zip(
            header,
            next(line for line in lines if line.startswith(("okla", "ccm", "kcm", "cci"))).split(
                "\t"
            ),
            strict=False,
        )
    )
    _decide(
        theirs,
        "accept",
        (row["subject_id"], row["object_id"]),
        TWO,
        "--predicate",
        row["predicate_id"],
        "--comment",
        "checked again against the source",
    )
    result = run_cli("review", "merge", ours, theirs, "--ancestor", ancestor, "-o", tmp_path / "m")
    assert result.returncode == 0, result.stderr
    merged = [
        line
        for line in (tmp_path / "m" / "positive.sssom.tsv").read_text().splitlines()
        if line.startswith(f"{row['subject_id']}\t") and f"\t{row['object_id']}\t" in line
    ]
    assert len(merged) == 1 and "checked again against the source" in merged[0]
