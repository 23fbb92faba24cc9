"""Shared fixtures: the bundled profiles parsed once, and the graph built from them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kcgraph.build import parse_profiles, run_build
from kcgraph.model import Profile
from kcgraph.paths import default_manifest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = Path(__file__).with_name("resources")


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
