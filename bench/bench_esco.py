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
from kcgraph.esco import label_heuristic_report, load_default_esco
from kcgraph.match import EmbeddingCache, load_encoder, matchable_items
from kcgraph.match.target import predict_target_candidates, target_set

SETTINGS = Settings()
DEFAULT_ENCODERS = SETTINGS.models

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "resources" / "esco-sample.tsv"


def _quality(ranked: dict, rows: list[dict]) -> str:
    hits, mrr = {1: 0, 5: 0, 10: 0}, 0.0
    for row in rows:
        right = set(row["esco_uris"].split())
        found = ranked.get((row["doc"], row["text"]), [])
        for k in hits:
            hits[k] += bool(right & set(found[:k]))
        mrr += next((1 / (i + 1) for i, uri in enumerate(found) if uri in right), 0.0)
    n = len(rows)
    return "  ".join(f"{hits[k] / n:6.2f}" for k in hits) + f"  {mrr / n:6.2f}"


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
    queries = matchable_items(ws.profiles, ws.minter)
    esco = load_default_esco()
    exact, checked = label_heuristic_report()["skill"]
    occ_exact, occ_checked = label_heuristic_report()["occupation"]
    print(
        f"display-label heuristic on the packaged text: {exact}/{checked} skill labels "
        f"({exact / checked:.0%}) and {occ_exact}/{occ_checked} occupation labels "
        f"({occ_exact / occ_checked:.0%}) equal ESCO's exact prefLabel"
    )
    encoders = [load_encoder(m) for m in DEFAULT_ENCODERS]
    default = [
        target_set(esco.skills, labels=m in SETTINGS.label_encoders) for m in DEFAULT_ENCODERS
    ]
    with open(args.sample, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
        rows = [r for r in csv.DictReader(lines, delimiter="\t") if r["esco_uris"].strip()]
    with tempfile.TemporaryDirectory() as fresh:
        cache = EmbeddingCache(args.cache_dir or fresh)
        start = time.perf_counter()
        predict_target_candidates(queries, default, encoders=encoders, cache=cache, top_k=10)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        predict_target_candidates(queries, default, encoders=encoders, cache=cache, top_k=10)
        warm = time.perf_counter() - start
        print(
            f"{len(queries)} statements x {len(esco.skills):,} ESCO skills "
            f"(signals {', '.join(DEFAULT_ENCODERS)}; {sum(len(t.texts) for t in default):,} texts)"
        )
        print(f"  first run (encoding what the cache lacks) {cold:7.1f} s")
        print(f"  warm (embeddings cached)                  {warm:7.1f} s")
        wanted = {(r["doc"], r["text"]) for r in rows}
        sample = [q for q in queries if (q.profile, q.label) in wanted]
        variants = {
            "one main text per skill (both encoders)": [target_set(esco.skills, labels=False)] * 2,
            "every label, both encoders": [target_set(esco.skills)] * 2,
            "default: use-m3 every label, e5 main text": default,
        }
        print(f"hand-labelled sample: {len(rows)} statements with an ESCO counterpart")
        print(f"  {'method':<44} {'top-1':>6} {'top-5':>6} {'top-10':>6} {'MRR@10':>6}")
        for name, targets in variants.items():
            found = predict_target_candidates(
                sample, targets, encoders=encoders, cache=cache, top_k=10, progress=False
            )
            ranked: dict[tuple[str, str], list[str]] = {}
            for m in found:
                ranked.setdefault((m.subject.profile, m.subject.label), []).append(m.object.iri)
            print(f"  {name:<44} {_quality(ranked, rows)}")
        cache.close()


if __name__ == "__main__":
    main()
