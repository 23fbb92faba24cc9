"""Where a learned queue ends: the share of its proposals a model expects to be right.

Expected precision is the mean probability; a learned queue ends where it would fall below
the target (:func:`cut_by_expected_precision`). The order a review offers them in is the
review loop's (:func:`kcgraph.review.session.screens.offer_key`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

__all__ = [
    "cut_by_expected_precision",
    "expected_precision",
]

T = TypeVar("T")


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
