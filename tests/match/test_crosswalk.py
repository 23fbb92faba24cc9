"""The crosswalk with the real embedded encoders: proposals, SSSOM validity, cache, ST models."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from kcgraph.match import EmbeddingCache, load_encoder
from kcgraph.match.crosswalk import predict_candidates, predict_mappings
from kcgraph.match.crosswalk.predict import CandidateTable, _first_per_pair
from kcgraph.match.encoders import packaged_minilm_path
from kcgraph.settings import Settings

from ..conftest import SHARED_GOLD, derived, read_table, run_cli, workspace

DEFAULTS = Settings()


@pytest.fixture(scope="module")
def candidates(scorer):
    return predict_candidates(scorer, top_k=DEFAULTS.top_k, threshold=DEFAULTS.threshold)


def test_no_pair_within_one_profile_and_none_twice(candidates):
    assert candidates
    seen = set()
    for m in candidates:
        assert m.subject.profile != m.object.profile
        key = frozenset((m.subject.iri, m.object.iri))
        assert key not in seen
        seen.add(key)


def _table(rows: list[tuple[int, int, bool, int]]) -> CandidateTable:
    subject, obj, exact, rank = (np.array(column) for column in zip(*rows, strict=True))
    n = len(rows)
    return CandidateTable(
        subject.astype(np.int32),
        obj.astype(np.int32),
        exact.astype(bool),
        rank.astype(np.int16),
        np.arange(n, dtype=np.float32),  # the row's place, to see which row stayed
        np.zeros((1, n), dtype=np.float32),
        None,
    )


def test_one_row_per_pair_exact_then_best_rank_then_first_offered():
    table = _table(
        [
            (0, 1, False, 2),  # 0: pair {0,1}, rank 2
            (1, 0, False, 1),  # 1: the same pair flipped, a better rank: stays
            (2, 3, False, 1),  # 2: pair {2,3}, first of two equal ranks: stays
            (3, 2, False, 1),  # 3
            (4, 5, False, 1),  # 4: pair {4,5}
            (5, 4, True, 1),  # 5: its exact match wins, though offered later
            (0, 5, False, 3),  # 6: excluded
        ]
    )
    kept = _first_per_pair(table, 6, np.array([0 * 6 + 5]))
    assert kept.score.tolist() == [1.0, 2.0, 5.0]
    assert list(zip(kept.subject.tolist(), kept.object.tolist(), strict=True)) == [
        (1, 0),
        (2, 3),
        (5, 4),
    ]


def test_identical_texts_are_exact_lexical_matches(candidates, scorer):
    by_label: dict[str, set[str]] = {}
    for item in scorer.items:
        by_label.setdefault(" ".join(item.label.casefold().split()), set()).add(item.profile)
    identical = {label for label, where in by_label.items() if len(where) > 1}
    exact = [m for m in candidates if m.predicate == "skos:exactMatch"]
    assert {m.subject.label.casefold() for m in exact} == identical
    assert "kennis van luister- en omgangstechnieken" in identical
    for m in exact:
        assert m.justification == "semapv:LexicalMatching" and m.score == 1.0
    for m in candidates:
        if m.predicate == "skos:closeMatch":
            assert m.justification == "semapv:CompositeMatching"
            assert set(m.signals) == {"tfidf", "use-m3", "e5-small-q4"}


def test_top_k_and_threshold_bound_each_statement(scorer, candidates):
    for m in predict_candidates(scorer, top_k=2, threshold=0.0):
        assert m.rank <= 2
    strict = predict_candidates(scorer, top_k=DEFAULTS.top_k, threshold=0.6)
    assert all(m.score >= 0.6 or m.predicate == "skos:exactMatch" for m in strict)
    everything = predict_candidates(scorer, top_k=DEFAULTS.top_k, threshold=0.0)
    assert len(strict) < len(candidates) < len(everything)


def test_mappings_are_typed_records_with_kinds_and_signals(scorer):
    ws = workspace()
    mappings = predict_mappings(scorer, ws.converter, top_k=5, threshold=0.45)
    assert all(m.subject_category.prefix == "kcg" for m in mappings)
    assert {m.subject_source.curie for m in mappings} <= {"kcgid:okla", "kcgid:ccm", "kcgid:kcm"}
    close = [m for m in mappings if m.predicate.curie == "skos:closeMatch"]
    slots = {"cosine_tfidf", "cosine_use_m3", "cosine_e5_small_q4", "candidate_rank"}
    assert close and all(slots <= set(m.extensions) for m in close)
    assert all(0.0 <= m.similarity_score <= 1.0 for m in mappings)


def test_proposals_file_is_valid_sssom(proposals, candidates, caplog):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    with caplog.at_level(logging.WARNING):
        # strict=True is unusable in sssom-py 0.4.x: it rejects standard metadata
        msdf = parse_sssom_table(proposals)
    assert not [
        r
        for r in caplog.records
        if "not a standard SSSOM" in r.getMessage() or "built-in prefix" in r.getMessage()
    ]
    assert len(msdf.df) == len(candidates)
    for report in validate(msdf, fail_on_error=False).values():
        assert report.results == []
    metadata, rows = read_table(proposals)
    assert {"mapping_set_id", "license", "curie_map", "mapping_set_description"} <= set(metadata)
    assert "Top-5" in metadata["mapping_set_description"]
    assert ">= 0.45" in metadata["mapping_set_description"]
    for column in (
        "subject_id",
        "subject_label",
        "subject_source",
        "predicate_id",
        "object_id",
        "object_label",
        "object_source",
        "mapping_justification",
        "similarity_score",
        "similarity_measure",
        "mapping_tool",
        "mapping_tool_version",
    ):
        assert all(row[column] for row in rows), column


def test_proposals_file_is_deterministic(proposals, session_ws, tmp_path):
    from kcgraph.match import match_profiles, write_proposals

    ws = derived(session_ws, mappings_dir=tmp_path / "none")
    write_proposals(tmp_path / "proposals.sssom.tsv", match_profiles(ws), ws.converter)
    again = tmp_path / "proposals.sssom.tsv"
    assert again.read_bytes() == proposals.read_bytes()


def test_cache_hit_on_rerun(tmp_path):
    encoder = load_encoder("use-m3")
    calls = []
    original = encoder.encode_batch

    def counting(texts):
        calls.append(len(texts))
        return original(texts)

    encoder.encode_batch = counting
    texts = ["Reageert empathisch", "Toont een sterk inlevingsvermogen in de klant"]
    first = EmbeddingCache(tmp_path, shipped=False).embed(encoder, texts)
    assert calls == [2]
    cache = EmbeddingCache(tmp_path, shipped=False)
    second = cache.embed(encoder, texts)
    assert calls == [2] and cache.hits == 2 and cache.misses == 0
    np.testing.assert_array_equal(first, second)


def test_sentence_transformers_model_loads_offline_and_proposes(tmp_path):
    model = packaged_minilm_path()
    out = tmp_path / "st.sssom.tsv"
    args = ("match", "--model", model, "--no-lexical", "-o", out)
    result = run_cli(*args, KCGRAPH_CACHE=str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr
    _, rows = read_table(out)
    closes = [r for r in rows if r["predicate_id"] == "skos:closeMatch"]
    assert closes
    assert {r["mapping_justification"] for r in closes} == {
        "semapv:SemanticSimilarityThresholdMatching"
    }
    assert "signals: st:" in result.stdout
    again = run_cli(*args[:-1], tmp_path / "again.sssom.tsv", KCGRAPH_CACHE=str(tmp_path / "cache"))
    assert "embeddings: 0 encoded" in again.stdout  # another file: computed, from the cache


def test_unknown_model_folder_is_one_clear_error(tmp_path):
    result = run_cli("match", "--model", tmp_path, "-o", tmp_path / "x.tsv")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "not a sentence-transformers model folder" in result.stderr


def test_evaluate_on_the_development_gold(capsys):
    result = run_cli("evaluate", "--gold", SHARED_GOLD)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    both = next(line for line in lines if line.startswith("both"))
    n, *figures = both.split()[1:]
    assert int(n) == 86 and all(0.0 <= float(f) <= 1.0 for f in figures)
    assert any(line.startswith("queue: default queue") for line in lines)
    with capsys.disabled():
        print("\nkcgraph evaluate --gold ../shared/eval/crosswalk-dev.tsv\n" + result.stdout)


def test_a_tfidf_fit_is_kept_in_the_cache_and_read_back(tmp_path, monkeypatch):
    from kcgraph.match import lexical

    texts = ["klachten behandelen", "behandelt klachten van klanten", "voert gesprekken"]
    first_vectorizer, first = lexical.fit_tfidf(texts, cache=tmp_path)
    assert len(list(tmp_path.glob("*.pickle"))) == 1
    fits = []
    monkeypatch.setattr(lexical, "_fit", lambda t: fits.append(t))
    vectorizer, again = lexical.fit_tfidf(texts, cache=tmp_path)
    assert fits == [] and (again != first).nnz == 0  # read back, not fitted
    assert vectorizer.vocabulary_ == first_vectorizer.vocabulary_
    monkeypatch.undo()
    for entry in tmp_path.glob("*.pickle"):  # a truncated entry is fitted again
        entry.write_bytes(b"trunc")
    _, mended = lexical.fit_tfidf(texts, cache=tmp_path)
    assert (mended != first).nnz == 0
    _, other = lexical.fit_tfidf(texts[:2], cache=tmp_path)  # other texts, another entry
    assert other.shape[0] == 2 and len(list(tmp_path.glob("*.pickle"))) == 2
