"""A project of one's own (``kcgraph init``): commands inside it, or with ``--project``,
read its manifest and decisions and write its output; options and variables still win;
a second init and a broken ``kcgraph.toml`` are one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kcgraph.resources import default_manifest
from kcgraph.settings import Settings

from .conftest import REVIEWER, run_cli

#: The session's environment points decisions elsewhere; a project's own must show.
OWN = {"KCGRAPH_MAPPINGS": None, "KCGRAPH_OUT_DIR": None}


@pytest.fixture()
def project(tmp_path) -> Path:
    assert run_cli("init", tmp_path / "mine").returncode == 0
    root = tmp_path / "mine"
    shutil.copy(default_manifest().parent / "kcm.txt", root / "sources" / "kcm.txt")
    entry = next(
        block
        for block in default_manifest().read_text(encoding="utf-8").split("[[source]]")
        if 'id = "kcm"' in block
    )
    with (root / "sources" / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write("\n[[source]]" + entry)
    return root


def test_commands_inside_a_project_read_and_write_there(project):
    build = run_cli("build", cwd=project, **OWN)
    assert build.returncode == 0, build.stderr
    assert (project / "out" / "kcgraph.ttl").is_file()
    accept = run_cli(
        "review",
        "accept",
        "voorbeeld:occupation",
        "kcm:occupation",
        "--reviewer",
        REVIEWER,
        cwd=project / "decisions",
        **OWN,
    )
    assert accept.returncode == 0, accept.stderr
    assert "voorbeeld:occupation" in (project / "decisions" / "positive.sssom.tsv").read_text()
    again = run_cli("--project", project, "build", cwd=project.parent, **OWN)
    assert again.returncode == 0, again.stderr
    assert "voorbeeld/occupation" in (project / "out" / "mappings.ttl").read_text()
    assert sorted(p.name for p in project.parent.iterdir()) == ["mine"]


def test_options_and_variables_win_over_the_project_file(project, tmp_path, monkeypatch):
    monkeypatch.chdir(project)
    monkeypatch.delenv("KCGRAPH_OUT_DIR", raising=False)
    assert Settings().out_dir == project / "out"
    assert Settings().with_options(out_dir=tmp_path / "x").out_dir == tmp_path / "x"
    monkeypatch.setenv("KCGRAPH_OUT_DIR", str(tmp_path / "y"))
    assert Settings().out_dir == tmp_path / "y"


def test_init_twice_and_a_broken_project_file_are_one_line(project):
    twice = run_cli("init", project)
    assert twice.returncode == 2 and "already a kcgraph project" in twice.stderr
    (project / "kcgraph.toml").write_text("[settings\n")
    broken = run_cli("build", cwd=project, **OWN)
    assert broken.returncode == 2 and len(broken.stderr.strip().splitlines()) == 1
    assert "kcgraph.toml: not a readable TOML file" in broken.stderr
    (project / "kcgraph.toml").write_text('[settings]\ncolour = "blue"\n')
    unknown = run_cli("build", cwd=project, **OWN)
    assert unknown.returncode == 2 and "colour" in unknown.stderr


def test_init_never_overwrites_what_is_there(tmp_path):
    """A folder that already has a reviewer register or a manifest: init refuses with one
    line, writes nothing, and the user's files are as they were."""
    root = tmp_path / "old"
    (root / "decisions").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "decisions" / "reviewers.tsv").write_text("reviewer_id\tname\norcid:1\tAnn\n")
    (root / "sources" / "manifest.toml").write_text("# mine\n")
    result = run_cli("init", root)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "decisions/reviewers.tsv" in result.stderr and "init never overwrites" in result.stderr
    assert (root / "decisions" / "reviewers.tsv").read_text() == "reviewer_id\tname\norcid:1\tAnn\n"
    assert (root / "sources" / "manifest.toml").read_text() == "# mine\n"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        "decisions",
        "decisions/reviewers.tsv",
        "sources",
        "sources/manifest.toml",
    ]
