"""The vectors that ship with kcgraph: the same as a fresh encode, enough for the default job,
and never used for an encoder of another version."""

from __future__ import annotations

import random

import numpy as np
import pytest

from kcgraph.match import EmbeddingCache
from kcgraph.match.encoders import EMBEDDED_ENCODERS, Encoder
from kcgraph.match.link import occupation_texts
from kcgraph.match.run import match_profiles, match_targets
from kcgraph.match.shipped import ShippedVectors, text_key, write_shipped
from kcgraph.match.vocabulary.matcher import target_set

from ..conftest import workspace


@pytest.mark.parametrize("name", sorted(EMBEDDED_ENCODERS))
def test_shipped_vectors_agree_with_a_fresh_encode_of_a_sample(name):
    ws = workspace()
    labels = name in ws.settings.label_encoders
    _, every, main, _ = occupation_texts(ws, "nl")  # occupations as the Dutch profiles read them
    texts = [*target_set(ws.esco.skills, labels=labels).texts, *(every if labels else main).texts]
    sample = random.Random(f"shipped {name}").sample(texts, 24)
    encoder = EMBEDDED_ENCODERS[name]()
    shipped = ShippedVectors().lookup(encoder.id, [text_key(t) for t in sample])
    assert len(shipped) == len(sample)
    fresh = encoder.encode(sample)
    cosines = np.sum(fresh * np.stack([shipped[text_key(t)] for t in sample]), axis=1)
    assert cosines.min() >= 0.999


def test_the_default_job_on_an_empty_cache_encodes_no_text(tmp_path):
    ws = workspace(cache_dir=tmp_path)
    results = [match_profiles(ws), match_targets(ws, "isco"), match_targets(ws, "esco")]
    assert [r.cache_misses for r in results] == [0, 0, 0]
    assert all(r.cache_hits > 0 for r in results)


def test_an_encoder_of_another_version_encodes(tmp_path):
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.ones((len(texts), 3), dtype=np.float32)

    shipped = tmp_path / "vectors"
    write_shipped(shipped, "toy@1", {text_key("a"): np.array([1.0, 0.0, 0.0])})
    cache = EmbeddingCache(tmp_path / "cache")
    cache.shipped = ShippedVectors(shipped)
    try:
        same = cache.embed(Encoder("toy@1", encode), ["a", "b"])
        other = cache.embed(Encoder("toy@2", encode), ["a"])
    finally:
        cache.close()
    assert calls == [["b"], ["a"]]
    assert same[0].tolist() == [1.0, 0.0, 0.0]
    assert other[0].tolist() == pytest.approx([3**-0.5] * 3)


def test_shipped_files_are_written_the_same_way_twice(tmp_path):
    vectors = {text_key(t): np.random.default_rng(7).random(4) for t in "xyz"}
    first = write_shipped(tmp_path / "a", "toy@1", vectors).read_bytes()
    second = write_shipped(tmp_path / "b", "toy@1", dict(reversed(vectors.items()))).read_bytes()
    assert first == second
