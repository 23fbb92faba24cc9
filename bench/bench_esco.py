"""Cross-lingual matching to ESCO: speed (all statements x all ESCO skills) and quality on a
hand-labelled sample.

* time: every matchable profile statement against every ESCO skill, cold (encoding the
  targets) and warm (embeddings cached), with the default encoders;
* quality: for each statement of the hand-labelled samples ``tests/resources/esco-sample.tsv``
  (A) and ``esco-sample-b.tsv`` (B) (the ESCO skills a reviewer would accept), whether one of
  them is in the top 1 / 5 / 10, for the text variants (the fused cosine) and for the ranker
  that learns from ESCO decisions and ESCO's structure, out of fold: trained on the other
  folds' statements (and any committed decision on statements outside the sample), never on
  the statement ranked.

Run: ``python bench/bench_esco.py``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kcgraph import Settings, Workspace
from kcgraph.evaluate.vocabulary import evaluate_target_folds
from kcgraph.match import EmbeddingCache, esco_skill_matcher, load_encoder, matchable_items
from kcgraph.match.vocabulary.matcher import predict_target_candidates, target_set
from kcgraph.review.decisions.samples import read_esco_sample
from kcgraph.vocab.read import label_heuristic_report, load_default_esco

SETTINGS = Settings()
DEFAULT_ENCODERS = SETTINGS.models

RESOURCES = Path(__file__).resolve().parents[1] / "tests" / "resources"
SAMPLES = {"A": RESOURCES / "esco-sample.tsv", "B": RESOURCES / "esco-sample-b.tsv"}
FOLDS = 5


def _quality(ranked: dict, rows: list[dict]) -> str:
    hits, mrr = {1: 0, 5: 0, 10: 0}, 0.0
    for row in rows:
        right = set(row["esco_uris"].split())
        found = ranked.get((row["doc"], row["text"]), [])
        for k in hits:
            hits[k] += bool(right & set(found[:k]))
        mrr += next((1 / (i + 1) for i, uri in enumerate(found) if uri in right), 0.0)
    n = len(rows)
    return "".join(f"{hits[k] / n:7.2f}" for k in hits) + f"{mrr / n:7.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
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
    labels = {name: read_esco_sample(path) for name, path in SAMPLES.items()}
    rows = [
        {"doc": lb.doc, "text": lb.text, "esco_uris": " ".join(lb.uris), "sample": name}
        for name, sample in labels.items()
        for lb in sample
        if lb.uris
    ]
    with tempfile.TemporaryDirectory() as fresh:
        cache = EmbeddingCache(args.cache_dir or fresh)
        decisions = [d.mapping for d in ws.store(check_ids=False).decisions()]

        def match() -> object:
            """What ``kcgraph match --target esco`` does for the skills: embed, learn, rank."""
            matcher = esco_skill_matcher(ws, encoders=encoders, cache=cache, progress=False)
            ranker = matcher.train(decisions, ws.converter)
            matcher.candidates(top_k=10, ranker=ranker)
            return matcher

        start = time.perf_counter()
        match()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        matcher = match()
        warm = time.perf_counter() - start
        print(
            f"{len(queries)} statements x {len(esco.skills):,} ESCO skills "
            f"(signals {', '.join(DEFAULT_ENCODERS)}; {sum(len(t.texts) for t in default):,} texts)"
        )
        print("  (statements, their parents, every skill text, the skill groups; learn; rank)")
        print(f"  first run (encoding what the cache lacks) {cold:7.1f} s")
        print(f"  warm (embeddings cached)                  {warm:7.1f} s")
        wanted = {(r["doc"], r["text"]) for r in rows}
        sample = [q for q in queries if (q.profile, q.label) in wanted]
        variants = {
            "one main text per skill (both encoders)": [target_set(esco.skills, labels=False)] * 2,
            "every label, both encoders": [target_set(esco.skills)] * 2,
            "default: use-m3 every label, e5 main text": default,
        }
        counts = ", ".join(f"{n}: {sum(r['sample'] == n for r in rows)}" for n in SAMPLES)
        print(f"hand-labelled samples: {len(rows)} statements with an ESCO counterpart ({counts})")
        header = "".join(f"{h:>7}" for h in ("top-1", "top-5", "top-10", "MRR@10"))
        print(f"  {'method':<44} {'sample':<6}{header}")
        for name, targets in variants.items():
            found = predict_target_candidates(
                sample, targets, encoders=encoders, cache=cache, top_k=10, progress=False
            )
            ranked: dict[tuple[str, str], list[str]] = {}
            for m in found:
                ranked.setdefault((m.subject.profile, m.subject.label), []).append(m.object.iri)
            for part in (*SAMPLES, "A+B"):
                chosen = [r for r in rows if part in (r["sample"], "A+B")]
                print(f"  {name:<44} {part:<6}{_quality(ranked, chosen)}")
        start = time.perf_counter()
        for part in (*SAMPLES, "A+B"):
            chosen = [lb for n, sample in labels.items() if part in (n, "A+B") for lb in sample]
            report = evaluate_target_folds(
                matcher, chosen, ws.converter, examples=decisions, folds=FOLDS
            )
            for method in ("fused", "learned"):
                figures = report.metrics(method)
                name = (
                    "default, fused cosine"
                    if method == "fused"
                    else f"learned ranker, {FOLDS} folds (structure, context)"
                )
                print(
                    f"  {name:<44} {part:<6}"
                    + "".join(
                        f"{figures[k]:7.2f}" for k in ("hits@1", "hits@5", "hits@10", "mrr@10")
                    )
                )
        print(
            f"  (learned: {time.perf_counter() - start:.1f} s for the folds of the three samples)"
        )
        cache.close()


if __name__ == "__main__":
    main()
