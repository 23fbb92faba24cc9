"""The learning ranker: learning curve, calibration, queue and speed, all out of fold.

Prints, for 0%, 25%, 50% and 100% of the development decisions (the gold of the four other
folds; 5 folds, so a fold's pairs never train the model that ranks them): Hits@1/5 and MRR
in both directions, and the queue cut by expected precision (size, recall of the held-out
equivalence pairs, precision lower bound). Then a reliability table of the out-of-fold
probabilities, the queue at other expected-precision targets, the two unsupervised scores,
and how long training and a warm match take. Run:
``python bench/bench_learning.py --gold ../shared/eval/crosswalk-dev.tsv``.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from kcgraph import Settings, Workspace
from kcgraph.evaluate import evaluate_folds, evaluate_ranking
from kcgraph.evaluate.metrics import expected_calibration_error, reliability
from kcgraph.match import match_profiles
from kcgraph.match.crosswalk import Ranker
from kcgraph.review.decisions.gold import read_gold, resolve_gold

SETTINGS = Settings()


def _row(label: str, metrics: dict, queue: dict | None = None) -> str:
    text = f"{label:<34} {metrics['hits@1']:>6.3f} {metrics['hits@5']:>6.3f} {metrics['mrr']:>6.3f}"
    if queue:
        text += f" {queue['queue']:>6} {queue['recall']:>7.3f} {queue['precision']:>9.3f}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", required=True)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    gold = read_gold(args.gold)
    ws = Workspace(SETTINGS)
    scorer = ws.scorer
    fold = dict(folds=args.folds, top_k=SETTINGS.top_k, target_precision=0.30)
    header = f"{'':<34} {'Hits@1':>6} {'Hits@5':>6} {'MRR':>6}"
    print(
        f"learning curve, out of fold ({args.folds} folds split by statement, both directions, "
        "86 queries); the cold fused score of the same folds beside"
    )
    print(header + f" {'queue':>6} {'recall':>7} {'precision':>9}")
    full = None
    for fraction in (0.0, 0.25, 0.5, 1.0):
        report = evaluate_folds(scorer, gold, ws.converter, fraction=fraction, **fold)
        label = f"{fraction:>4.0%} of the decisions (~{report.trained_on[0]} per fold)"
        print(_row(label, report.ranking.metrics(), report.queue if fraction else None))
        if fraction:
            print(f"  models chosen per fold: {', '.join(report.models)}")
        full = report
    print(_row("cold: the fused score, same folds", full.cold.metrics()))  # type: ignore[union-attr]
    print("  (0%: no model; the queue is then today's fused score >= threshold)")

    print("\nreliability of the out-of-fold probabilities (top-10 candidates of each query)")
    print(f"{'probability':<12} {'pairs':>6} {'mean predicted':>15} {'observed right':>15}")
    pairs = full.calibration  # type: ignore[union-attr]
    for b in reliability(pairs):
        print(f"{b.low:.1f}-{b.high:.1f}     {b.n:>6} {b.confidence:>15.3f} {b.accuracy:>15.3f}")
    print(f"expected calibration error: {expected_calibration_error(pairs):.3f}")

    print("\nqueue at other expected-precision targets (100% of the decisions, out of fold)")
    print(f"{'target':>6} {'queue':>6} {'recall':>7} {'precision':>9}")
    for target in (0.05, 0.1, 0.2, 0.3, 0.5):
        report = evaluate_folds(scorer, gold, ws.converter, **{**fold, "target_precision": target})
        q = report.queue
        print(f"{target:>6.2f} {q['queue']:>6} {q['recall']:>7.3f} {q['precision']:>9.3f}")

    print("\nunsupervised scores on the whole development gold (no training)")
    print(header)
    print(_row("fused: mean cosine (today's default)", evaluate_ranking(scorer, gold).metrics()))
    centred = Ranker(scorer)
    centred.fallback = centred.centred_fallback  # type: ignore[method-assign]
    print(
        _row(
            "tfidf + profile-centred encoders",
            evaluate_ranking(scorer, gold, ranker=centred).metrics(),
        )
    )

    resolved, _ = resolve_gold(
        gold, scorer.items, ws.converter, reviewer="orcid:0000-0002-1825-0097"
    )
    decisions = [r.mapping for r in resolved]
    start = time.perf_counter()
    Ranker(scorer).train(decisions, ws.converter)
    train_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:  # the gold as the only decisions
        ws.with_options(mappings_dir=folder).store().record_many([("accept", m) for m in decisions])
        match_profiles(ws.with_options(mappings_dir=folder))
        start = time.perf_counter()
        result = match_profiles(ws.with_options(mappings_dir=folder))
        warm = time.perf_counter() - start
    print(
        f"\nspeed: training on {len(decisions)} decisions {train_s * 1000:.0f} ms; warm match of "
        f"the four profiles including training {warm:.2f} s ({len(result.mappings)} proposals)"
    )


if __name__ == "__main__":
    main()
