"""Benchmark of the main job: parse, build, validate (SHACL) and serialise the four profiles.

Prints wall-clock figures (best of N runs) and the cost of validation relative to the rest of
the build, measured in the same process. Run: ``make bench`` or ``python bench/bench_build.py``.

``--rows 100000`` measures instead ``kcgraph build`` of a generated profile table of that many
rows (a competency with three indicators, three knowledge and three skill rows, Dutch texts),
as a user runs it: a whole process, its wall time and the peak memory of the process and its
workers (summed proportional set size, sampled every 0.2 s), against the build of the four
bundled profiles run the same way in the same session. Both use a fresh build cache beside
the user's vocabulary cache (ESCO is not parsed again), and no decisions.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

from rdflib import Graph

from kcgraph import Settings
from kcgraph.graph import build_graph, serialize
from kcgraph.graph.namespaces import Minter
from kcgraph.parse import parse_profiles
from kcgraph.resources import ontology_path
from kcgraph.shapes.validate import load_shapes, validate_graph


def _best(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, help="build a generated table of this many rows")
    args = parser.parse_args()
    if args.rows:
        from big_table import measure_big_table

        measure_big_table(args.rows)
        return

    shapes = load_shapes()
    ontology = Graph().parse(ontology_path())
    settings = Settings()
    parse_s, profiles = _best(lambda: parse_profiles(settings.manifest_path), args.runs)
    minter = Minter(settings.base)
    graph_s, graph = _best(lambda: build_graph(profiles, minter=minter), args.runs)
    serialise_s, _ = _best(
        lambda: [serialize(graph, f) for f in ("turtle", "json-ld", "nt")], args.runs
    )
    validate_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        report = validate_graph(graph, shapes=shapes, ontology=ontology)
        validate_times.append(time.perf_counter() - start)
    assert report.conforms
    validate_s = min(validate_times)

    tracemalloc.start()
    validate_graph(graph, shapes=shapes, ontology=ontology)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rest = parse_s + graph_s + serialise_s
    statements = sum(len(p.statements) for p in profiles)
    print(f"profiles: {len(profiles)}, concepts: {statements}, triples: {len(graph)}")
    print(f"parse four sources      {parse_s * 1000:8.1f} ms")
    print(f"build graph             {graph_s * 1000:8.1f} ms")
    print(f"serialise ttl+jsonld+nt {serialise_s * 1000:8.1f} ms")
    print(
        f"SHACL validation        {validate_s * 1000:8.1f} ms "
        f"(median {statistics.median(validate_times) * 1000:.1f} ms, "
        f"peak Python memory {peak / 2**20:.1f} MiB)"
    )
    print(
        f"validation / rest of build: {validate_s / rest:.2f}x "
        f"({validate_s * 1000:.0f} ms vs {rest * 1000:.0f} ms), best of {args.runs} runs"
    )
    print(f"validation throughput: {len(graph) / validate_s:,.0f} triples/s")


if __name__ == "__main__":
    main()
