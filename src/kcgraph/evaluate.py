"""Crosswalk quality against a gold file of corresponding statements (Hits@k, MRR, queue P/R)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from .errors import InputError
from .files import read_text
from .match.scoring import Item, Scorer
from .text import clean

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = [
    "EQUIVALENCE",
    "GoldPair",
    "QualityReport",
    "evaluate_queue",
    "evaluate_ranking",
    "format_report",
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
    mappings: Sequence[SemanticMapping],
    gold: Sequence[GoldPair],
    items: Sequence[Item],
    converter: curies.Converter,
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
    profile_of = {item.iri: item.profile for item in items}
    queued = {
        frozenset((converter.expand(m.subject.curie) or "", converter.expand(m.object.curie) or ""))
        for m in mappings
    }
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


def format_report(report: QualityReport, signals: Sequence[str]) -> Iterator[str]:
    """The ranking table ``kcgraph evaluate`` prints."""
    yield f"signals: {', '.join(signals)}"
    yield f"{'direction':<10} {'n':>4} {'Hits@1':>7} {'Hits@3':>7} {'Hits@5':>7} {'MRR':>6}"
    for direction in (*report.ranks, None):
        m = report.metrics(direction)
        yield (
            f"{direction or 'both':<10} {m['n']:>4} {m['hits@1']:>7.3f} "
            f"{m['hits@3']:>7.3f} {m['hits@5']:>7.3f} {m['mrr']:>6.3f}"
        )
    if report.unresolved:
        yield f"{len(report.unresolved)} gold statements not found (counted as misses):"
        for line in report.unresolved[:10]:
            yield f"  {line}"


def evaluate_queue(
    ws: Workspace, gold: str | Path, *, proposals: str | Path | None = None
) -> Iterator[str]:
    """What ``kcgraph evaluate`` prints: the ranking table and the queue's quality.

    Without ``proposals`` the default queue is computed now (decided pairs not excluded).
    """
    from .mappings import read_mappings
    from .match import build_scorer, match_profiles

    pairs = read_gold(gold)
    settings = ws.settings
    scorer = build_scorer(
        ws.profiles,
        minter=ws.minter,
        models=settings.models,
        lexical=settings.lexical,
        cache_dir=settings.embedding_cache_dir,
    )
    yield from format_report(evaluate_ranking(scorer, pairs), scorer.names)
    if proposals:
        mappings = read_mappings(proposals, converter=ws.converter).mappings
        source = str(proposals)
    else:
        mappings = match_profiles(ws.profiles, settings, ws.converter, scorer=scorer).mappings
        source = f"default queue (top-{settings.top_k}, threshold {settings.threshold})"
    q = queue_quality(mappings, pairs, scorer.items, ws.converter)
    yield (
        f"queue: {source}: {q['queue']} pairs; recall {q['recall']:.3f}; "
        f"precision {q['precision']:.3f} (lower bound, over {q['judged']} judged pairs)"
    )
