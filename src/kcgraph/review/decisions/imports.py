"""``kcgraph review import``: expert judgements recorded as accepted decisions, from a gold
file (:mod:`.gold`) or an ESCO labelled sample (:mod:`.samples`). What names no statement or
concept is reported; a second import changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ...match.items import matchable_items, statement_item
from .gold import read_gold, resolve_gold
from .reviewers import check_reviewer
from .samples import esco_decisions, is_esco_sample, read_esco_sample

if TYPE_CHECKING:
    from ...workspace import Workspace

__all__ = ["import_decisions", "import_esco_sample", "import_gold"]


def import_decisions(
    ws: Workspace, path: str | Path, *, reviewer: str, name: str = ""
) -> Iterator[str]:
    """Import a gold file or an ESCO labelled sample, whichever ``path`` holds."""
    read = import_esco_sample if is_esco_sample(path) else import_gold
    yield from read(ws, path, reviewer=reviewer, name=name)


def import_gold(ws: Workspace, gold: str | Path, *, reviewer: str, name: str = "") -> Iterator[str]:
    """The gold pairs as accepted decisions of ``reviewer``."""
    check_reviewer(reviewer, ws.converter)
    pairs = read_gold(gold)
    items = [statement_item(p, s, ws.minter) for p in ws.profiles for s in p.statements.values()]
    resolved, missing = resolve_gold(pairs, items, ws.converter, reviewer=reviewer)
    store = ws.store()
    recorded, unchanged = store.record_many(
        [("accept", r.mapping) for r in resolved], reviewer_name=name
    )
    yield f"{recorded} decisions recorded, {unchanged} already recorded, in {store.directory}"
    for pair in missing:
        yield (
            f"{gold}:{pair.line}: not imported: {pair.doc_a}:{pair.text_a!r} -> "
            f"{pair.doc_b}:{pair.text_b!r} ({pair.relation}) names no statement"
        )


def import_esco_sample(
    ws: Workspace, path: str | Path, *, reviewer: str, name: str = ""
) -> Iterator[str]:
    """The links of a labelled sample as accepted decisions of ``reviewer``."""
    check_reviewer(reviewer, ws.converter)
    labels = read_esco_sample(path)
    concepts = {c.uri: c.pref_label for c in (*ws.esco.skills, *ws.esco.occupations)}
    statements = matchable_items(ws.profiles, ws.minter)
    found, missing = esco_decisions(labels, statements, concepts, ws.converter, reviewer=reviewer)
    store = ws.store()
    recorded, unchanged = store.record_many([("accept", m) for m in found], reviewer_name=name)
    yield f"{recorded} decisions recorded, {unchanged} already recorded, in {store.directory}"
    for line in missing:
        yield f"{path}:{line.removeprefix('line ')}: not imported"
