"""Where kcgraph's resources live: resolved in one place, for a checkout and an installed package.

The project root (holding ``ontology/``, ``data/`` and ``queries/``) is found from the
``KCGRAPH_HOME`` environment variable, else by walking up from this file (an editable install
or a checkout), else from the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import KcgraphError

__all__ = [
    "CONTEXT_PATH",
    "data_dir",
    "default_manifest",
    "ontology_path",
    "project_root",
    "queries_dir",
]

#: The JSON-LD context shipped inside the package (never fetched).
CONTEXT_PATH = Path(__file__).with_name("context.jsonld")

_MARKERS = ("ontology", "data")


def _looks_like_root(path: Path) -> bool:
    return all((path / marker).is_dir() for marker in _MARKERS)


def project_root() -> Path:
    """The folder holding ``ontology/`` and ``data/``; a clear error when there is none."""
    env = os.environ.get("KCGRAPH_HOME")
    if env:
        root = Path(env)
        if not _looks_like_root(root):
            raise KcgraphError(f"KCGRAPH_HOME={env} has no ontology/ and data/ folders")
        return root
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for candidate in start.parents if start.is_file() else (start, *start.parents):
            if _looks_like_root(candidate):
                return candidate
    raise KcgraphError(
        "cannot find kcgraph's ontology/ and data/ folders: run from a checkout "
        "or set KCGRAPH_HOME to one"
    )


def data_dir() -> Path:
    return project_root() / "data"


def default_manifest() -> Path:
    """The manifest of the bundled source documents."""
    return data_dir() / "sources" / "manifest.toml"


def ontology_path(name: str = "kcgraph.ttl") -> Path:
    return project_root() / "ontology" / name


def queries_dir() -> Path:
    return project_root() / "queries"
