"""Crosswalk quality against a gold file of corresponding statements: Hits@k and MRR of the
ranking, recall and precision of the queue, out of fold when the ranker learns."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ..mappings import read_mappings
from ..match.crosswalk.predict import POOL, predict_candidates, predict_mappings
from ..match.crosswalk.ranker import Ranker
from ..match.crosswalk.scoring import Scorer
from ..match.items import Item
from ..match.learning import statement_folds
from ..match.proposals import Candidate, source_versions
from ..review.decisions.gold import (
    EQUIVALENCE,
    GoldPair,
    ResolvedPair,
    item_index,
    read_gold,
    resolve_gold,
)
from ..review.decisions.reviewers import IN_MEMORY_REVIEWER
from .metrics import rank_metrics

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = [
    "PASSED_OVER_CALIBRATION",
    "FoldReport",
    "QualityReport",
    "evaluate_folds",
    "evaluate_queue",
    "evaluate_ranking",
    "format_report",
    "queue_quality",
]

#: Hits@K of the crosswalk ranking.
HITS = (1, 3, 5)
#: Candidates per held-out query whose probabilities enter the reliability table.
PASSED_OVER_CALIBRATION = 10


@dataclass
class QualityReport:
    """Ranks of the gold counterparts, per direction, and the metrics derived from them."""

    ranks: dict[str, list[float]] = field(default_factory=lambda: {"a→b": [], "b→a": []})
    unresolved: list[str] = field(default_factory=list)

    def extend(self, other: QualityReport) -> None:
        """Add another report's ranks (of other pairs) to this one's."""
        for direction, ranks in other.ranks.items():
            self.ranks.setdefault(direction, []).extend(ranks)

    def metrics(self, direction: str | None = None) -> dict[str, float]:
        values = (
            self.ranks[direction] if direction else [r for rs in self.ranks.values() for r in rs]
        )
        return rank_metrics(values, hits=HITS)


def evaluate_ranking(
    scorer: Scorer, gold: Sequence[GoldPair], *, ranker: Ranker | None = None
) -> QualityReport:
    """Rank every equivalence pair's counterpart among all statements of its profile, by the
    ranker's score (default: the fused score).

    A trained ranker ranks as ``kcgraph match`` does: the best :data:`POOL` statements by
    fused score in the order of its probability, the rest after them by fused score. A
    counterpart that is not a matchable statement (or not found) counts as a miss.
    """
    items = scorer.items
    index = item_index(items)
    columns = {
        p: np.array([i for i, item in enumerate(items) if item.profile == p])
        for p in dict.fromkeys(item.profile for item in items)
    }
    report = QualityReport()
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
            if ranker is not None and not ranker.trained:  # its fallback score
                scores = ranker.score(np.full(len(cols), query), cols)
            else:
                scores = scorer.fused(np.array([query]), cols)[0]
            if ranker is not None and ranker.trained:
                pool = np.argsort(-scores, kind="stable")[:POOL]
                scores[pool] = 2.0 + ranker.score(np.full(len(pool), query), cols[pool])
            target_score = scores[int(np.where(cols == target)[0][0])]
            report.ranks[direction].append(float(1 + np.sum(scores > target_score)))
    return report


@dataclass
class FoldReport:
    """Out-of-fold figures: ranks (learned, and cold: the fused score on the same held-out
    pairs), queue quality, and (probability, label) for calibration."""

    ranking: QualityReport
    queue: dict[str, float]
    calibration: list[tuple[float, int]]
    trained_on: list[int]
    cold: QualityReport = field(default_factory=QualityReport)
    models: list[str] = field(default_factory=list)


def evaluate_folds(
    scorer: Scorer,
    gold: Sequence[GoldPair],
    converter: curies.Converter,
    *,
    examples: Sequence[SemanticMapping] = (),
    folds: int = 5,
    fraction: float = 1.0,
    seed: int = 0,
    top_k: int,
    target_precision: float | None,
) -> FoldReport:
    """Train on the other folds, rank and queue the held-out one, for each fold.

    The gold is split by statement (:func:`~kcgraph.match.learning.statement_folds`): no
    statement is in two folds. Training data are ``examples`` (e.g. the committed review
    decisions) plus the gold pairs of the other folds, minus every decision on a statement of
    the held-out fold: those are hidden from training and from the exclusion of decided
    pairs. ``fraction`` keeps that share of the training decisions (the learning curve). The
    cold ranking (the fused score) of the same held-out pairs is reported beside.
    """
    resolved, _ = resolve_gold(gold, scorer.items, converter, reviewer=IN_MEMORY_REVIEWER)
    fold_of = statement_folds([(r.a, r.b) for r in resolved], folds, seed)
    ranker = Ranker(scorer)
    report, cold, models = QualityReport(), QualityReport(), []
    counts = _QueueCounts()
    calibration: list[tuple[float, int]] = []
    trained_on = []
    index = {item.iri: i for i, item in enumerate(scorer.items)}

    def pair_of(m: SemanticMapping) -> frozenset[int]:
        s, o = converter.expand(m.subject.curie), converter.expand(m.object.curie)
        return frozenset((index.get(s or "", -1), index.get(o or "", -2)))

    for k in range(folds):
        held = [r for r, f in zip(resolved, fold_of, strict=True) if f == k]
        others = [r for r, f in zip(resolved, fold_of, strict=True) if f != k]
        chosen = _training(examples, held, others, pair_of, fraction)
        ranker.train(chosen, converter)
        trained_on.append(len(chosen))
        models.append(ranker.choice.model if ranker.choice else "fused (too few decisions)")
        report.extend(evaluate_ranking(scorer, [r.pair for r in held], ranker=ranker))
        cold.extend(evaluate_ranking(scorer, [r.pair for r in held]))
        candidates = _fold_queue(
            scorer, ranker, chosen, converter, top_k=top_k, target_precision=target_precision
        )
        equivalences = [r for r in held if r.pair.relation in EQUIVALENCE]
        counts.add(candidates, equivalences, scorer.items)
        calibration += _calibration(ranker, scorer, equivalences)
    return FoldReport(report, counts.figures(folds), calibration, trained_on, cold, models)


def _training(
    decisions: Sequence[SemanticMapping],
    held: Sequence[ResolvedPair],
    others: Sequence[ResolvedPair],
    pair_of: Callable[[SemanticMapping], frozenset[int]],
    fraction: float,
) -> list[SemanticMapping]:
    """The decisions a fold trains on: every decision and the other folds' gold, none on a
    statement of the held-out fold; ``fraction`` of them."""
    hidden = {s for r in held for s in (r.a, r.b)}
    training = {pair_of(m): m for m in decisions if not pair_of(m) & hidden}
    for r in others:
        training.setdefault(frozenset((r.a, r.b)), r.mapping)
    return list(training.values())[: round(fraction * len(training))]


def _fold_queue(
    scorer: Scorer,
    ranker: Ranker,
    trained_on: Sequence[SemanticMapping],
    converter: curies.Converter,
    *,
    top_k: int,
    target_precision: float | None,
) -> list[Candidate]:
    """The learned queue of a fold: every candidate but the pairs it trained on."""
    excluded = {
        frozenset(converter.expand(c) for c in (m.subject.curie, m.object.curie))
        for m in trained_on
    }
    return predict_candidates(
        scorer,
        top_k=top_k,
        threshold=0.0,
        exclude=excluded,
        ranker=ranker,
        target_precision=target_precision,
    )


@dataclass
class _QueueCounts:
    """What the held-out folds' queues held: pairs queued, judged, right, and gold found."""

    queue: int = 0
    judged: int = 0
    hits: int = 0
    found: int = 0
    total: int = 0

    def add(
        self, candidates: Sequence[Candidate], held: Sequence[ResolvedPair], items: Sequence[Item]
    ) -> None:
        queued = {frozenset((c.subject.iri, c.object.iri)) for c in candidates}
        self.queue += len(queued)
        gold_pairs = {frozenset((items[r.a].iri, items[r.b].iri)) for r in held}
        touched = {items[i].iri for r in held for i in (r.a, r.b)}
        profiles_of = {frozenset((r.pair.doc_a, r.pair.doc_b)) for r in held}
        profile = {item.iri: item.profile for item in items}
        for q in queued:
            if q & touched and frozenset(profile[x] for x in q) in profiles_of:
                self.judged += 1
                self.hits += q in gold_pairs
        self.found += len(gold_pairs & queued)
        self.total += len(gold_pairs)

    def figures(self, folds: int) -> dict[str, float]:
        return {
            "queue": round(self.queue / folds),  # the mean queue of one fold's model
            "recall": self.found / self.total if self.total else 0.0,
            "precision": self.hits / self.judged if self.judged else 0.0,
            "judged": self.judged,
        }


