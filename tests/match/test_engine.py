"""The heavy stages of a match on a real Dask cluster: two worker processes of Dask's own
``LocalCluster``, started on 127.0.0.1 by these tests and stopped after. What a cluster
computes is byte for byte what the local run computes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from distributed import Client, LocalCluster

from kcgraph.match import cache as cache_module
from kcgraph.match import engine as engine_module
from kcgraph.match.cache import EmbeddingCache
from kcgraph.match.engine import DaskEngine
from kcgraph.workspace import Workspace

from ..conftest import RESOURCES, REVIEWER, derived, run_cli


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        host="127.0.0.1",
    ) as running:
        yield running


def _tasks_run(cluster: LocalCluster) -> set[str]:
    """The names of the functions the cluster's scheduler has run as tasks."""
    with Client(cluster) as client:
        names = client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes))
    return set(names)


def test_a_match_on_the_cluster_writes_the_local_runs_file_byte_for_byte(cluster, tmp_path):
    # the test decisions train the ranker, and the index takes every statement: each stage
    # that runs on a cluster (the index's search, the blocks scored with the ranker) runs
    options = ["--mappings", str(RESOURCES / "mappings"), "--fresh"]
    here, there = tmp_path / "local" / "p.sssom.tsv", tmp_path / "dask" / "p.sssom.tsv"
    env = {"KCGRAPH_ANN_MIN_ITEMS": "100", "KCGRAPH_REVIEWER": REVIEWER}
    local = run_cli("match", *options, "-o", here, **env)
    remote = run_cli(
        "match", *options, "--engine", "dask", "--scheduler", cluster.scheduler_address,
        "-o", there, **env,
    )  # fmt: skip
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert "ranker: learnt from" in remote.stdout
    assert here.read_bytes() == there.read_bytes()
    assert {"search_task", "score_rows"} <= _tasks_run(cluster)  # (Dask drops the "_")


def test_texts_encoded_on_the_cluster_are_the_local_vectors(
    cluster, tmp_path, session_ws, monkeypatch
):
    monkeypatch.setattr(cache_module, "BATCHES_PER_TASK", 1)  # a task per batch: both workers
    texts = [item.embed_text for item in session_ws.scorer.items][:40]
    texts += ["een tekst die nergens staat", "één tekst met accenten"]
    with Client(cluster) as client:
        remote = EmbeddingCache(tmp_path / "dask", shipped=False, engine=DaskEngine(client))
        local = EmbeddingCache(tmp_path / "local", shipped=False)
        # batches of 16 here and there: three tasks each, over both workers
        for encoder in (replace(e, batch_size=16) for e in session_ws.encoders):
            there, here = remote.embed(encoder, texts), local.embed(encoder, texts)
            assert there.dtype == here.dtype == np.float32
            assert there.tobytes() == here.tobytes(), encoder.id
            # and kept: read back from the cache the cluster filled, nothing encoded again
            again = EmbeddingCache(tmp_path / "dask", shipped=False)
            assert again.embed(encoder, texts).tobytes() == here.tobytes()
            assert again.misses == 0
        remote.close()
        local.close()
    assert "encode_batches" in _tasks_run(cluster)


def test_a_local_cluster_is_started_for_a_run_and_stopped_after():
    ws = derived(Workspace(), engine="dask", engine_workers=1)
    with ws.running() as running:
        assert isinstance(running.engine, DaskEngine)
        client = running.engine.client
        assert running.engine.workers == 1
        assert list(running.engine.map(lambda part, shared: part * shared, [1, 2, 3], 10)) == [
            10,
            20,
            30,
        ]
    assert client.status == "closed"
    assert ws.engine is None  # this process again


def test_an_unreachable_scheduler_is_one_line_naming_it(monkeypatch):
    monkeypatch.setattr(engine_module, "CONNECT_TIMEOUT", "1s")
    result = run_cli("match", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "--fresh")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "kcgraph: error: --scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler "
        "(Timed out trying to connect to tcp://127.0.0.1:9 after 1 s)"
    ]
    bad = run_cli("match", "--engine", "dask", "--scheduler", "somewhere")
    assert bad.returncode == 2
    assert "scheduler" in bad.stderr and "Traceback" not in bad.stderr
