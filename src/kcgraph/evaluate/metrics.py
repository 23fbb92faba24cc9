"""Ranking metrics, computed once for every evaluation: Hits@k and the mean reciprocal rank
of the right answers' ranks (a rank of ``inf`` is a miss)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["assign_folds", "rank_metrics"]


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
