"""Rankers fitted once per set of decisions: what a :class:`~.ranker.Ranker` learnt, kept in
the cache folder and read back when it would learn the same again.

The key is everything the fit depends on: kcgraph's code, the versions of the packages that
fit, the items (every field), the signals' names and vectors, and the decided pairs
(accepted, rejected, judged otherwise). A change of any makes a new key, so a kept fit is
never one the inputs would not give; an unreadable entry is fitted again. ``kcgraph match``
after a change of ``--top-k``, ``--threshold`` or ``--min-precision``, and each command of
the review loop, read the fit instead of repeating it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..memo import code_digest, keep, kept
from .scoring import Scorer

__all__ = ["fit_key", "read_fit", "write_fit"]

Pairs = Collection[tuple[int, int]]


def fit_key(scorer: Scorer, positive: Pairs, negative: Pairs, otherwise: Pairs) -> str:
    """The key of a fit on these decided pairs of ``scorer``'s items."""
    digest = hashlib.sha256(code_digest().encode())
    versions = [metadata.version(p) for p in ("numpy", "scipy", "scikit-learn")]
    digest.update(json.dumps([versions, scorer.names]).encode())
    for item in scorer.items:
        digest.update(repr(item).encode() + b"\n")
    for vectors in scorer._dense:
        digest.update(np.ascontiguousarray(vectors).tobytes())
    if scorer._sparse is not None:
        for part in (scorer._sparse.data, scorer._sparse.indices, scorer._sparse.indptr):
            digest.update(np.ascontiguousarray(part).tobytes())
    pairs = [sorted(positive), sorted(negative), sorted(otherwise)]
    digest.update(json.dumps(pairs).encode())
    return digest.hexdigest()[:32]


def read_fit(folder: Path, key: str) -> dict[str, Any] | None:
    """The fit kept under ``key``, or ``None`` (absent, or unreadable: fit again)."""
    state = kept(folder / f"{key}.pickle")
    return state if isinstance(state, dict) else None


def write_fit(folder: Path, key: str, state: dict[str, Any]) -> None:
    """Keep a fit under ``key`` (written whole or not at all)."""
    keep(folder / f"{key}.pickle", state)
