"""The curation data itself: the committed decision files pass the integrity checks.

In the manner of biomappings, whose whole validity test calls a shipped integrity check:
sorted rows, valid CURIEs, semapv justifications, known and valid reviewers, and no pair
decided twice. A second test shows each check catches what it is for.
"""

from __future__ import annotations

from pathlib import Path

from kcgraph.resources import resource_dir
from kcgraph.review import integrity_problems

from ..conftest import REVIEWER, workspace

COMMITTED = resource_dir("data") / "mappings"


def test_committed_decisions_pass_the_integrity_checks():
    assert COMMITTED.is_dir()
    assert integrity_problems(workspace(mappings_dir=COMMITTED).store(check_ids=False)) == []


def _damaged(tmp_path: Path, proposals) -> Path:
    """Decision files with one of each problem, written by hand as a careless editor would."""
    from ..conftest import read_table

    rows = read_table(proposals)[1][:2]
    store = workspace(mappings_dir=tmp_path).store()
    for row in rows:
        store.decide("accept", row["subject_id"], row["object_id"], reviewer=REVIEWER)
    positive = (tmp_path / "positive.sssom.tsv").read_text(encoding="utf-8")
    lines = positive.splitlines()
    header = [line for line in lines if line.startswith("#") or line.startswith("subject_id")]
    body = [line for line in lines if line not in header]
    # rows out of order, one with a lexical justification, one reviewer not registered
    damaged = body[::-1]
    damaged[0] = damaged[0].replace("semapv:ManualMappingCuration", "semapv:LexicalMatching")
    damaged[1] = damaged[1].replace(REVIEWER, "orcid:0000-0001-5109-3700")
    (tmp_path / "positive.sssom.tsv").write_text("\n".join(header + damaged) + "\n")
    negative = positive.replace("subject_id\t", "subject_id\t", 1)
    (tmp_path / "negative.sssom.tsv").write_text(negative, encoding="utf-8")  # pairs twice
    return tmp_path


def test_each_integrity_check_catches_its_problem(tmp_path, proposals):
    problems = integrity_problems(workspace(mappings_dir=_damaged(tmp_path, proposals)).store())
    text = "\n".join(problems)
    assert "positive.sssom.tsv: rows are not in canonical sorted order" in text
    assert "justification semapv:LexicalMatching" in text
    assert "orcid:0000-0001-5109-3700 is not in reviewers.tsv" in text
    assert "pair also decided in" in text
    assert "predicate_modifier does not match the file" in text
