"""Cross-lingual matching to ESCO: speed (all statements x all ESCO skills) and quality on a
hand-labelled sample.

* time: every matchable profile statement against every ESCO skill, cold (encoding the
  targets) and warm (embeddings cached), with the default encoders;
* quality: for each statement of ``tests/resources/esco-sample.tsv`` (labelled by hand: the
  ESCO skills a reviewer would accept), whether one of them is in the top 1 / 5 / 10.

Run: ``python bench/bench_esco.py``.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from kcgraph import Settings, Workspace
from kcgraph.esco import load_packaged_esco
from kcgraph.match import EmbeddingCache, load_encoder, matchable_items
from kcgraph.match.target import esco_items, predict_target_candidates

SETTINGS = Settings()
DEFAULT_ENCODERS = SETTINGS.models

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "resources" / "esco-sample.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", default=str(SAMPLE))
    parser.add_argument(
        "--cache-dir",
        default=None,
        help="embedding cache for the warm run (default: a fresh temporary one)",
    )
    args = parser.parse_args()

    ws = Workspace(SETTINGS)
    profiles = ws.profiles
    queries = matchable_items(profiles, ws.minter)
    targets = esco_items(load_packaged_esco().skills)
    encoders = [load_encoder(m) for m in DEFAULT_ENCODERS]
    with tempfile.TemporaryDirectory() as fresh:
        cache = EmbeddingCache(args.cache_dir or fresh)
        start = time.perf_counter()
        predict_target_candidates(
            queries, targets, encoders=encoders, cache=cache, top_k=SETTINGS.esco_skill_top_k
        )
        cold = time.perf_counter() - start
        start = time.perf_counter()
        mappings = predict_target_candidates(
            queries, targets, encoders=encoders, cache=cache, top_k=SETTINGS.esco_skill_top_k
        )
        warm = time.perf_counter() - start
        cache.close()
    print(
        f"{len(queries)} statements x {len(targets):,} ESCO skills "
        f"(signals {', '.join(DEFAULT_ENCODERS)})"
    )
    print(f"  first run (encoding what the cache lacks) {cold:7.1f} s")
    print(f"  warm (embeddings cached)                  {warm:7.1f} s")

    ranked: dict[tuple[str, str], list[str]] = {}
    for m in mappings:
        ranked.setdefault((m.subject.profile, m.subject.label), []).append(m.object.iri)
    with open(args.sample, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
        rows = [r for r in csv.DictReader(lines, delimiter="\t") if r["esco_uris"].strip()]
    hits = {1: 0, 5: 0, 10: 0}
    for row in rows:
        right = set(row["esco_uris"].split())
        found = ranked.get((row["doc"], row["text"]), [])
        for k in hits:
            hits[k] += bool(right & set(found[:k]))
    n = len(rows)
    print(f"hand-labelled sample: {n} statements with an ESCO counterpart")
    print("  " + "  ".join(f"top-{k}: {hits[k] / n:.2f} ({hits[k]}/{n})" for k in hits))


if __name__ == "__main__":
    main()
