"""The query tests' build (with the test decisions) and its store, made once per worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcgraph.build import run_build
from kcgraph.query import load_store

from ..conftest import RESOURCES, workspace


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("query-out")
    run_build(workspace(out_dir=out, mappings_dir=RESOURCES / "mappings"))
    return out


@pytest.fixture(scope="session")
def store(out_dir):
    return load_store(out_dir)
