"""Serialise graphs deterministically and write files atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rdflib import Graph

from .paths import CONTEXT_PATH

__all__ = ["FORMATS", "load_context", "serialize", "write_atomic", "write_graph_files"]

#: Export format name -> (rdflib format, file suffix).
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", ".ttl"),
    "json-ld": ("json-ld", ".jsonld"),
    "nt": ("nt", ".nt"),
    "rdfxml": ("xml", ".rdf"),
}


def load_context() -> dict:
    """The JSON-LD ``@context`` shipped in the package."""
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]


def serialize(graph: Graph, fmt: str) -> str:
    """The graph in one of :data:`FORMATS`, byte-identical for the same triples."""
    if fmt == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "json-ld":
        context = load_context()
        data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
        nodes = data.get("@graph", [data] if "@id" in data else [])
        nodes = sorted((_sorted_values(n) for n in nodes), key=lambda n: n.get("@id", ""))
        document = {"@context": context, "@graph": nodes}
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "turtle":
        return graph.serialize(format="longturtle")
    if fmt == "rdfxml":
        return graph.serialize(format="pretty-xml")
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _sorted_values(node: dict) -> dict:
    out = {}
    for key, value in node.items():
        if isinstance(value, list):
            value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        out[key] = value
    return out


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_graph_files(graph: Graph, out_dir: str | Path, *, stem: str = "kcgraph") -> list[Path]:
    """Write Turtle, JSON-LD and N-Triples; all are serialised before any file is replaced."""
    out_dir = Path(out_dir)
    texts = {
        out_dir / f"{stem}.ttl": serialize(graph, "turtle"),
        out_dir / f"{stem}.jsonld": serialize(graph, "json-ld"),
        out_dir / f"{stem}.nt": serialize(graph, "nt"),
    }
    for path, text in texts.items():
        write_atomic(path, text)
    return list(texts)
