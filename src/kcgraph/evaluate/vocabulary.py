"""ESCO ranking measured on a labelled sample, out of fold: the statements of one fold are
hidden from training, ranked against every ESCO skill, and the rank of their first
accepted skill is kept."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from ..match.cache import EmbeddingCache
from ..match.run import esco_skill_matcher
from ..match.vocabulary.ranker import TargetRanker
from ..review.decisions.reviewers import IN_MEMORY_REVIEWER
from ..review.decisions.samples import EscoLabel, esco_decisions, read_esco_sample
from .metrics import assign_folds, rank_metrics

if TYPE_CHECKING:
    from ..match.vocabulary.matcher import TargetMatcher
    from ..workspace import Workspace

__all__ = ["HITS", "MRR_DEPTH", "TargetReport", "evaluate_esco_sample", "evaluate_target_folds"]

#: The cut-offs reported (Hits@K) and the depth of the reciprocal rank (MRR@10).
HITS = (1, 5, 10)
MRR_DEPTH = 10
_COLUMNS = ("hits@1", "hits@5", "hits@10", "mrr@10")


def evaluate_esco_sample(ws: Workspace, path: str | Path, *, folds: int) -> Iterator[str]:
    """``kcgraph evaluate`` of a labelled sample: Hits@1/5/10 and MRR@10 of the fused cosine
    and (``folds`` >= 2) of the ranker learnt out of fold from the committed decisions and
    the other folds' labels."""
    labels = read_esco_sample(path)
    cache = EmbeddingCache.of(ws.settings)
    try:
        matcher = esco_skill_matcher(ws, encoders=ws.encoders, cache=cache)
    finally:
        cache.close()
    report = evaluate_target_folds(matcher, labels, ws.converter, examples=ws.examples, folds=folds)
    n = report.metrics("fused")["n"]
    skills = len(matcher.targets.items)
    yield f"{path}: {n} labelled statements with an ESCO skill, ranked against {skills:,} skills"
    yield f"{'method':<26}" + "".join(f"{k:>8}" for k in _COLUMNS)
    for method in (m for m in ("fused", "learned") if report.ranks[m]):
        figures = report.metrics(method)
        name = method if method == "fused" else f"learned, {folds} folds"
        yield f"{name:<26}" + "".join(f"{figures[k]:8.3f}" for k in _COLUMNS)


@dataclass
class TargetReport:
    """Ranks of the first accepted concept of each labelled statement, per method."""

    ranks: dict[str, list[int]] = field(default_factory=dict)

    def metrics(self, method: str) -> dict[str, float]:
        return rank_metrics(self.ranks[method], hits=HITS, mrr_depth=MRR_DEPTH)


def evaluate_target_folds(
    matcher: TargetMatcher,
    labels: Sequence[EscoLabel],
    converter: curies.Converter,
    *,
    examples: Sequence[SemanticMapping] = (),
    folds: int = 5,
    seed: int = 0,
) -> TargetReport:
    """Out-of-fold ranks of the labelled statements against every target of ``matcher``: the
    fused cosine, and (``folds`` >= 2) the ranker trained on ``examples`` plus the labels of
    the other folds, minus every decision on a held-out statement."""
    rows = {(q.profile, q.label): i for i, q in enumerate(matcher.queries)}
    targets = {t.iri: j for j, t in enumerate(matcher.targets.items)}
    labelled = [
        (rows[(lb.doc, lb.text)], [targets[u] for u in lb.uris if u in targets])
        for lb in labels
        if (lb.doc, lb.text) in rows and any(u in targets for u in lb.uris)
    ]
    concepts = {t.iri: t.label for t in matcher.targets.items}
    own, _ = esco_decisions(
        labels, matcher.queries, concepts, converter, reviewer=IN_MEMORY_REVIEWER
    )
    folds_of = assign_folds(len(labelled), folds, seed)
    fold_of = {row: fold for (row, _), fold in zip(labelled, folds_of, strict=True)}
    iri_row = {q.iri: i for i, q in enumerate(matcher.queries)}

    def row_of(m: SemanticMapping) -> int:
        sides = (converter.expand(m.subject.curie), converter.expand(m.object.curie))
        return next((iri_row[s] for s in sides if s in iri_row), -1)

    fused = TargetRanker(matcher.names)
    report = TargetReport(ranks={"fused": [], "learned": []})
    for k in range(max(folds, 1)):
        held = [(r, right) for r, right in labelled if fold_of[r] == k]
        hidden = {r for r, _ in held}
        rankers = {"fused": fused}
        if folds >= 2:
            training = [m for m in (*examples, *own) if row_of(m) not in hidden]
            rankers["learned"] = matcher.train(training, converter)
        for r, right in held:
            block = matcher.block(slice(r, r + 1))
            for method, ranker in rankers.items():
                score = ranker.score(block, matcher.structure)[0]
                best = max(score[j] for j in right)
                report.ranks[method].append(int(np.sum(score > best)) + 1)
    return report
