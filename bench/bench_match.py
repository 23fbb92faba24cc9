"""Crosswalk speed and scale: the four profiles cold and warm, and a synthetic large run.

* four profiles, cold: empty embedding cache, models loaded, every statement encoded;
* four profiles, warm: the same with the cache filled (a re-run);
* scale: N synthetic profiles of M statements (default 100 x 300 = 30,000), made by
  recombining the real statements' words with a fixed seed; encoding throughput per encoder,
  then the crosswalk's candidates (``predict_candidates``) by brute force and from the
  approximate nearest-neighbour index, their times, and how far the index's agree with brute
  force: per statement, the same five best statements of other profiles (by fused score),
  and the same candidates at or above the threshold (top-K per other profile);
* large (``--large-statements 3000``: 100 x 3,000 = 300,000): the index only, up to the
  candidate table (``candidate_table``: the records are not made), its agreement
  with brute force on a random sample of statements scored exactly against all, peak memory,
  and how each cost grew from the scale run;
* crossover (``--crossover 45000,60000,90000``): brute force and index timed on N synthetic
  statements (the scale run's profiles, N / profiles each), where the index starts to pay;
* engines (``--engine-workers 1,2``, ``--large-engine-workers 2``): each stage (index built,
  searched, pairs scored; encoding) on this process and on a local Dask cluster of that many
  worker processes, the candidate tables compared.

Run: ``python bench/bench_match.py`` (``--scale-models use-m3`` for a quicker scale run,
``--cache-dir DIR`` to keep the encoded vectors between runs: the large run is timed warm).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from kcgraph import Settings, Workspace
from kcgraph.match import EmbeddingCache, Item, load_encoder, match_profiles
from kcgraph.match.crosswalk import Scorer
from kcgraph.match.crosswalk.neighbours import (
    Approximate,
    build_index,
    neighbour_pool,
    search_index,
)
from kcgraph.match.crosswalk.predict import (
    CandidateTable,
    Scoring,
    candidate_table,
    pair_tables,
    predict_candidates,
    top_k_blocks,
)
from kcgraph.match.engine import DaskEngine, Engine
from kcgraph.parse.model import Kind

SETTINGS = Settings()
DEFAULT_ENCODERS = SETTINGS.models
DEFAULT_TOP_K = SETTINGS.top_k
DEFAULT_THRESHOLD = SETTINGS.threshold
ANN_POOL = SETTINGS.ann_pool
#: Best statements of other profiles compared per statement (the "top-5" of the agreement).
AGREE_TOP = 5
T = TypeVar("T")


def _four_profiles(cache_dir: str) -> tuple[float, int]:
    start = time.perf_counter()
    ws = Workspace(SETTINGS.with_options(cache_dir=cache_dir))
    result = match_profiles(ws)
    return time.perf_counter() - start, len(result.mappings)


def _synthetic_items(n_profiles: int, per_profile: int, seed: int = 7) -> list[Item]:
    profiles = Workspace(SETTINGS).profiles
    words = [w for p in profiles for s in p.statements.values() for w in s.label.split()]
    rng = random.Random(seed)
    items, seen = [], set()
    for p in range(n_profiles):
        count = 0
        while count < per_profile:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 14)))
            if text in seen:
                continue
            seen.add(text)
            items.append(
                Item(
                    f"syn{p:03d}",
                    f"https://example.org/syn{p:03d}/{count}",
                    text,
                    Kind.SKILL,
                    f"https://example.org/syn{p:03d}",
                )
            )
            count += 1
    return items


@dataclass
class Found:
    """Per statement: its AGREE_TOP best statements of other profiles (index, fused score;
    -1 / -inf where fewer) and its candidates at or above the threshold (as row * n + col)."""

    index: np.ndarray
    score: np.ndarray
    candidates: np.ndarray


def _collect(
    blocks: Iterator[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]], n: int
) -> Found:
    index = np.full((n, AGREE_TOP), -1, dtype=np.int64)
    score = np.full((n, AGREE_TOP), -np.inf, dtype=np.float32)
    kept = []
    for start, _, cols, fused, _ in blocks:
        rows = slice(start, start + len(cols))
        both_i = np.hstack([index[rows], cols[:, :AGREE_TOP]])
        both_s = np.hstack([score[rows], fused[:, :AGREE_TOP]])
        order = np.lexsort((both_i, -both_s), axis=1)[:, :AGREE_TOP]
        index[rows] = np.take_along_axis(both_i, order, axis=1)
        score[rows] = np.take_along_axis(both_s, order, axis=1)
        r, c = np.nonzero(fused[:, :DEFAULT_TOP_K] >= DEFAULT_THRESHOLD)
        kept.append((start + r) * n + cols[r, c])
    candidates = np.unique(np.concatenate(kept)) if kept else np.zeros(0, dtype=np.int64)
    return Found(index, score, candidates)


def _exact_sample(scorer: Scorer, rows: np.ndarray, chunk: int = 50) -> Found:
    """:func:`_collect` of brute force for ``rows`` only: each scored against every item."""
    n = len(scorer.items)
    owner = np.array([item.profile for item in scorer.items])
    bounds = [
        (int(np.argmax(owner == p)), int(len(owner) - np.argmax(owner[::-1] == p)))
        for p in dict.fromkeys(owner.tolist())
    ]
    index = np.full((n, AGREE_TOP), -1, dtype=np.int64)
    score = np.full((n, AGREE_TOP), -np.inf, dtype=np.float32)
    kept = []
    for lo in range(0, len(rows), chunk):
        part = rows[lo : lo + chunk]
        fused = scorer.fused(part, slice(None))
        fused[owner[None, :] == owner[part][:, None]] = -np.inf
        for i, row in enumerate(part.tolist()):
            order = np.lexsort((np.arange(n), -fused[i]))[:AGREE_TOP]
            index[row], score[row] = order, fused[i, order]
            for a, b in bounds:
                block = fused[i, a:b]
                best = np.lexsort((np.arange(b - a), -block))[:DEFAULT_TOP_K]
                best = best[block[best] >= DEFAULT_THRESHOLD]
                kept.append(row * n + a + best)
    return Found(index, score, np.unique(np.concatenate(kept)))


def _agreement(exact: Found, approx: Found, rows: np.ndarray) -> str:
    n = len(exact.index)
    same_set = np.all(
        np.sort(exact.index[rows], axis=1) == np.sort(approx.index[rows], axis=1), axis=1
    )
    same_scores = np.all(np.isclose(exact.score[rows], approx.score[rows], atol=1e-6), axis=1)
    wanted = exact.candidates
    in_rows = np.isin(approx.candidates // n, rows)
    found = np.isin(wanted, approx.candidates[in_rows])
    per_row_missing = np.unique(wanted[~found] // n)
    same_candidates = 1 - len(per_row_missing) / len(rows)
    extra = int((~np.isin(approx.candidates[in_rows], wanted)).sum())
    return (
        f"top-{AGREE_TOP} the same {same_scores.mean():.2%} of statements "
        f"({same_set.mean():.2%} the same statements, ties aside); candidates >= "
        f"{DEFAULT_THRESHOLD}: {found.mean():.2%} of {len(wanted):,} found, statements with "
        f"all their candidates {same_candidates:.2%}, {extra} found that brute force has not"
    )


def _timed(label: str, run: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    out = run()
    took = time.perf_counter() - start
    print(f"  {label:44s} {took:8.1f} s", flush=True)
    return took, out


def _scorer(items: list[Item], models: list[str], cache: EmbeddingCache) -> tuple[Scorer, float]:
    encoders = [load_encoder(m) for m in models]
    for encoder in encoders:
        start = time.perf_counter()
        hits = cache.hits
        cache.embed(encoder, [i.label for i in items])
        took = time.perf_counter() - start
        warm = cache.hits - hits
        print(
            f"  encode {encoder.id:28s} {took:8.1f} s  {len(items) / took:8,.0f} texts/s"
            f"  ({warm:,} from the cache)",
            flush=True,
        )
    start = time.perf_counter()
    scorer = Scorer(items, encoders=encoders, cache=cache, progress=False)
    prepare = time.perf_counter() - start
    print(f"  {'tfidf fit + cached vectors read':44s} {prepare:8.1f} s", flush=True)
    return scorer, prepare


def _candidates(scorer: Scorer, approximate: Approximate | None) -> int:
    return len(
        predict_candidates(
            scorer, top_k=DEFAULT_TOP_K, threshold=DEFAULT_THRESHOLD, approximate=approximate
        )
    )


def _table(scorer: Scorer, approximate: Approximate | None) -> int:
    return len(
        candidate_table(
            scorer, top_k=DEFAULT_TOP_K, threshold=DEFAULT_THRESHOLD, approximate=approximate
        )
    )


ALWAYS = Approximate(min_items=2, pool=ANN_POOL)


def _stages(scorer: Scorer, engine: Engine | None, label: str) -> tuple[list[float], object]:
    """The index built (here), searched and the pairs scored (on ``engine``): each stage's
    seconds, and the candidate table (to compare the engines' outputs)."""
    times = []
    start = time.perf_counter()
    shards, vectors = build_index(scorer, threads=os.cpu_count() or 1)
    times.append(time.perf_counter() - start)
    start = time.perf_counter()
    pool = search_index(
        scorer, shards, vectors, ANN_POOL, threads=os.cpu_count() or 1, engine=engine
    )
    times.append(time.perf_counter() - start)
    del shards, vectors
    start = time.perf_counter()
    scoring = Scoring(scorer, None, DEFAULT_TOP_K, DEFAULT_TOP_K, DEFAULT_THRESHOLD, 512)
    table = CandidateTable.concat(list(pair_tables(scoring, pool, engine)))
    times.append(time.perf_counter() - start)
    print(
        f"  {label:26s} index built {times[0]:7.1f} s, searched {times[1]:7.1f} s, pairs "
        f"scored {times[2]:7.1f} s; {len(table):,} rows; max RSS {_rss():,.0f} MiB",
        flush=True,
    )
    return times, table


def _same(a: CandidateTable, b: CandidateTable) -> bool:
    names = ["subject", "object", "exact", "rank", "score", "signals"]
    return all(np.array_equal(getattr(a, n), getattr(b, n)) for n in names)


def _encode_time(texts: list[str], model: str, engine: Engine | None) -> float:
    """Seconds to encode ``texts`` afresh, the encoder loaded (here, or on every worker) by
    a first, untimed encoding of other texts."""
    with tempfile.TemporaryDirectory() as folder:
        warm = EmbeddingCache(Path(folder) / "warm", shipped=False, engine=engine)
        workers = engine.workers if isinstance(engine, DaskEngine) else 1
        warm.embed(load_encoder(model), [f"opwarmen {i}" for i in range(2048 * workers)])
        warm.close()
        cache = EmbeddingCache(folder, shipped=False, engine=engine)
        start = time.perf_counter()
        cache.embed(load_encoder(model), texts)
        took = time.perf_counter() - start
        cache.close()
    return took


def _engines(scorer: Scorer, workers: list[int], encode: dict[str, int]) -> None:
    """Each stage on this process and on a local Dask cluster of each number of workers
    (started here: processes of one thread each), the tables compared."""
    from distributed import Client, LocalCluster

    texts = [item.label for item in scorer.items]
    local_times, local_table = _stages(scorer, None, "local engine")
    local_encode = {m: _encode_time(texts[:k], m, None) for m, k in encode.items()}
    for m, k in encode.items():
        print(
            f"  local engine: encode {len(texts[:k]):,} texts with {m}: {local_encode[m]:.1f} s",
            flush=True,
        )
    for count in workers:
        options = {"threads_per_worker": 1, "dashboard_address": ":0", "host": "127.0.0.1"}
        with LocalCluster(n_workers=count, **options) as cluster, Client(cluster) as client:
            engine = DaskEngine(client)
            label = f"dask, {count} worker{'s' if count > 1 else ''}"
            times, table = _stages(scorer, engine, label)
            same = _same(table, local_table)
            del table
            ratios = ", ".join(f"{a / b:.2f}x" for a, b in zip(local_times, times, strict=True))
            print(
                f"    the same table as the local engine: {same}; local / dask per stage: {ratios}"
            )
            for m, k in encode.items():
                took = _encode_time(texts[:k], m, engine)
                print(
                    f"    encode {len(texts[:k]):,} texts with {m}: {took:.1f} s "
                    f"(local / dask {local_encode[m] / took:.2f}x)",
                    flush=True,
                )


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale-profiles", type=int, default=100)
    parser.add_argument("--scale-statements", type=int, default=300)
    parser.add_argument("--scale-models", default=",".join(DEFAULT_ENCODERS))
    parser.add_argument("--large-statements", type=int, default=0, help="per profile; 0: none")
    parser.add_argument("--large-models", default="use-m3")
    parser.add_argument("--sample", type=int, default=1000, help="large run: rows scored exactly")
    parser.add_argument("--crossover", default="", help="sizes, comma-separated")
    parser.add_argument("--cache-dir", default=None, help="keep the encoded vectors here")
    parser.add_argument("--skip-four", action="store_true", help="no four-profile runs")
    parser.add_argument(
        "--engine-workers",
        default="",
        help="e.g. 1,2: each stage also on local Dask clusters of that many workers",
    )
    parser.add_argument("--large-engine-workers", default="", help="the same, large run")
    parser.add_argument("--skip-scale-checks", action="store_true", help="scale: no agreement")
    args = parser.parse_args()

    if not args.skip_four:
        with tempfile.TemporaryDirectory() as cache_dir:
            cold, n = _four_profiles(cache_dir)
            warm, _ = _four_profiles(cache_dir)
        print("four profiles (default signals: tfidf + " + " + ".join(DEFAULT_ENCODERS) + ")")
        print(f"  cold (models loaded, all encoded) {cold:7.2f} s   {n} proposals")
        print(f"  warm (embedding cache filled)     {warm:7.2f} s   cold/warm = {cold / warm:.1f}x")

    with contextlib.ExitStack() as stack:
        cache_dir = args.cache_dir or stack.enter_context(tempfile.TemporaryDirectory())
        cache = EmbeddingCache(cache_dir, shipped=False)
        stack.callback(cache.close)
        items = _synthetic_items(args.scale_profiles, args.scale_statements)
        models = [m for m in args.scale_models.split(",") if m]
        print(
            f"scale: {args.scale_profiles} profiles x {args.scale_statements} statements = "
            f"{len(items):,} statements; signals tfidf + {' + '.join(models)}; "
            f"top-{DEFAULT_TOP_K} per other profile >= {DEFAULT_THRESHOLD}; index pool {ANN_POOL}"
        )
        scorer, prepare = _scorer(items, models, cache)
        workers = [int(x) for x in args.engine_workers.split(",") if x]
        encode = {"use-m3": 20_000, "e5-small-q4": 1_000}
        if workers:
            _engines(scorer, workers, encode)
        if args.skip_scale_checks:
            _large(args, cache, encode)
            return
        exact_time, count = _timed("brute force: candidates", lambda: _candidates(scorer, None))
        ann_time, ann_count = _timed("index: candidates", lambda: _candidates(scorer, ALWAYS))
        print(
            f"  candidates: brute force {count:,}, index {ann_count:,}; brute force / index "
            f"= {exact_time / ann_time:.1f}x"
        )
        table_time, _ = _timed("index: candidate table", lambda: _table(scorer, ALWAYS))
        n = len(items)
        exact = _collect(top_k_blocks(scorer, top_k=DEFAULT_TOP_K), n)
        pool = neighbour_pool(scorer, ANN_POOL)
        approx = _collect(top_k_blocks(scorer, top_k=DEFAULT_TOP_K, pool=pool), n)
        print(f"  agreement, all {n:,} statements: {_agreement(exact, approx, np.arange(n))}")
        print(f"  process max RSS {_rss():,.0f} MiB", flush=True)

        for size in [int(x) for x in args.crossover.split(",") if x]:
            per_profile = -(-size // args.scale_profiles)
            part = Scorer(
                _synthetic_items(args.scale_profiles, per_profile)[:size],
                encoders=[load_encoder(m) for m in models],
                cache=cache,
                progress=False,
            )
            t_exact, _ = _timed(f"crossover {size:,}: exact", partial(_candidates, part, None))
            t_ann, _ = _timed(f"crossover {size:,}: index", partial(_candidates, part, ALWAYS))
            print(f"  crossover {size:,}: brute force / index = {t_exact / t_ann:.2f}x")

        if args.large_statements:
            del scorer, exact, approx, pool
            _large(args, cache, encode, table_time, exact_time, prepare)


def _large(
    args: argparse.Namespace,
    cache: EmbeddingCache,
    encode: dict[str, int],
    table_time: float | None = None,
    exact_time: float | None = None,
    prepare: float | None = None,
) -> None:
    """The large run (``--large-statements``): the index only, and each engine's stages."""
    if not args.large_statements:
        return
    items = _synthetic_items(args.scale_profiles, args.large_statements)
    models = [m for m in args.large_models.split(",") if m]
    print(
        f"large: {args.scale_profiles} profiles x {args.large_statements} statements = "
        f"{len(items):,} statements; signals tfidf + {' + '.join(models)}"
    )
    start = time.perf_counter()
    scorer, large_prepare = _scorer(items, models, cache)
    workers = [int(x) for x in args.large_engine_workers.split(",") if x]
    if workers:
        _engines(scorer, workers, {})  # encoding's scaling: the scale run's
        print(f"  warm run, local engine: the stages above and {large_prepare:.1f} s (prepare)")
        return
    large_time, large_count = _timed("index: candidate table", lambda: _table(scorer, ALWAYS))
    total = time.perf_counter() - start
    print(
        f"  warm run (vectors read, tfidf, index, candidate table) {total:8.1f} s; "
        f"{large_count:,} candidates; process max RSS {_rss():,.0f} MiB"
    )
    n = len(items)
    rows = np.sort(np.random.default_rng(7).choice(n, size=min(args.sample, n), replace=False))
    pool = neighbour_pool(scorer, ANN_POOL)
    only = np.full_like(pool, -1)
    only[rows] = pool[rows]
    approx = _collect(top_k_blocks(scorer, top_k=DEFAULT_TOP_K, pool=only), n)
    _, exact = _timed(
        f"brute force for {len(rows):,} sampled statements", lambda: _exact_sample(scorer, rows)
    )
    print(f"  agreement, {len(rows):,} sampled statements: {_agreement(exact, approx, rows)}")
    if table_time and exact_time and prepare:
        grow = n / (args.scale_profiles * args.scale_statements)
        print(
            f"  growth x{grow:.0f} statements: index candidate table "
            f"{large_time / table_time:.1f}x "
            f"(brute force would be ~{grow**2:.0f}x: ~{exact_time * grow**2 / 60:.0f} min); "
            f"vectors read + tfidf {large_prepare / prepare:.1f}x"
        )
    print(f"  process max RSS {_rss():,.0f} MiB")


if __name__ == "__main__":
    main()
