"""Where kcgraph's bundled resources live: resolved here, for a wheel and for a checkout alike.

The ontology, the shapes, the query library and the bundled sources ship inside the wheel
(``kcgraph/ontology``, ``kcgraph/queries``, ``kcgraph/data``; see ``pyproject.toml``). In a
checkout or an editable install they are the top-level ``ontology/``, ``queries/`` and
``data/`` folders. ``KCGRAPH_HOME`` may point at another folder holding all three.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import KcgraphError

__all__ = [
    "checkout_root",
    "context_path",
    "default_manifest",
    "ontology_path",
    "queries_dir",
    "resource_dir",
]

_PACKAGE = "kcgraph"
#: Folders every kcgraph home holds.
_FOLDERS = ("ontology", "queries", "data")


def _is_home(path: Path) -> bool:
    return all((path / name).is_dir() for name in _FOLDERS)


def checkout_root() -> Path | None:
    """The project checkout this package runs from (editable install), else ``None``."""
    env = os.environ.get("KCGRAPH_HOME")
    if env:
        if not _is_home(Path(env)):
            raise KcgraphError(f"KCGRAPH_HOME={env} lacks an ontology/, queries/ or data/ folder")
        return Path(env)
    here = Path(__file__).resolve()
    for candidate in here.parents:
        if _is_home(candidate) and (candidate / "pyproject.toml").is_file():
            return candidate
    return None


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``ontology``, ``queries`` or ``data``) of the running kcgraph."""
    if name not in _FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    root = checkout_root()
    if root is not None:
        return root / name
    packaged = Path(str(resources.files(_PACKAGE))) / name
    if packaged.is_dir():
        return packaged
    raise KcgraphError(
        f"kcgraph's {name}/ folder is missing from the installed package; reinstall kcgraph "
        "or set KCGRAPH_HOME to a checkout"
    )


def ontology_path(name: str = "kcgraph.ttl") -> Path:
    """A file of the ontology folder (``kcgraph.ttl``, ``shapes.ttl``)."""
    return resource_dir("ontology") / name


def queries_dir() -> Path:
    return resource_dir("queries")


def default_manifest() -> Path:
    """The manifest of the bundled source documents."""
    return resource_dir("data") / "sources" / "manifest.toml"


def context_path() -> Path:
    """The JSON-LD ``@context`` shipped in the package (never fetched)."""
    return Path(str(resources.files(_PACKAGE))) / "context.jsonld"
