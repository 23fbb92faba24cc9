"""The crosswalk with the real embedded encoders: proposals, SSSOM validity, cache, ST models."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import numpy as np
import pytest

from kcgraph.match import (
    DEFAULT_THRESHOLD,
    DEFAULT_TOP_K,
    EmbeddingCache,
    curie_map,
    load_encoder,
    mapping_rows,
    predict_mappings,
    write_proposals,
)
from kcgraph.match.encoders import packaged_minilm_path
from kcgraph.namespaces import Minter
from kcgraph.sssom_tsv import read_sssom

from .conftest import SHARED_GOLD


@pytest.fixture(scope="module")
def mappings(scorer):
    return predict_mappings(scorer)


def test_no_pair_within_one_profile_and_none_twice(mappings):
    assert mappings
    seen = set()
    for m in mappings:
        assert m.subject.profile != m.object.profile
        key = frozenset((m.subject.iri, m.object.iri))
        assert key not in seen
        seen.add(key)


def test_identical_texts_are_exact_lexical_matches(mappings, scorer):
    by_label: dict[str, set[str]] = {}
    for item in scorer.items:
        by_label.setdefault(" ".join(item.label.casefold().split()), set()).add(item.profile)
    identical = {label for label, where in by_label.items() if len(where) > 1}
    exact = [m for m in mappings if m.predicate == "skos:exactMatch"]
    assert {m.subject.label.casefold() for m in exact} == identical
    assert "kennis van luister- en omgangstechnieken" in identical
    for m in exact:
        assert m.justification == "semapv:LexicalMatching" and m.score == 1.0
    for m in mappings:
        if m.predicate == "skos:closeMatch":
            assert m.justification == "semapv:CompositeMatching"
            assert set(m.signals) == {"tfidf", "use-m3", "e5-small-q4"}


def test_top_k_and_threshold_bound_each_statement(scorer):
    for m in predict_mappings(scorer, top_k=2, threshold=0.0):
        assert m.rank <= 2
    strict = predict_mappings(scorer, top_k=DEFAULT_TOP_K, threshold=0.6)
    assert all(m.score >= 0.6 or m.predicate == "skos:exactMatch" for m in strict)
    everything = predict_mappings(scorer, top_k=DEFAULT_TOP_K, threshold=0.0)
    assert len(strict) < len(predict_mappings(scorer)) < len(everything)


def test_proposals_file_is_valid_sssom(mappings, scorer, tmp_path, caplog):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    path = tmp_path / "proposals.sssom.tsv"
    write_proposals(path, mappings, scorer=scorer, top_k=DEFAULT_TOP_K, threshold=DEFAULT_THRESHOLD)
    with caplog.at_level(logging.WARNING):
        # strict=True is unusable in sssom-py 0.4.x: it rejects standard metadata
        msdf = parse_sssom_table(path)
    assert not [
        r
        for r in caplog.records
        if "not a standard SSSOM" in r.getMessage() or "built-in prefix" in r.getMessage()
    ]
    assert len(msdf.df) == len(mappings)
    for report in validate(msdf, fail_on_error=False).values():
        assert report.results == []
    metadata, rows = read_sssom(path)
    assert {"mapping_set_id", "license", "curie_map"} <= set(metadata)
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
        "confidence",
        "mapping_tool",
        "mapping_tool_version",
    ):
        assert all(row[column] for row in rows), column
    assert {row["subject_source"] for row in rows} <= {"kcgid:okla", "kcgid:ccm", "kcgid:kcm"}


def test_proposals_file_is_deterministic(mappings, scorer, tmp_path):
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        again = mappings if run == "a" else predict_mappings(scorer)
        write_proposals(
            tmp_path / run / "proposals.sssom.tsv", again, scorer=scorer, top_k=5, threshold=0.45
        )
    first, second = (tmp_path / r / "proposals.sssom.tsv" for r in ("a", "b"))
    assert first.read_bytes() == second.read_bytes()


def test_cache_hit_on_rerun(tmp_path):
    encoder = load_encoder("use-m3")
    calls = []
    original = encoder.encode_batch

    def counting(texts):
        calls.append(len(texts))
        return original(texts)

    encoder.encode_batch = counting
    texts = ["Reageert empathisch", "Toont een sterk inlevingsvermogen in de klant"]
    first = EmbeddingCache(tmp_path).embed(encoder, texts)
    assert calls == [2]
    cache = EmbeddingCache(tmp_path)
    second = cache.embed(encoder, texts)
    assert calls == [2] and cache.hits == 2 and cache.misses == 0
    np.testing.assert_array_equal(first, second)


def test_sentence_transformers_model_loads_offline_and_proposes(profiles, tmp_path):
    model = packaged_minilm_path()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "KCGRAPH_CACHE": str(tmp_path / "cache"),
    }
    out = tmp_path / "st.sssom.tsv"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kcgraph",
            "match",
            "--model",
            str(model),
            "--no-lexical",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    _, rows = read_sssom(out)
    closes = [r for r in rows if r["predicate_id"] == "skos:closeMatch"]
    assert closes
    assert {r["mapping_justification"] for r in closes} == {
        "semapv:SemanticSimilarityThresholdMatching"
    }
    assert "st:model" in result.stdout or "signals: st:" in result.stdout
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "kcgraph",
            "match",
            "--model",
            str(model),
            "--no-lexical",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "embeddings: 0 encoded" in again.stdout


def test_unknown_model_is_one_clear_error(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kcgraph",
            "match",
            "--model",
            str(tmp_path),
            "-o",
            str(tmp_path / "x.tsv"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a sentence-transformers model folder" in result.stderr


def test_rows_carry_kinds_and_signal_detail(mappings):
    prefixes = curie_map({"okla", "ccm", "kcm", "cci"}, Minter())
    rows = mapping_rows(mappings[:20], prefixes, "mean cosine")
    assert all(r["subject_category"].startswith("kcg:") for r in rows)
    assert any("tfidf=" in r["other"] and "rank=" in r["other"] for r in rows)


@pytest.mark.skipif(not SHARED_GOLD.is_file(), reason="../shared/eval/crosswalk-dev.tsv absent")
def test_evaluate_on_the_development_gold(capsys):
    result = subprocess.run(
        [sys.executable, "-m", "kcgraph", "evaluate", "--gold", str(SHARED_GOLD)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    both = next(line for line in lines if line.startswith("both"))
    n, *figures = both.split()[1:]
    assert int(n) == 86 and all(0.0 <= float(f) <= 1.0 for f in figures)
    assert any(line.startswith("queue: default queue") for line in lines)
    with capsys.disabled():
        print("\nkcgraph evaluate --gold ../shared/eval/crosswalk-dev.tsv\n" + result.stdout)
