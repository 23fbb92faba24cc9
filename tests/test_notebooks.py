"""Both notebooks execute headless; the review notebook's buttons record real decisions."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from rdflib import URIRef
from rdflib.namespace import SKOS

from kcgraph.build import run_build

from .conftest import REVIEWER, read_table, workspace

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory, built, proposals):
    """A copy of the session build with the default proposals beside it."""
    out = tmp_path_factory.mktemp("notebook-out")
    shutil.copytree(built.files[0].parent, out, dirs_exist_ok=True)
    shutil.copy(proposals, out / "proposals.sssom.tsv")
    return out


def _run(name: str, extra_cells: list[str] = ()) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for source in extra_cells:
        notebook.cells.append(nbformat.v4.new_code_cell(source))
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    return notebook


def test_review_notebook_ten_decisions_then_rebuild(out_dir, tmp_path, monkeypatch):
    mappings = tmp_path / "mappings"
    monkeypatch.setenv("KCGRAPH_OUT_DIR", str(out_dir))
    monkeypatch.setenv("KCGRAPH_MAPPINGS", str(mappings))
    monkeypatch.setenv("KCGRAPH_REVIEWER", REVIEWER)
    clicks = [  # the same handlers the buttons call in a browser
        "ui = wb.widget()",
        "first = wb.current()",
        *["wb.buttons['closeMatch'].click()"] * 4,
        "wb.buttons['exactMatch'].click()",
        "wb.buttons['relatedMatch'].click()",
        "wb.buttons['skip'].click()",
        *["wb.buttons['reject'].click()"] * 2,
        "wb.buttons['unsure'].click()",
        "wb.buttons['broadMatch'].click()",
        "print('progress', wb.progress())",
    ]
    notebook = _run("review.ipynb", ["\n".join(clicks)])
    text = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))
    assert "reviewer: orcid:0000-0002-1825-0097" in text and "progress (10," in text
    assert "model learnt from" in text

    positive = read_table(mappings / "positive.sssom.tsv")[1]
    negative = read_table(mappings / "negative.sssom.tsv")[1]
    unsure = read_table(mappings / "unsure.sssom.tsv")[1]
    assert (len(positive), len(negative), len(unsure)) == (7, 2, 1)
    assert sorted(r["predicate_id"] for r in positive) == sorted(
        ["skos:closeMatch"] * 4 + ["skos:exactMatch", "skos:relatedMatch", "skos:broadMatch"]
    )

    ws = workspace(mappings_dir=mappings)
    graph = run_build(ws, write=False).mappings
    store = ws.store()
    for row in positive:
        link = (
            URIRef(store.iri(row["subject_id"])),
            URIRef(store.iri(row["predicate_id"])),
            URIRef(store.iri(row["object_id"])),
        )
        assert link in graph
    for row in negative:
        s, o = URIRef(store.iri(row["subject_id"])), URIRef(store.iri(row["object_id"]))
        assert not any((s, p, o) in graph for p in (SKOS.closeMatch, SKOS.exactMatch))


#: The figures of explore.ipynb: shares per profile pair, clusters, the crosswalk per pair.
FIGURES = ("coverage.png", "clusters.png", "crosswalk.png")


def test_explore_notebook_draws_its_figures(out_dir, monkeypatch):
    monkeypatch.setenv("KCGRAPH_OUT_DIR", str(out_dir))
    for figure in FIGURES:
        (out_dir / "figures" / figure).unlink(missing_ok=True)
    notebook = _run("explore.ipynb")
    images = [
        o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(images) == len(FIGURES)
    for figure in FIGURES:
        assert (out_dir / "figures" / figure).stat().st_size > 10_000
    text = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))
    assert "Bouwt relaties op en onderhoudt ze  >  Handelt telefonische klantvragen" in text
    assert "clusters from exact-match proposals" in text


def test_only_the_projects_notebooks_are_saved_without_outputs():
    """The pre-save hook drops outputs, counts and cell metadata of kcgraph's notebooks;
    a notebook of the user's own is saved as Jupyter saves it."""
    from kcgraph.review.notebook_save import strip_outputs

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
