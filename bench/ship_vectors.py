"""Make the shipped vectors again (``make vectors``): encode what the default job encodes
(``kcgraph match`` towards the profiles, ISCO-08 and ESCO, on the bundled sources) into an
empty cache, with no shipped vectors read, and write each embedded encoder's vectors to
``data/vectors/`` (see :mod:`kcgraph.match.shipped`). Takes about 7 minutes on 2 cores."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from kcgraph.match.encoders import EMBEDDED_ENCODERS
from kcgraph.match.run import match_profiles, match_targets
from kcgraph.match.shipped import read_cache, shipped_dir, write_shipped
from kcgraph.settings import Settings
from kcgraph.workspace import Workspace


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else shipped_dir()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Settings(cache_dir=Path(tmp), shipped_vectors=False))
        match_profiles(ws)
        match_targets(ws, "isco")
        match_targets(ws, "esco")
        cached = read_cache(Path(tmp) / "embeddings.sqlite")
    embedded = {factory().id for factory in EMBEDDED_ENCODERS.values()}
    out.mkdir(parents=True, exist_ok=True)
    for encoder_id, vectors in sorted(cached.items()):
        if encoder_id in embedded:
            path = write_shipped(out, encoder_id, vectors)
            print(f"{path}: {len(vectors):,} vectors, {path.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
