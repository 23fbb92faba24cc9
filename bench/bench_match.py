"""Crosswalk speed and scale: the four profiles cold and warm, and a synthetic large run.

* four profiles, cold: empty embedding cache, models loaded, every statement encoded;
* four profiles, warm: the same with the cache filled (a re-run);
* scale: N synthetic profiles of M statements (default 100 x 300 = 30,000), made by
  recombining the real statements' words with a fixed seed; encoding throughput per encoder,
  then blocked top-K matching (memory bounded by the block), statements/s and peak memory.

Run: ``python bench/bench_match.py`` (add ``--scale-models use-m3`` for a quicker scale run).
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import tracemalloc

from kcgraph import Settings, Workspace
from kcgraph.match import EmbeddingCache, Item, load_encoder, match_profiles
from kcgraph.match.crosswalk import Scorer
from kcgraph.match.crosswalk.predict import top_k_blocks
from kcgraph.model import Kind

SETTINGS = Settings()
DEFAULT_ENCODERS = SETTINGS.models
DEFAULT_TOP_K = SETTINGS.top_k
DEFAULT_THRESHOLD = SETTINGS.threshold


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale-profiles", type=int, default=100)
    parser.add_argument("--scale-statements", type=int, default=300)
    parser.add_argument("--scale-models", default=",".join(DEFAULT_ENCODERS))
    parser.add_argument("--block-size", type=int, default=512)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache_dir:
        cold, n = _four_profiles(cache_dir)
        warm, _ = _four_profiles(cache_dir)
    print("four profiles (default signals: tfidf + " + " + ".join(DEFAULT_ENCODERS) + ")")
    print(f"  cold (models loaded, all encoded) {cold:7.2f} s   {n} proposals")
    print(f"  warm (embedding cache filled)     {warm:7.2f} s   cold/warm = {cold / warm:.1f}x")

    items = _synthetic_items(args.scale_profiles, args.scale_statements)
    models = [m for m in args.scale_models.split(",") if m]
    print(
        f"scale: {args.scale_profiles} profiles x {args.scale_statements} statements = "
        f"{len(items):,} statements; signals tfidf + {' + '.join(models)}"
    )
    with tempfile.TemporaryDirectory() as cache_dir:
        cache = EmbeddingCache(cache_dir)
        encoders = [load_encoder(m) for m in models]
        encode_total = 0.0
        for encoder in encoders:
            start = time.perf_counter()
            cache.embed(encoder, [i.label for i in items])
            took = time.perf_counter() - start
            encode_total += took
            print(f"  encode {encoder.id:28s} {took:7.1f} s  {len(items) / took:8,.0f} texts/s")
        start = time.perf_counter()
        scorer = Scorer(items, encoders=encoders, cache=cache, progress=False)
        prepare = time.perf_counter() - start
        tracemalloc.start()
        start = time.perf_counter()
        kept = 0
        for _, _, _, fused, _ in top_k_blocks(
            scorer, top_k=DEFAULT_TOP_K, block_size=args.block_size
        ):
            kept += int((fused >= DEFAULT_THRESHOLD).sum())
        matching = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        cache.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  tfidf fit + cached vectors read   {prepare:7.1f} s")
    print(
        f"  blocked top-{DEFAULT_TOP_K} matching (block {args.block_size}) {matching:7.1f} s  "
        f"{len(items) / matching:8,.0f} statements/s  ({kept:,} candidates >= "
        f"{DEFAULT_THRESHOLD})"
    )
    print(
        f"  peak traced memory while matching {peak / 2**20:7.0f} MiB; process max RSS "
        f"{rss:,.0f} MiB"
    )
    print(
        f"  warm run (prepare + match)        {prepare + matching:7.1f} s; cold run "
        f"(+ encoding) {encode_total + prepare + matching:7.1f} s"
    )


if __name__ == "__main__":
    main()
