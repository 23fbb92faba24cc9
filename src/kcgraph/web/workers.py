"""Queries of ``kcgraph serve`` run in worker processes, so a runaway query can be stopped.

Oxigraph cannot cancel a running query, and a thread cannot be killed. Each worker is a
process that opens the on-disk store read-only (:func:`disk_store`, built once per
content of ``out/``) and answers one :class:`Job` at a time. A job that outlives its time
is stopped by killing its worker, which is replaced at once (opening the store takes
milliseconds); a worker's address space is capped, so a query that grows without bound
ends its own worker, not the server.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..layout import NAMED_GRAPHS
from ..query.safety import CheckedQuery

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["Answer", "Job", "QueryFailed", "WorkerPool", "disk_store"]


@dataclass(frozen=True)
class Job:
    """One checked query to run: only a :class:`CheckedQuery`'s canonical text ever runs.

    ``default_graphs`` / ``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``; given, they replace the query's own dataset (SPARQL 1.1 Protocol
    §2.1.4).
    """

    query: CheckedQuery
    media: str
    limit: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    body: bytes
    media: str
    rows: int
    truncated: bool


class QueryFailed(Exception):
    """A query that gave no answer: ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status

    def __reduce__(self) -> tuple[type[QueryFailed], tuple[str, int]]:
        """Pickled with its status: a worker sends it to the server whole."""
        return QueryFailed, (str(self), self.status)


def disk_store(out_dir: Path, cache_dir: Path) -> Path:
    """An on-disk oxigraph store of ``out/``'s graphs, built once per content of them
    (under ``cache_dir/stores/``), written to a temporary folder and renamed when done."""
    import pyoxigraph as ox

    from ..query.run import load_graphs

    digest = hashlib.sha256()
    for name in NAMED_GRAPHS:
        path = out_dir / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    target = cache_dir / "stores" / digest.hexdigest()[:20]
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        store = ox.Store(str(building))
        load_graphs(store, out_dir)
        store.flush()
        store.optimize()
        del store
        building.rename(target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        if not target.is_dir():
            raise
    return target


def _dataset(job: Job) -> dict[str, Any]:
    import pyoxigraph as ox

    if job.default_graphs or job.named_graphs:
        return {
            "default_graph": [ox.NamedNode(g) for g in job.default_graphs] or ox.DefaultGraph(),
            "named_graphs": [ox.NamedNode(g) for g in job.named_graphs],
        }
    return {"use_default_graph_as_union": not job.query.names_dataset}


def execute(store: Any, job: Job, tags: Mapping[str, str]) -> Answer:
    """Run a job on a store and write its answer (at most ``job.limit`` rows or triples),
    language tags as ``tags`` spells them."""
    import pyoxigraph as ox

    from .formats import render_boolean, render_solutions, render_triples

    answer = store.query(job.query.text, **_dataset(job))
    if isinstance(answer, ox.QueryBoolean):
        return Answer(render_boolean(bool(answer), job.media), job.media, 1, False)
    items: list[Any] = []
    truncated = False
    for item in answer:
        if len(items) >= job.limit:
            truncated = True
            break
        items.append(item)
    if isinstance(answer, ox.QueryTriples):
        body = render_triples(items, job.media, tags)
        return Answer(body, job.media, len(items), truncated)
    variables = [v.value for v in answer.variables]
    rows = [[solution[v] for v in variables] for solution in items]
    body = render_solutions(variables, rows, job.media, tags)
    return Answer(body, job.media, len(rows), truncated)


def _work(store_path: str, connection: Connection, memory: int, tags: dict[str, str]) -> None:
    """A worker process: cap the address space, open the store, answer jobs until EOF."""
    import resource

    import pyoxigraph as ox

    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    store = ox.Store.read_only(store_path)
    connection.send("ready")
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send(execute(store, job, tags))
        except MemoryError:
            connection.send(QueryFailed("the query needed more memory than a worker has", 503))
        except SyntaxError as exc:
            connection.send(QueryFailed(f"syntax error: {str(exc)[:300]}", 400))
        except Exception as exc:  # the engine's own refusals: the query's fault, said so
            connection.send(QueryFailed(f"the query engine refused it: {str(exc)[:300]}", 400))


class _Worker:
    def __init__(self, store_path: Path, memory: int, tags: dict[str, str]) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_work, args=(str(store_path), child, memory, tags), daemon=True
        )
        self.process.start()
        child.close()
        if not self.connection.poll(60) or self.connection.recv() != "ready":
            self.kill()
            raise QueryFailed("a query worker did not start", 503)

    def call(self, job: Job, timeout: float) -> Answer:
        self.connection.send(job)
        if not self.connection.poll(timeout):
            raise TimeoutError
        result = self.connection.recv()
        if isinstance(result, QueryFailed):
            raise result
        return result

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """``size`` worker processes over one on-disk store; :meth:`run` is thread-safe.
    ``tags`` spells the answers' language tags as published (see :func:`execute`)."""

    def __init__(
        self,
        store_path: Path,
        *,
        size: int,
        timeout: float,
        memory_mb: int,
        tags: dict[str, str] | None = None,
    ) -> None:
        self.store_path, self.timeout, self.tags = store_path, timeout, dict(tags or {})
        self.memory = memory_mb * 2**20
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers = [self._start() for _ in range(size)]
        for worker in self._workers:
            self._idle.put(worker)

    def _start(self) -> _Worker:
        return _Worker(self.store_path, self.memory, self.tags)

    def run(self, job: Job, *, wait: float) -> Answer:
        """Answer a job; waits at most ``wait`` seconds for a free worker."""
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise QueryFailed("every query worker is busy; try again later", 503) from None
        try:
            return worker.call(job, self.timeout)
        except TimeoutError:
            worker = self._replace(worker)
            raise QueryFailed(f"query timed out after {self.timeout:g} s", 503) from None
        except (EOFError, OSError, BrokenPipeError):
            worker = self._replace(worker)
            message = "the query ended its worker (out of memory?); it was restarted"
            raise QueryFailed(message, 503) from None
        finally:
            self._idle.put(worker)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        fresh = self._start()
        with self._lock:
            self._workers = [fresh if w is worker else w for w in self._workers]
        return fresh

    def close(self) -> None:
        with self._lock:
            for worker in self._workers:
                worker.kill()
            self._workers = []
