"""``--base`` reaches every command: build, match, review and the review loop agree on IRIs."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kcgraph.review.session.loop import ReviewLoop
from kcgraph.settings import Settings
from kcgraph.workspace import Workspace

from .conftest import REVIEWER, read_table, run_cli

BASE = "https://example.org/kc/"


def test_build_match_review_and_the_loop_with_another_base(tmp_path):
    out, mappings = tmp_path / "out", tmp_path / "mappings"
    common = ("--base", BASE, "--mappings", mappings)
    assert run_cli("build", "-o", out, *common).returncode == 0
    assert f"<{BASE}okla>" in (out / "kcgraph.nt").read_text(encoding="utf-8")
    proposals = out / "proposals.sssom.tsv"
    result = run_cli("match", "-o", proposals, *common)
    assert result.returncode == 0, result.stderr
    metadata, rows = read_table(proposals)
    assert metadata["curie_map"]["okla"] == f"{BASE}okla/"
    first, second = rows[0], rows[1]
    result = run_cli(
        "review",
        "accept",
        first["subject_id"],
        str(_iri(first["object_id"])),  # an IRI under the base works as well as a CURIE
        "--reviewer",
        REVIEWER,
        "--proposals",
        proposals,
        *common,
    )
    assert result.returncode == 0, result.stderr
    loop = ReviewLoop(
        Workspace(Settings(base=BASE, mappings_dir=mappings, out_dir=out)), reviewer=REVIEWER
    )
    screen = loop.next()
    assert screen is not None
    first_shown = screen.candidates[0].other
    turn = loop.answer(screen, {first_shown: "skos:exactMatch"})
    chosen = next(m for m in turn.recorded if not m.negated)
    assert run_cli("build", "-o", out, *common).returncode == 0
    text = (out / "mappings.ttl").read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    assert (_iri(first["subject_id"]), SKOS.closeMatch, _iri(first["object_id"])) in graph
    assert (_iri(chosen.subject.curie), SKOS.exactMatch, _iri(chosen.object.curie)) in graph
    assert "w3id.org/kcgraph/id/" not in text
    assert second  # the queue held more than one proposal


def _iri(curie: str) -> URIRef:
    return URIRef(BASE + curie.replace(":", "/", 1))


def test_out_is_the_checkouts_from_any_folder_inside_it(tmp_path):
    """A notebook runs in ``notebooks/``: its ``out/`` is the checkout's, as the decisions
    folder is; at the checkout's root ``out`` stays relative, and outside it ``./out``."""
    from kcgraph.resources import checkout_root
    from kcgraph.settings import default_out_dir

    root = checkout_root()
    assert root is not None  # the suite runs from a checkout
    assert default_out_dir(root / "notebooks") == root / "out"
    assert default_out_dir(root / "src" / "kcgraph") == root / "out"
    assert default_out_dir(root) == Path("out")
    assert default_out_dir(tmp_path) == Path("out")
