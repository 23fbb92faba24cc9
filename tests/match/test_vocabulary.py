"""Statement -> ESCO skill ranking that uses ESCO's structure and learns from ESCO decisions."""

from __future__ import annotations

import numpy as np
import pytest

from kcgraph.errors import InputError
from kcgraph.evaluate.vocabulary import evaluate_target_folds
from kcgraph.match import EmbeddingCache, esco_skill_matcher, load_encoder
from kcgraph.match.vocabulary.structure import REUSE_LEVELS, target_structure
from kcgraph.review.decisions.samples import read_esco_sample
from kcgraph.vocab import EscoConcept

from ..conftest import RESOURCES, read_table, run_cli, workspace

FIXTURE = RESOURCES / "esco"
SAMPLE = RESOURCES / "esco-fixture-sample.tsv"
COMPLAINTS = "http://data.europa.eu/esco/skill/8e105acc-e365-481b-bf6b-7e3f8ff19417"
S = "http://data.europa.eu/esco/skill/"


def _group(uri: str, code: str, label: str, *broader: str) -> EscoConcept:
    return EscoConcept(S + uri, "group", label, code=code, broader=broader)


def test_structure_finds_groups_through_broader_skills_and_knowledge_by_pillar():
    groups = [
        _group("k", "K", "knowledge"),
        _group("k04", "04", "business, administration and law", S + "k"),
        _group("s1", "S1.1.3", "responding to complaints"),
    ]
    skills = [
        # type stated by its record
        EscoConcept(
            S + "a",
            "skill",
            "handle complaints",
            skill_type="skill/competence",
            reuse_level="cross-sector",
            broader=(S + "s1",),
        ),
        # no record: knowledge by the pillar, reached through a broader skill
        EscoConcept(S + "b", "skill", "", exact=False, broader=(S + "c",)),
        EscoConcept(S + "c", "skill", "", exact=False, broader=(S + "k04",)),
        # no record and no group: neither knowledge nor a group
        EscoConcept(S + "d", "skill", "", exact=False),
    ]
    structure = target_structure(skills, groups, every=[*skills, *groups])
    assert structure.group_texts == [g.pref_label for g in groups]
    nearest = [set(row[row < len(groups)].tolist()) for row in structure.groups]
    assert nearest == [{2}, {1}, {1}, set()]
    assert structure.knowledge.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert structure.reuse[0, REUSE_LEVELS.index("cross-sector")] == 1
    assert structure.reuse[1:, REUSE_LEVELS.index("")].tolist() == [1, 1, 1]
    assert structure.reuse.sum(axis=1).tolist() == [1, 1, 1, 1]


@pytest.fixture(scope="module")
def fixture_matcher():
    """Every statement against the three fixture skills, with the real encoders."""
    ws = workspace(esco_dir=FIXTURE)
    cache = EmbeddingCache(ws.settings.embedding_cache_dir)
    try:
        matcher = esco_skill_matcher(
            ws,
            encoders=[load_encoder(m) for m in ws.settings.models],
            cache=cache,
            progress=False,
        )
    finally:
        cache.close()
    return ws, matcher


def test_group_and_parent_signals_are_computed_from_the_pillar(fixture_matcher):
    _, matcher = fixture_matcher
    first = next(i for i, q in enumerate(matcher.queries) if q.parents)
    block = matcher.block(slice(first, first + 8))
    assert block.signals.shape == (2, 8, 3)
    assert np.allclose(block.fused, block.signals.mean(axis=0))
    # the skill with no group in the fixture gets no group signal; the others get a cosine
    assert np.all(block.group[:, 2] == 0) and np.all(block.group[:, :2] != 0)
    # a statement's parent (the competency above an indicator) reads otherwise than itself
    assert not np.allclose(block.parent[0], block.fused[0])


def test_ranker_learns_from_esco_decisions_and_sets_confidence(fixture_matcher):
    ws, matcher = fixture_matcher
    from kcgraph.review.decisions.samples import esco_decisions

    labels = read_esco_sample(SAMPLE)
    concepts = {t.iri: t.label for t in matcher.targets.items}
    decisions, missing = esco_decisions(
        labels, matcher.queries, concepts, ws.converter, reviewer="orcid:0000-0002-1825-0097"
    )
    assert len(decisions) == 5 and missing == []
    ranker = matcher.train(decisions, ws.converter)
    assert ranker.trained
    assert (ranker.examples.positives, ranker.examples.negatives) == (5, 10)
    candidates = matcher.candidates(top_k=3, ranker=ranker)
    assert all(0.0 <= c.confidence <= 1.0 for c in candidates)
    # what it learnt ranks an accepted pair above the pairs passed over for it
    row = next(i for i, q in enumerate(matcher.queries) if q.label == labels[1].text)
    score = ranker.score(matcher.block(slice(row, row + 1)), matcher.structure)[0]
    assert int(np.argmax(score)) == [t.iri for t in matcher.targets.items].index(COMPLAINTS)
    assert matcher.candidates(top_k=3)[0].confidence is None  # untrained: no probability


