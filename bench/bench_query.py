"""SPARQL latency: every bundled query on the embedded store (pyoxigraph) and on an rdflib
Graph, in the same process, on the built graph and on a synthetic graph of ~1M triples.

The synthetic graph copies the profile graph under new IRIs until it reaches the size. rdflib
runs each query in a forked child with a time limit, so one slow query cannot stall the run.
Run: ``python bench/bench_query.py`` (``--triples 300000`` for a quicker run).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import tomllib
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kcgraph import Settings, Workspace
from kcgraph.build import run_build
from kcgraph.query import bind_params, load_store, resolve_query, run_local

ROOT = Path(__file__).resolve().parents[1]
CASES = tomllib.loads((ROOT / "tests" / "resources" / "queries.toml").read_text())["case"]


def _cases() -> list[tuple[str, str]]:
    seen, out = set(), []
    for case in CASES:
        if case["query"] not in seen:
            seen.add(case["query"])
            out.append(
                (case["query"], bind_params(resolve_query(case["query"]), case.get("params", {})))
            )
    return out


def _time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_GRAPH: Graph | None = None


def _rdflib_child(text: str, queue) -> None:
    start = time.perf_counter()
    len(list(_GRAPH.query(text)))
    queue.put(time.perf_counter() - start)


def _rdflib_time(text: str, limit: float) -> float | None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_rdflib_child, args=(text, queue))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return queue.get()


def _report(title: str, store, texts, runs: int, limit: float) -> None:
    print(f"\n{title}")
    print(f"{'query':28s} {'pyoxigraph':>11s} {'rdflib':>11s} {'ratio':>8s}")
    for name, text in texts:
        oxi = _time(lambda t=text: run_local(store, t, timeout=600, limit=10**7), runs)
        rdf = _rdflib_time(text, limit)
        shown = f"{rdf * 1000:9.1f}ms" if rdf is not None else f">{limit:8.0f} s"
        ratio = f"{rdf / oxi:7.1f}x" if rdf is not None else f">{limit / oxi:6.0f}x"
        print(f"{name:28s} {oxi * 1000:9.1f}ms {shown:>11s} {ratio:>8s}")


def main() -> None:
    global _GRAPH
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument(
        "--rdflib-limit",
        type=float,
        default=120.0,
        help="seconds an rdflib query may take before it is stopped",
    )
    args = parser.parse_args()
    texts = _cases()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        settings = Settings(out_dir=out, mappings_dir=ROOT / "tests" / "resources" / "mappings")
        run_build(Workspace(settings))
        store = load_store(out)
        _GRAPH = Graph().parse(out / "kcgraph.ttl").parse(out / "isco.ttl")
        _GRAPH.parse(out / "mappings.ttl", format="turtle")
        _report(
            f"built graph: profiles + ISCO in both stores ({len(_GRAPH):,} triples; "
            "the oxigraph store also holds ESCO)",
            store,
            texts,
            5,
            args.rdflib_limit,
        )

        lines = (out / "kcgraph.nt").read_text(encoding="utf-8").splitlines()
        copies = max(1, args.triples // len(lines))
        big = out / "big.nt"
        with big.open("w", encoding="utf-8") as handle:
            for k in range(copies):
                prefix = f"https://w3id.org/kcgraph/id/c{k}/"
                for line in lines:
                    handle.write(line.replace("https://w3id.org/kcgraph/id/", prefix) + "\n")
        start = time.perf_counter()
        big_store = ox.Store()
        big_store.bulk_load(path=str(big), format=ox.RdfFormat.N_TRIPLES)
        ox_load = time.perf_counter() - start
        start = time.perf_counter()
        _GRAPH = Graph().parse(big, format="nt")
        rdf_load = time.perf_counter() - start
        print(
            f"\nsynthetic graph: {copies} copies = {len(_GRAPH):,} triples; load pyoxigraph "
            f"{ox_load:.1f} s, rdflib {rdf_load:.1f} s ({rdf_load / ox_load:.0f}x)"
        )
        _report("synthetic graph (~1M triples)", big_store, texts, 3, args.rdflib_limit)


if __name__ == "__main__":
    main()
