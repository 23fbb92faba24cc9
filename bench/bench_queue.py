"""How the review queue's size and recall depend on top-K and the score threshold.

Prints, for a grid of K and T, the number of proposed pairs, the recall of the gold
equivalence pairs and the precision lower bound (see kcgraph.evaluate.queue_quality).
Run: ``python bench/bench_queue.py --gold ../shared/eval/crosswalk-dev.tsv``.
"""

from __future__ import annotations

import argparse

from kcgraph import Settings, Workspace
from kcgraph.evaluate import queue_quality
from kcgraph.match.crosswalk import predict_mappings
from kcgraph.review.decisions.gold import read_gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", required=True)
    parser.add_argument("--top-k", default="1,2,3,5,10")
    parser.add_argument("--thresholds", default="0,0.35,0.4,0.45,0.5,0.55,0.6")
    args = parser.parse_args()
    gold = read_gold(args.gold)
    ws = Workspace(Settings())
    scorer = ws.scorer
    print(f"{len(scorer.items)} statements; signals {', '.join(scorer.names)}")
    print(f"{'K':>3} {'T':>5} {'queue':>6} {'per stmt':>8} {'recall':>7} {'precision':>9}")
    for k in (int(x) for x in args.top_k.split(",")):
        for t in (float(x) for x in args.thresholds.split(",")):
            mappings = predict_mappings(scorer, ws.converter, top_k=k, threshold=t)
            q = queue_quality(mappings, gold, scorer.items, ws.converter)
            print(
                f"{k:>3} {t:>5.2f} {q['queue']:>6} {q['queue'] / len(scorer.items):>8.1f} "
                f"{q['recall']:>7.3f} {q['precision']:>9.3f}"
            )


if __name__ == "__main__":
    main()