def test_out_of_fold_evaluation_never_trains_on_a_held_out_statement(fixture_matcher, monkeypatch):
    ws, matcher = fixture_matcher
    labels = read_esco_sample(SAMPLE)
    seen: list[set[str]] = []
    train = matcher.train

    def spy(decisions, converter, **kw):
        seen.append({converter.expand(m.subject.curie) for m in decisions})
        return train(decisions, converter, **kw)

    monkeypatch.setattr(matcher, "train", spy)
    report = evaluate_target_folds(matcher, labels, ws.converter, folds=5)
    assert report.metrics("fused")["n"] == report.metrics("learned")["n"] == 5
    iri = {(q.profile, q.label): q.iri for q in matcher.queries}
    labelled = [iri[(lb.doc, lb.text)] for lb in labels if lb.uris]
    # each fold trains without exactly the one statement it holds out
    assert sorted(len(s) for s in seen) == [4] * 5
    assert all(len(set(labelled) - s) == 1 for s in seen)
    assert sorted(next(iter(set(labelled) - s)) for s in seen) == sorted(labelled)


def test_esco_sample_import_evaluate_and_learned_proposals(tmp_path):
    mappings = tmp_path / "mappings"
    env = {"KCGRAPH_MAPPINGS": str(mappings)}
    args = ("--reviewer", "kcgreviewer:esco-sample", "--esco", FIXTURE)
    first = run_cli("review", "import", SAMPLE, *args, **env)
    assert first.returncode == 0, first.stderr
    assert "5 decisions recorded, 0 already recorded" in first.stdout
    again = run_cli("review", "import", SAMPLE, *args, **env)
    assert "0 decisions recorded, 5 already recorded" in again.stdout
    _, rows = read_table(mappings / "positive.sssom.tsv")
    assert {r["object_id"] for r in rows} == {
        "escoskill:8e105acc-e365-481b-bf6b-7e3f8ff19417",
        "escoskill:0da516ee-e70e-4384-be13-f5ff80be8127",
    }

    out = tmp_path / "esco-proposals.sssom.tsv"
    result = run_cli("match", "--target", "esco", "--esco", FIXTURE, "-o", out, **env)
    assert result.returncode == 0, result.stderr
    assert "ranker: learnt from 5 positive and 10 negative examples" in result.stdout
    metadata, proposals = read_table(out)
    description = metadata["mapping_set_description"]
    assert description.startswith("Top-10 ESCO skills per statement")
    assert "ranked by a logistic-regression ranker" in description
    assert "learnt from 5 accepted" in description
    assert "top-5 ESCO occupations per occupation with fused score >= 0" in description
    skills = [r for r in proposals if r["object_id"].startswith("escoskill:")]
    assert skills and all(0 <= float(r["confidence"]) <= 1 for r in skills)
    decided = {(r["subject_id"], r["object_id"]) for r in rows}
    assert not decided & {(r["subject_id"], r["object_id"]) for r in skills}

    evaluated = run_cli("evaluate", "--gold", SAMPLE, "--folds", "5", "--esco", FIXTURE, **env)
    assert evaluated.returncode == 0, evaluated.stderr
    lines = evaluated.stdout.splitlines()
    assert "5 labelled statements with an ESCO skill, ranked against 3 skills" in lines[0]
    fused = lines[2].split()
    assert fused[0] == "fused" and all(0 <= float(v) <= 1 for v in fused[1:])
    assert lines[3].startswith("learned, 5 folds")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("doc\ttext\n", "expected columns doc, text, esco_uris"),
        ("doc\ttext\tesco_uris\nkcm\tTekst\tnot-an-iri\n", ":2: 'not-an-iri' is not an IRI"),
        ("# comment\ndoc\ttext\tesco_uris\nkcm\t\thttp://x.org/a\n", ":3: row lacks a doc or text"),
    ],
)
def test_bad_esco_sample_is_one_line_with_its_line(tmp_path, content, message):
    path = tmp_path / "sample.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_esco_sample(path)
    if "esco_uris" not in content:
        return  # not a labelled sample at all: read as a crosswalk gold file
    result = run_cli(
        "review",
        "import",
        path,
        "--reviewer",
        "kcgreviewer:x",
        KCGRAPH_MAPPINGS=str(tmp_path / "m"),
    )
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_own_language_labels_blend_by_the_mean_and_only_where_they_exist():
    """A concept with labels in the query's language scores the mean of its two cosines; a
    concept without, and a query in another language, keep the cross-lingual cosine."""
    import numpy as np

    from kcgraph.match.vocabulary.languages import blend_own_language, own_language

    labels = {"urn:b": ("tweede", "nummer twee")}
    own = own_language(["urn:a", "urn:b", "urn:c"], labels, "nl", ["nl", "en"], [True])
    assert own is not None and own.texts == [["tweede", "nummer twee"]]
    assert own.columns(0).tolist() == [1] and own.rows.tolist() == [True, False]
    queries = [np.array([[1.0, 0.0], [1.0, 0.0]], dtype=np.float32)]
    vectors = [np.array([[0.0, 1.0], [0.6, 0.8]], dtype=np.float32)]  # best: 0.6
    signals = np.full((1, 2, 3), 0.2, dtype=np.float32)
    blend_own_language(signals, queries, vectors, own, slice(0, 2))
    assert np.allclose(signals[0, 0], [0.2, 0.4, 0.2])  # (0.2 + 0.6) / 2 for urn:b only
    assert np.allclose(signals[0, 1], [0.2, 0.2, 0.2])  # the English query is untouched
    assert own_language(["urn:a"], labels, "nl", ["en"], [True]) is None
