"""Work split into independent tasks, run in worker processes with progress.

The heavy stages of a big build (JSON-LD compaction, SHACL validation) are lists of tasks whose
results are put together in order, so the output is the same whatever the number of workers.
Workers are spawned (not forked: the parent may hold a gigabyte of lines that a fork would
share until touched); tasks are made as the workers take them (a few ahead), so their inputs
are never all in memory at once; a single task or a single worker runs in this process.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from contextlib import nullcontext
from typing import TypeVar

from ..progress import counter

__all__ = ["run_tasks"]

T = TypeVar("T")
R = TypeVar("R")


def run_tasks(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    total: int,
    workers: int,
    label: str,
    unit: str,
) -> list[R]:
    """``fn`` of each of the ``total`` items, in the items' order (``fn`` is a module-level
    function and its items are picklable)."""
    if total <= 1 or workers <= 1:
        results = []
        quiet = nullcontext(lambda count: None)
        with counter(label, total, unit) if total > 1 else quiet as done:
            for item in items:
                results.append(fn(item))
                done(1)
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    results = []
    pending: deque[Future[R]] = deque()
    with (
        counter(label, total, unit) as done,
        ProcessPoolExecutor(min(workers, total), mp_context=context) as pool,
    ):
        for item in items:
            pending.append(pool.submit(fn, item))
            while len(pending) > 2 * workers:
                results.append(pending.popleft().result())
                done(1)
        while pending:
            results.append(pending.popleft().result())
            done(1)
    return results
