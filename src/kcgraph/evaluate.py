"""Crosswalk quality against a gold file of corresponding statements (Hits@k, MRR, queue P/R)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError
from .match.scoring import Item, Scorer
from .text import clean

__all__ = [
    "EQUIVALENCE",
    "GoldPair",
    "QualityReport",
    "evaluate_ranking",
    "queue_quality",
    "read_gold",
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
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise InputError("gold file not found", path=path) from None
    with handle:
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


@dataclass
class QualityReport:
    """Ranks of the gold counterparts, per direction, and the metrics derived from them."""

    ranks: dict[str, list[float]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)

    def metrics(self, direction: str | None = None) -> dict[str, float]:
        values = (
            self.ranks[direction] if direction else [r for rs in self.ranks.values() for r in rs]
        )
        ranks = np.asarray(values, dtype=float)
        if ranks.size == 0:
            return {"n": 0}
        return {
            "n": int(ranks.size),
            "hits@1": float(np.mean(ranks <= 1)),
            "hits@3": float(np.mean(ranks <= 3)),
            "hits@5": float(np.mean(ranks <= 5)),
            "mrr": float(np.mean(1.0 / ranks)),
        }


def _index(items: Sequence[Item]) -> dict[tuple[str, str], int]:
    return {(item.profile, item.label): i for i, item in enumerate(items)}


def evaluate_ranking(scorer: Scorer, gold: Sequence[GoldPair]) -> QualityReport:
    """Rank every equivalence pair's counterpart among all statements of its profile.

    A counterpart that is not a matchable statement (or not found) counts as a miss.
    """
    items = scorer.items
    index = _index(items)
    columns = {
        p: np.array([i for i, item in enumerate(items) if item.profile == p])
        for p in dict.fromkeys(item.profile for item in items)
    }
    report = QualityReport(ranks={"a→b": [], "b→a": []})
    for pair in gold:
        if pair.relation not in EQUIVALENCE:
            continue
        for direction, (qd, qt, td, tt) in (
            ("a→b", (pair.doc_a, pair.text_a, pair.doc_b, pair.text_b)),
            ("b→a", (pair.doc_b, pair.text_b, pair.doc_a, pair.text_a)),
        ):
            query, target = index.get((qd, qt)), index.get((td, tt))
            if query is None or target is None or td not in columns:
                report.unresolved.append(f"line {pair.line}: {qd}:{qt!r} -> {td}:{tt!r}")
                report.ranks[direction].append(float("inf"))
                continue
            cols = columns[td]
            scores = scorer.fused(np.array([query]), cols)[0]
            target_score = scores[int(np.where(cols == target)[0][0])]
            report.ranks[direction].append(float(1 + np.sum(scores > target_score)))
    return report


def queue_quality(
    rows: Sequence[dict],
    gold: Sequence[GoldPair],
    items: Sequence[Item],
    prefixes: dict[str, str] | None = None,
) -> dict[str, float]:
    """Recall of the gold equivalence pairs in a proposal queue, and a precision lower bound.

    Precision counts the queued pairs that touch a statement of some gold equivalence pair
    of the same two profiles; the gold is a sample, so unlisted pairs are not all wrong.
    """
    by_label = {(item.profile, item.label): item.iri for item in items}
    golden: set[frozenset[str]] = set()
    touched: dict[frozenset[str], set[str]] = {}
    for pair in gold:
        a, b = by_label.get((pair.doc_a, pair.text_a)), by_label.get((pair.doc_b, pair.text_b))
        if pair.relation in EQUIVALENCE and a and b:
            golden.add(frozenset((a, b)))
            touched.setdefault(frozenset((pair.doc_a, pair.doc_b)), set()).update((a, b))
    expand = _expander(prefixes or {})
    profile_of = {item.iri: item.profile for item in items}
    queued = {frozenset((expand(r["subject_id"]), expand(r["object_id"]))) for r in rows}
    relevant = [
        q
        for q in queued
        if len(q) == 2
        and any(iri in touched.get(frozenset(profile_of.get(x, "") for x in q), set()) for iri in q)
    ]
    hits = sum(1 for q in relevant if q in golden)
    return {
        "queue": len(queued),
        "recall": (len(golden & queued) / len(golden)) if golden else 0.0,
        "precision": (hits / len(relevant)) if relevant else 0.0,
        "judged": len(relevant),
    }


def _expander(prefixes: dict[str, str]):
    def expand(curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else curie

    return expand
