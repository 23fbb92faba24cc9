"""Where the heavy stages of a match run: in this process, or as tasks on a Dask cluster.

The heavy stages are encoding the texts that the embedding cache lacks
(:meth:`~kcgraph.match.cache.EmbeddingCache.embed`), the approximate index's search
(:func:`~kcgraph.match.crosswalk.neighbours.neighbour_pool`) and the scoring of candidate
pairs (:func:`~kcgraph.match.crosswalk.predict.candidate_table`: top-K per other profile, the
learned ranker's probability). Each is cut into partitions that both engines process with the
same boundaries and collect in the same order, and each partition is a pure function of its
inputs, so the output of a run on a cluster is byte-identical to the local run's.

* ``local`` (the default; no engine, ``None``): every partition in this process.
* ``dask`` (:attr:`kcgraph.Settings.engine`, ``--engine dask``): each partition is a task
  of a `Dask distributed`_ cluster. With :attr:`~kcgraph.Settings.scheduler` (``--scheduler
  tcp://host:8786``) the tasks go to that cluster; without, kcgraph starts a
  ``LocalCluster`` of :attr:`~kcgraph.Settings.engine_workers` worker processes for the
  run and stops it after. What every task of a stage shares (the scorer's vectors, the
  index, the ranker) is sent to each worker once; a worker loads an encoder once.

Why Dask rather than Ray: the partitions are plain Python functions over numpy arrays, which
``Client.map`` runs as they are; Dask's scheduler is a pip-installable pure-Python package
that runs the same on a laptop (``LocalCluster``) and on a cluster (``dask scheduler`` plus
``dask worker`` on each host, or dask-kubernetes / dask-jobqueue), with no daemon to install;
results come back as futures in the order they were asked for.

.. _Dask distributed: https://distributed.dask.org
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..errors import KcgraphError

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["DaskEngine", "Engine", "open_engine"]

P = TypeVar("P")
S = TypeVar("S")
R = TypeVar("R")

#: Partitions in flight per worker: enough to keep every worker busy, few enough that the
#: results waiting to be collected (in order) stay small.
IN_FLIGHT = 2
#: How long a run waits for the scheduler it is pointed at before it gives up.
CONNECT_TIMEOUT = "5s"


class Engine(Protocol):
    """Runs ``function(part, shared)`` for each part, results in the parts' order."""

    def map(self, function: Callable[[P, S], R], parts: Sequence[P], shared: S) -> Iterator[R]: ...


class DaskEngine:
    """Every partition a task on a Dask cluster (``client``), collected in order."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))

    def map(self, function: Callable[[P, S], R], parts: Sequence[P], shared: S) -> Iterator[R]:
        if not parts:
            return
        # one copy per worker, sent once, not once per task
        [handle] = self.client.scatter([shared], broadcast=True, hash=False)
        limit = IN_FLIGHT * self.workers
        pending: list[Any] = []
        try:
            for part in parts:
                pending.append(self.client.submit(function, part, handle, pure=False))
                if len(pending) >= limit:
                    yield pending.pop(0).result()
            while pending:
                yield pending.pop(0).result()
        finally:
            self.client.cancel([*pending, handle])


@contextlib.contextmanager
def open_engine(settings: Settings) -> Iterator[Engine | None]:
    """The engine a run's settings name (``None``: this process), open for the run (a local
    cluster started for it is stopped after)."""
    if settings.engine == "local":
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise KcgraphError(
            "--engine dask needs Dask's distributed scheduler: pip install 'kcgraph[dask]'"
        ) from None
    with contextlib.ExitStack() as stack:
        if settings.scheduler:
            try:
                client = stack.enter_context(Client(settings.scheduler, timeout=CONNECT_TIMEOUT))
            except (OSError, ValueError) as exc:
                raise KcgraphError(
                    f"--scheduler {settings.scheduler}: cannot reach the Dask scheduler ({exc})"
                ) from None
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=settings.engine_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port: never another's
                    host="127.0.0.1",
                )
            )
            client = stack.enter_context(Client(cluster))
        yield DaskEngine(client)
