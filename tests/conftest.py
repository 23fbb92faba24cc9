"""Shared fixtures: the bundled profiles parsed once, and the graph built from them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kcgraph.build import parse_profiles, run_build
from kcgraph.model import Profile
from kcgraph.paths import default_manifest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = Path(__file__).with_name("resources")
SHARED_GOLD = ROOT.parent / "shared" / "eval" / "crosswalk-dev.tsv"


def kcgraph(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line (``python -m kcgraph``) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "kcgraph", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture(scope="session", autouse=True)
def embedding_cache(tmp_path_factory):
    """One embedding cache for the whole run, never the user's own."""
    path = tmp_path_factory.mktemp("embedding-cache")
    previous = os.environ.get("KCGRAPH_CACHE")
    os.environ["KCGRAPH_CACHE"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("KCGRAPH_CACHE", None)
    else:
        os.environ["KCGRAPH_CACHE"] = previous


@pytest.fixture(scope="session")
def scorer(profiles):
    """The default scorer (TF-IDF + the two embedded encoders) over the bundled profiles."""
    from kcgraph.match import build_scorer

    return build_scorer(list(profiles.values()), progress=False)


@pytest.fixture(scope="session")
def profiles() -> dict[str, Profile]:
    return {p.source.id: p for p in parse_profiles()}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return run_build(out)


@pytest.fixture()
def sources_copy(tmp_path) -> Path:
    """A writable copy of data/sources (manifest and documents); returns the manifest path."""
    target = tmp_path / "sources"
    shutil.copytree(default_manifest().parent, target)
    return target / "manifest.toml"
