"""The proposal queues a review reads: ``kcgraph match``'s SSSOM files, looked up by pair."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sssom_pydantic import SemanticMapping

from ...layout import TARGETS
from ...mappings import pair_key, read_mappings
from .store import ReviewStore

if TYPE_CHECKING:
    from ...workspace import Workspace

__all__ = ["find_proposal", "lookup_proposal", "read_proposals"]


def read_proposals(path: str | Path, workspace: Workspace) -> list[SemanticMapping]:
    """The mappings of a proposals file; none when it does not exist yet."""
    path = Path(path)
    if not path.is_file():
        return []
    return read_mappings(path, converter=workspace.converter).mappings


def find_proposal(
    store: ReviewStore, proposals: list[SemanticMapping], a: str, b: str
) -> SemanticMapping | None:
    """The proposal for the pair ``a``-``b`` (either orientation), if there is one."""
    pair = frozenset((store.reference(a).curie, store.reference(b).curie))
    return next((m for m in proposals if pair_key(m) == pair), None)


def lookup_proposal(
    workspace: Workspace, store: ReviewStore, a: str, b: str, *, path: str | Path | None = None
) -> SemanticMapping | None:
    """The proposal for ``a``-``b`` in ``path``, or in any of the run's proposal queues."""
    paths = [Path(path)] if path else [workspace.settings.proposals_path(t) for t in TARGETS]
    for candidate in paths:
        found = find_proposal(store, read_proposals(candidate, workspace), a, b)
        if found is not None:
            return found
    return None
