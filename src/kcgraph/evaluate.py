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
    from .match.ranker import Ranker
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


def evaluate_ranking(
    scorer: Scorer, gold: Sequence[GoldPair], *, ranker: Ranker | None = None
) -> QualityReport:
    """Rank every equivalence pair's counterpart among all statements of its profile, by the
    ranker's score (default: the fused score).

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
            if ranker is None:
                scores = scorer.fused(np.array([query]), cols)[0]
            else:
                scores = ranker.score(np.full(len(cols), query), cols)
            target_score = scores[int(np.where(cols == target)[0][0])]
            report.ranks[direction].append(float(1 + np.sum(scores > target_score)))
    return report


#: Gold relation -> the predicate of the decision it becomes (``kcgraph review import``).
GOLD_PREDICATES = {
    "exact": "skos:exactMatch",
    "close": "skos:closeMatch",
    "related": "skos:relatedMatch",
}


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
    from .mappings import manual_mapping

    index = _index(items)
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


def _fold_of(resolved: Sequence[ResolvedPair], folds: int, seed: int) -> list[int]:
    """A deterministic fold number for each resolved pair (seeded shuffle, round robin)."""
    order = np.random.default_rng(seed).permutation(len(resolved))
    fold = [0] * len(resolved)
    for rank, i in enumerate(order.tolist()):
        fold[i] = rank % folds
    return fold


@dataclass
class FoldReport:
    """Out-of-fold figures: ranks, queue quality, and (probability, label) for calibration."""

    ranking: QualityReport
    queue: dict[str, float]
    calibration: list[tuple[float, int]]
    trained_on: list[int]


def evaluate_folds(
    scorer: Scorer,
    gold: Sequence[GoldPair],
    converter: curies.Converter,
    *,
    decisions: Sequence[SemanticMapping] = (),
    folds: int = 5,
    fraction: float = 1.0,
    seed: int = 0,
    top_k: int,
    target_precision: float,
) -> FoldReport:
    """Train on the other folds, rank and queue the held-out one, for each fold.

    Training data are ``decisions`` (e.g. the committed review decisions) plus the gold pairs
    of the other folds, minus every pair of the held-out fold: its decisions are hidden from
    training and from the exclusion of decided pairs. ``fraction`` keeps that share of the
    training decisions (the learning curve).
    """
    from .match.predict import predict_candidates
    from .match.ranker import Ranker
    from .reviewers import IN_MEMORY_REVIEWER

    resolved, _ = resolve_gold(gold, scorer.items, converter, reviewer=IN_MEMORY_REVIEWER)
    fold_of = _fold_of(resolved, folds, seed)
    ranker = Ranker(scorer)
    report = QualityReport(ranks={"a→b": [], "b→a": []})
    calibration: list[tuple[float, int]] = []
    hits = judged = found = total = queue = 0
    trained_on = []
    index = {item.iri: i for i, item in enumerate(scorer.items)}

    def pair_of(m: SemanticMapping) -> frozenset[int]:
        s, o = converter.expand(m.subject.curie), converter.expand(m.object.curie)
        return frozenset((index.get(s, -1), index.get(o, -2)))

    for k in range(folds):
        held = [r for r, f in zip(resolved, fold_of, strict=True) if f == k]
        hidden = {frozenset((r.a, r.b)) for r in held}

        training = {pair_of(m): m for m in decisions if pair_of(m) not in hidden}
        for r, f in zip(resolved, fold_of, strict=True):
            if f != k:
                training.setdefault(frozenset((r.a, r.b)), r.mapping)
        chosen = list(training.values())[: round(fraction * len(training))]
        ranker.train(chosen, converter)
        trained_on.append(len(chosen))
        held_gold = [r.pair for r in held]
        fold_report = evaluate_ranking(scorer, held_gold, ranker=ranker)
        for direction, ranks in fold_report.ranks.items():
            report.ranks[direction].extend(ranks)
        excluded = {
            frozenset(converter.expand(c) for c in (m.subject.curie, m.object.curie))
            for m in chosen
        }
        candidates = predict_candidates(
            scorer,
            top_k=top_k,
            threshold=0.0,
            exclude=excluded,
            ranker=ranker,
            target_precision=target_precision,
        )
        queued = {frozenset((c.subject.iri, c.object.iri)) for c in candidates}
        queue += len(queued)
        equivalences = [r for r in held if r.pair.relation in EQUIVALENCE]
        gold_pairs = {
            frozenset((scorer.items[r.a].iri, scorer.items[r.b].iri)) for r in equivalences
        }
        touched = {scorer.items[i].iri for r in equivalences for i in (r.a, r.b)}
        profiles_of = {frozenset((r.pair.doc_a, r.pair.doc_b)) for r in equivalences}
        profile = {item.iri: item.profile for item in scorer.items}
        for q in queued:
            if q & touched and frozenset(profile[x] for x in q) in profiles_of:
                judged += 1
                hits += q in gold_pairs
        found += len(gold_pairs & queued)
        total += len(gold_pairs)
        for r in equivalences:  # calibration: the held-out query's top candidates
            for query, target in ((r.a, r.b), (r.b, r.a)):
                lo, hi = ranker.features.bounds[scorer.items[target].profile]
                cols = np.arange(lo, hi)
                probability = ranker.score(np.full(len(cols), query), cols)
                best = np.argsort(-probability, kind="stable")[:PASSED_OVER_CALIBRATION]
                calibration.extend(
                    (float(probability[j]), int(cols[j] == target)) for j in best.tolist()
                )
    quality = {
        "queue": round(queue / folds),  # the mean queue of one fold's model
        "recall": found / total if total else 0.0,
        "precision": hits / judged if judged else 0.0,
        "judged": judged,
    }
    return FoldReport(report, quality, calibration, trained_on)


#: Candidates per held-out query whose probabilities enter the reliability table.
PASSED_OVER_CALIBRATION = 10


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
    ranks, and without ``proposals`` its default queue is computed now.
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
    if folds:
        decisions = [d.mapping for d in ws.store(check_ids=False).decisions()]
        report = evaluate_folds(
            scorer,
            pairs,
            ws.converter,
            decisions=decisions,
            folds=folds,
            top_k=settings.top_k,
            target_precision=settings.queue_precision,
        )
        yield f"out of fold ({folds} folds; each trained on about {report.trained_on[0]} decisions)"
        yield from format_report(report.ranking, [*scorer.names, "learned ranker"])
        q = report.queue
        yield (
            f"queue: learned, cut at expected precision {settings.queue_precision:g}: "
            f"{q['queue']} pairs (mean per fold); recall {q['recall']:.3f}; "
            f"precision {q['precision']:.3f} (lower bound, over {q['judged']} judged pairs)"
        )
        return
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


def import_gold(ws: Workspace, gold: str | Path, *, reviewer: str, name: str = "") -> Iterator[str]:
    """``kcgraph review import``: the gold pairs as accepted decisions of ``reviewer``;
    pairs whose texts name no statement are reported, a second import changes nothing."""
    from .match.scoring import statement_item
    from .reviewers import check_reviewer

    check_reviewer(reviewer, ws.converter)
    pairs = read_gold(gold)
    items = [statement_item(p, s, ws.minter) for p in ws.profiles for s in p.statements.values()]
    resolved, missing = resolve_gold(pairs, items, ws.converter, reviewer=reviewer)
    recorded, unchanged = ws.store().record_many(
        [("accept", r.mapping) for r in resolved], reviewer_name=name
    )
    yield f"{recorded} decisions recorded, {unchanged} already recorded, in {ws.store().directory}"
    for pair in missing:
        yield (
            f"{gold}:{pair.line}: not imported: {pair.doc_a}:{pair.text_a!r} -> "
            f"{pair.doc_b}:{pair.text_b!r} ({pair.relation}) names no statement"
        )
