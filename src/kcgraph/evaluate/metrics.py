"""Ranking metrics, computed once for every evaluation: Hits@k and the mean reciprocal rank
of the right answers' ranks (a rank of ``inf`` is a miss)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Bin", "assign_folds", "expected_calibration_error", "rank_metrics", "reliability"]


def rank_metrics(
    ranks: Sequence[float], *, hits: Sequence[int], mrr_depth: int | None = None
) -> dict[str, float]:
    """``n``, ``hits@K`` for each K of ``hits``, and ``mrr`` (or, with ``mrr_depth`` D,
    ``mrr@D``: a rank below D counts 0).

    >>> rank_metrics([1, 2, float("inf")], hits=(1, 5))
    {'n': 3, 'hits@1': 0.3333333333333333, 'hits@5': 0.6666666666666666, 'mrr': 0.5}
    >>> rank_metrics([1, 20], hits=(10,), mrr_depth=10)
    {'n': 2, 'hits@10': 0.5, 'mrr@10': 0.5}
    """
    values = np.asarray(ranks, dtype=float)
    if values.size == 0:
        return {"n": 0}
    figures: dict[str, float] = {"n": int(values.size)}
    figures.update({f"hits@{k}": float(np.mean(values <= k)) for k in hits})
    if mrr_depth is None:
        figures["mrr"] = float(np.mean(1.0 / values))
    else:
        reciprocal = np.where(values <= mrr_depth, 1.0 / values, 0.0)
        figures[f"mrr@{mrr_depth}"] = float(np.mean(reciprocal))
    return figures


def assign_folds(n: int, folds: int, seed: int) -> list[int]:
    """A deterministic fold number for each of ``n`` examples (seeded shuffle, round robin).

    >>> assign_folds(5, 2, 0) == assign_folds(5, 2, 0), sorted(assign_folds(5, 2, 0))
    (True, [0, 0, 0, 1, 1])
    """
    order = np.random.default_rng(seed).permutation(n)
    fold = [0] * n
    for rank, i in enumerate(order.tolist()):
        fold[i] = rank % max(folds, 1)
    return fold


@dataclass(frozen=True)
class Bin:
    """One row of a reliability table: probabilities in [low, high), how many, their mean,
    and the share of them that were right."""

    low: float
    high: float
    n: int
    confidence: float
    accuracy: float


def reliability(pairs: Sequence[tuple[float, int]], *, bins: int = 10) -> list[Bin]:
    """(probability, right) pairs in ``bins`` equal-width bins of probability (the last one
    closed); empty bins are left out.

    >>> [(b.n, b.confidence, b.accuracy) for b in reliability([(0.05, 0), (0.95, 1)], bins=2)]
    [(1, 0.05, 0.0), (1, 0.95, 1.0)]
    """
    p = np.array([x for x, _ in pairs], dtype=float)
    y = np.array([r for _, r in pairs], dtype=float)
    which = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            confidence, accuracy = float(p[mask].mean()), float(y[mask].mean())
            out.append(Bin(b / bins, (b + 1) / bins, int(mask.sum()), confidence, accuracy))
    return out


def expected_calibration_error(pairs: Sequence[tuple[float, int]], *, bins: int = 10) -> float:
    """The mean gap between confidence and accuracy over the bins of :func:`reliability`,
    weighted by their size (Guo et al., 2017).

    >>> expected_calibration_error([(0.9, 1), (0.9, 0)], bins=10)
    0.4
    """
    table = reliability(pairs, bins=bins)
    total = sum(b.n for b in table)
    return (
        round(sum(b.n * abs(b.confidence - b.accuracy) for b in table) / total, 12)
        if total
        else 0.0
    )
