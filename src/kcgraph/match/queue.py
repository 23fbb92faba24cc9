"""What makes a review queue: the order proposals are offered in, and the share of them a
model expects to be right.

One order serves the workbench, ``kcgraph review next`` and the learner: the proposal the
model is least sure of first (probability nearest 0.5: its decision teaches the model most,
uncertainty sampling), then the best fused score; without a model, the best fused score
first. Expected precision is the mean probability; a learned queue ends where it would fall
below the target (:func:`cut_by_expected_precision`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sssom_pydantic import SemanticMapping

__all__ = [
    "cut_by_expected_precision",
    "expected_precision",
    "review_order",
    "uncertainty",
]

T = TypeVar("T")


def uncertainty(probability: float | None) -> float:
    """0 when the model is sure either way (or there is no model), 0.5 when it cannot tell.

    >>> uncertainty(0.5), uncertainty(0.9), uncertainty(None)
    (0.5, 0.09999999999999998, 0.0)
    """
    if probability is None:
        return 0.0
    return 0.5 - abs(probability - 0.5)


def review_order(
    mappings: Iterable[SemanticMapping],
    probability: Callable[[SemanticMapping], float | None] | None = None,
) -> list[SemanticMapping]:
    """Proposals in review order: least sure first, then the best fused score, then by
    CURIEs. ``probability`` gives the model's probability of a proposal (default: its
    ``confidence``)."""

    def key(m: SemanticMapping) -> tuple[float, float, str, str]:
        p = probability(m) if probability is not None else m.confidence
        return (-uncertainty(p), -(m.similarity_score or 0.0), m.subject.curie, m.object.curie)

    return sorted(mappings, key=key)


def expected_precision(probabilities: Iterable[float | None]) -> float | None:
    """The mean probability of the proposals a model scored: how many of them should be
    right (``None`` when it scored none).

    >>> expected_precision([0.2, None, 0.6])
    0.4
    """
    values = [p for p in probabilities if p is not None]
    return sum(values) / len(values) if values else None


def cut_by_expected_precision(
    ranked: Sequence[T], probability: Callable[[T], float], target: float
) -> list[T]:
    """The longest run of ``ranked`` (most probable first) whose expected precision is at
    least ``target``.

    >>> cut_by_expected_precision([0.9, 0.5, 0.1, 0.1], float, 0.5)
    [0.9, 0.5, 0.1]
    """
    total, keep = 0.0, 0
    for n, item in enumerate(ranked, start=1):
        total += probability(item)
        if total / n >= target:
            keep = n
    return list(ranked[:keep])
