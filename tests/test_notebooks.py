"""Every notebook runs on first open: from ``notebooks/`` of a project under git, after its
main job, with no ``KCGRAPH_*`` variable set; git stays clean."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from kcgraph.resources import default_manifest

from .conftest import run_cli

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: The figures of explore.ipynb: shares per profile pair, clusters, the crosswalk per pair.
FIGURES = ("coverage.png", "clusters.png", "crosswalk.png")


def _git(root: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory, built, proposals, isolated_environment) -> Path:
    """``kcgraph init`` with the bundled profiles and the notebooks, committed to git, after
    its main job (the session's build and queue, the files ``make run`` writes)."""
    root = tmp_path_factory.mktemp("first-open") / "crosswalk"
    assert run_cli("init", root).returncode == 0
    settings = root / "kcgraph.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace('"sources/manifest.toml"', f'"{default_manifest().as_posix()}"'),
        encoding="utf-8",
    )
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "a crosswalk project")
    shutil.copytree(built.files[0].parent, root / "out")
    shutil.copy(proposals, root / "out" / "proposals.sssom.tsv")
    return root


def _run(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},  # as JupyterLab runs it
    ).execute()
    return notebook


def _text(notebook: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))


def test_every_notebook_runs_on_first_open_with_nothing_set(
    project, isolated_environment, monkeypatch, tmp_path
):
    for name in [n for n in os.environ if n.startswith("KCGRAPH_")]:
        monkeypatch.delenv(name)
    cache_home = tmp_path / "cache-home"  # the session's embeddings, found the default way
    cache_home.mkdir()
    (cache_home / "kcgraph").symlink_to(isolated_environment, target_is_directory=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    notebooks = sorted((project / "notebooks").glob("*.ipynb"))
    assert [n.name for n in notebooks] == sorted(n.name for n in NOTEBOOKS.glob("*.ipynb"))
    outputs = {n.name: _run(n) for n in notebooks}

    explore = outputs["explore.ipynb"]
    images = [
        o for c in explore.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(images) == len(FIGURES)
    for figure in FIGURES:
        assert (project / "out" / "figures" / figure).stat().st_size > 10_000
    text = _text(explore)
    assert "Bouwt relaties op en onderhoudt ze  >  Handelt telefonische klantvragen" in text
    assert "clusters from exact-match proposals" in text
    desk = _text(outputs["review-by-statement.ipynb"])
    assert "enter your ORCID below" in desk and "screens open" in desk
    assert _git(project, "status", "--porcelain", "--untracked-files=all") == ""


def test_only_the_projects_notebooks_are_saved_without_outputs():
    """The pre-save hook drops outputs, counts and cell metadata of kcgraph's notebooks;
    a notebook of the user's own is saved as Jupyter saves it."""
    from kcgraph.review.frontends.notebook_save import strip_outputs

    def model() -> dict:
        cell = {"cell_type": "code", "execution_count": 3, "metadata": {"scrolled": True}}
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
        metadata = {"kernelspec": {"name": "python3"}, "language_info": {"version": "3.11"}}
        return {"type": "notebook", "content": {"cells": [cell], "metadata": metadata}}

    ours, theirs = model(), model()
    strip_outputs(ours, path="notebooks/explore.ipynb")
    strip_outputs(theirs, path="analysis.ipynb")
    assert ours["content"]["cells"][0] == {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
    }
    assert ours["content"]["metadata"] == {
        "kernelspec": {"name": "python3"},
        "language_info": {"name": "python"},
    }
    assert theirs == model()