def _calibration(
    ranker: Ranker, scorer: Scorer, equivalences: Sequence[ResolvedPair]
) -> list[tuple[float, int]]:
    """(probability, right) of each held-out query's top candidates in the other profile, as
    ``kcgraph match`` lists them (its pool, by probability); every gold counterpart of the
    query in that profile is right."""
    if not ranker.trained:
        return []
    right = {(r.a, r.b) for r in equivalences} | {(r.b, r.a) for r in equivalences}
    out: list[tuple[float, int]] = []
    screens = dict.fromkeys(
        (q, scorer.items[t].profile) for r in equivalences for q, t in ((r.a, r.b), (r.b, r.a))
    )
    for query, profile in screens:
        lo, hi = ranker.features.bounds[profile]
        cols = np.arange(lo, hi)
        pool = cols[np.argsort(-scorer.fused(np.array([query]), cols)[0], kind="stable")[:POOL]]
        probability = ranker.score(np.full(len(pool), query), pool)
        best = np.argsort(-probability, kind="stable")[:PASSED_OVER_CALIBRATION]
        out.extend(
            (float(probability[j]), int((query, int(pool[j])) in right)) for j in best.tolist()
        )
    return out


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
    ws: Workspace, gold: str | Path, *, proposals: str | Path | None = None, folds: int = 0
) -> Iterator[str]:
    """What ``kcgraph evaluate`` prints: the ranking table and the queue's quality.

    With ``folds``, out of fold: the ranker learns from the review decisions and the gold of
    the other folds, never from the fold it ranks. Without, the unsupervised fused score
    ranks, and without ``proposals`` its default queue (nothing learnt, nothing left out)
    is computed now.
    """
    pairs = read_gold(gold)
    if folds:
        yield from _out_of_fold(ws, pairs, folds)
        return
    settings, scorer = ws.settings, ws.scorer
    yield from format_report(evaluate_ranking(scorer, pairs), scorer.names)
    if proposals:
        mappings = read_mappings(proposals, converter=ws.converter).mappings
        source = str(proposals)
    else:
        mappings = predict_mappings(
            scorer,
            ws.converter,
            top_k=settings.top_k,
            threshold=settings.threshold,
            target_precision=settings.min_precision,
            versions=source_versions(ws.profiles, ws.minter),
        )
        source = f"default queue (top-{settings.top_k}, threshold {settings.threshold})"
    q = queue_quality(mappings, pairs, scorer.items, ws.converter)
    yield (
        f"queue: {source}: {q['queue']} pairs; recall {q['recall']:.3f}; "
        f"precision {q['precision']:.3f} (lower bound, over {q['judged']} judged pairs)"
    )


def _out_of_fold(ws: Workspace, pairs: Sequence[GoldPair], folds: int) -> Iterator[str]:
    settings, scorer = ws.settings, ws.scorer
    report = evaluate_folds(
        scorer,
        pairs,
        ws.converter,
        examples=ws.examples,
        folds=folds,
        top_k=settings.top_k,
        target_precision=settings.min_precision,
    )
    yield f"out of fold ({folds} folds; each trained on about {report.trained_on[0]} decisions)"
    yield from format_report(report.ranking, [*scorer.names, "learned ranker"])
    q = report.queue
    cut = "no cut" if settings.min_precision is None else f"cut at {settings.min_precision:g}"
    yield (
        f"queue: learned, {cut}: "
        f"{q['queue']} pairs (mean per fold); recall {q['recall']:.3f}; "
        f"precision {q['precision']:.3f} (lower bound, over {q['judged']} judged pairs)"
    )
