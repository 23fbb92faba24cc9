"""Expert judgements in the crosswalk gold format: pairs of corresponding statements
(``doc_a, text_a, doc_b, text_b, relation``), as in ``shared/eval/crosswalk-dev.tsv``.

A gold pair is an analyst's decision like any other: ``kcgraph review import`` records it,
and the evaluation hides it fold by fold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import curies
from sssom_pydantic import SemanticMapping

from ...errors import InputError
from ...files import read_text
from ...mappings import manual_mapping
from ...match.items import Item
from ...parse.text import clean
from ...terms import CLOSE_MATCH, EXACT_MATCH, RELATED_MATCH

__all__ = [
    "EQUIVALENCE",
    "GOLD_PREDICATES",
    "GoldPair",
    "ResolvedPair",
    "item_index",
    "read_gold",
    "resolve_gold",
]

#: Gold relations that count as equivalence (skos:exactMatch / skos:closeMatch territory).
EQUIVALENCE = frozenset({"exact", "close"})
_COLUMNS = ("doc_a", "text_a", "doc_b", "text_b", "relation")


@dataclass(frozen=True)
class GoldPair:
    doc_a: str
    text_a: str
    doc_b: str
    text_b: str
    relation: str
    line: int


def read_gold(path: str | Path) -> list[GoldPair]:
    """Read a gold TSV (``doc_a, text_a, doc_b, text_b, relation``)."""
    path = Path(path)
    text = read_text(path, what="gold file")
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if tuple(reader.fieldnames or ())[:5] != _COLUMNS:
            raise InputError(f"expected columns {', '.join(_COLUMNS)}", path=path, line=1)
        pairs = []
        for number, row in enumerate(reader, start=2):
            if any(row.get(c) in (None, "") for c in _COLUMNS):
                raise InputError("row lacks a value", path=path, line=number)
            pairs.append(
                GoldPair(
                    row["doc_a"],
                    clean(row["text_a"]),
                    row["doc_b"],
                    clean(row["text_b"]),
                    row["relation"].strip(),
                    number,
                )
            )
    return pairs


def item_index(items: Sequence[Item]) -> dict[tuple[str, str], int]:
    """(profile, label) -> the item's index: how gold texts find their statements."""
    return {(item.profile, item.label): i for i, item in enumerate(items)}


#: Gold relation -> the predicate of the decision it becomes (``kcgraph review import``).
GOLD_PREDICATES = {"exact": EXACT_MATCH, "close": CLOSE_MATCH, "related": RELATED_MATCH}


@dataclass(frozen=True)
class ResolvedPair:
    """A gold pair found among the statements: item indices and the decision it means."""

    pair: GoldPair
    a: int
    b: int
    mapping: SemanticMapping


def resolve_gold(
    gold: Sequence[GoldPair], items: Sequence[Item], converter: curies.Converter, *, reviewer: str
) -> tuple[list[ResolvedPair], list[GoldPair]]:
    """Gold pairs as decisions on statements (accepted, with the gold's predicate); pairs
    whose texts name no statement are returned apart."""
    index = item_index(items)
    found, missing = [], []
    for pair in gold:
        a, b = index.get((pair.doc_a, pair.text_a)), index.get((pair.doc_b, pair.text_b))
        predicate = GOLD_PREDICATES.get(pair.relation)
        if a is None or b is None or predicate is None:
            missing.append(pair)
            continue
        mapping = manual_mapping(
            (items[a].iri, items[a].label),
            predicate,
            (items[b].iri, items[b].label),
            converter,
            reviewer=reviewer,
        )
        found.append(ResolvedPair(pair, a, b, mapping))
    return found, missing
