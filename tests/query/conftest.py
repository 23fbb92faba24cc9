"""The query tests' build (with the test decisions) and its store, made once per worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcgraph.query import load_store


@pytest.fixture(scope="session")
def out_dir(decided_out) -> Path:
    return decided_out


@pytest.fixture(scope="session")
def store(out_dir):
    return load_store(out_dir)
