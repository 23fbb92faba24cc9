"""The learning ranker: expert decisions in, out-of-fold figures, confidence, active learning."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from kcgraph.evaluate import evaluate_folds
from kcgraph.match import match_profiles, write_proposals
from kcgraph.match.crosswalk import Ranker
from kcgraph.review import integrity_problems
from kcgraph.review.gold import read_gold

from ..conftest import SHARED_GOLD, derived, read_table, run_cli, workspace

EXPERT = "kcgreviewer:crosswalk-dev-expert"


@pytest.fixture(scope="module")
def gold_dir(tmp_path_factory):
    """A decision folder holding the development gold, imported once."""
    directory = tmp_path_factory.mktemp("gold-decisions")
    result = run_cli("review", "import", SHARED_GOLD, "--reviewer", EXPERT, "--mappings", directory)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("72 decisions recorded, 0 already recorded")
    return directory


def test_import_twice_changes_nothing_and_reports_unknown_texts(gold_dir, tmp_path):
    before = {p.name: p.read_bytes() for p in gold_dir.iterdir() if p.is_file()}
    again = run_cli("review", "import", SHARED_GOLD, "--reviewer", EXPERT, "--mappings", gold_dir)
    assert again.stdout.startswith("0 decisions recorded, 72 already recorded")
    assert {p.name: p.read_bytes() for p in gold_dir.iterdir() if p.is_file()} == before
    positive = read_table(gold_dir / "positive.sssom.tsv")[1]
    assert {r["predicate_id"] for r in positive} == {
        "skos:exactMatch",
        "skos:closeMatch",
        "skos:relatedMatch",
    }
    assert {r["mapping_justification"] for r in positive} == {"semapv:ManualMappingCuration"}
    assert integrity_problems(workspace(mappings_dir=gold_dir).store()) == []
    odd = tmp_path / "odd.tsv"
    odd.write_text(
        "doc_a\ttext_a\tdoc_b\ttext_b\trelation\n"
        "kcm\tEen tekst die nergens staat\tcci\tBehandelt\tclose\n",
        encoding="utf-8",
    )
    result = run_cli("review", "import", odd, "--reviewer", EXPERT, "--mappings", tmp_path / "m")
    assert result.returncode == 0
    assert f"{odd}:2: not imported" in result.stdout and "names no statement" in result.stdout


def test_learned_queue_has_calibrated_confidence_and_is_deterministic(
    gold_dir, session_ws, tmp_path
):
    ws = derived(session_ws, mappings_dir=gold_dir, min_precision=0.30)
    decided = ws.store().decided_pairs()
    files = []
    for run in ("a", "b"):
        result = match_profiles(ws)
        assert result.learned and result.examples.positives == 86
        files.append(tmp_path / run / "proposals.sssom.tsv")
        files[-1].parent.mkdir()
        write_proposals(files[-1], result, ws.converter)
    assert files[0].read_bytes() == files[1].read_bytes()
    metadata, rows = read_table(files[0])
    assert "logistic-regression ranker" in metadata["mapping_set_description"]
    learned = [r for r in rows if r["predicate_id"] == "skos:closeMatch"]
    confidence = np.array([float(r["confidence"]) for r in learned])
    assert ((confidence >= 0) & (confidence <= 1)).all()
    assert confidence.mean() >= 0.30  # cut by expected precision
    scores = [float(r["similarity_score"]) for r in learned]
    assert not np.allclose(confidence, scores)  # a probability, not a copy of the cosine
    assert not {frozenset((r["subject_id"], r["object_id"])) for r in rows} & {
        frozenset(ws.converter.compress(i) for i in pair) for pair in decided
    }


def test_without_decisions_the_queue_is_the_fused_one(session_ws, proposals, tmp_path):
    ws = derived(session_ws, mappings_dir=tmp_path / "none")
    result = match_profiles(ws)
    assert not result.learned
    write_proposals(tmp_path / "proposals.sssom.tsv", result, ws.converter)
    assert (tmp_path / "proposals.sssom.tsv").read_bytes() == proposals.read_bytes()
    assert "confidence" not in read_table(proposals)[1][0]


def test_the_evaluated_fold_never_trains_its_model(scorer, gold_dir):
    """Committed decisions that hold the gold give the same out-of-fold figures as none:
    each fold's decisions are hidden from training and from the exclusion of pairs."""
    ws = workspace(mappings_dir=gold_dir)
    gold = read_gold(SHARED_GOLD)
    options = dict(folds=5, top_k=5, target_precision=0.3)
    plain = evaluate_folds(scorer, gold, ws.converter, **options)
    decisions = [d.mapping for d in ws.store().decisions()]
    with_decisions = evaluate_folds(scorer, gold, ws.converter, decisions=decisions, **options)
    assert with_decisions.ranking.ranks == plain.ranking.ranks
    assert with_decisions.queue == plain.queue
    assert len(plain.ranking.ranks["a→b"]) == 43


def test_evaluate_folds_command(gold_dir, capsys):
    result = run_cli("evaluate", "--gold", SHARED_GOLD, "--folds", "5", "--mappings", gold_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("out of fold (5 folds")
    both = next(line for line in result.stdout.splitlines() if line.startswith("both"))
    assert int(both.split()[1]) == 86
    with capsys.disabled():
        print(
            "\nkcgraph evaluate --gold ../shared/eval/crosswalk-dev.tsv --folds 5\n" + result.stdout
        )


def test_review_next_offers_the_most_uncertain_first(gold_dir, proposals, tmp_path):
    directory = tmp_path / "decisions"
    shutil.copytree(gold_dir, directory)
    result = run_cli("review", "next", "-n", "5", "--proposals", proposals, "--mappings", directory)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("model: learnt from") and "(72 decisions)" in lines[0]
    probabilities = [float(line.split()[0]) for line in lines[1:]]
    assert len(probabilities) == 5
    distance = [abs(p - 0.5) for p in probabilities]
    assert distance == sorted(distance)


def test_ranker_falls_back_without_enough_examples(scorer):
    ranker = Ranker(scorer).train([], workspace().converter)
    assert not ranker.trained
    q, c = np.array([0, 1]), np.array([200, 300])
    np.testing.assert_allclose(ranker.score(q, c), scorer.fused(q, c).diagonal(), atol=1e-5)
