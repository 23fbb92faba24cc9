"""What a complete crosswalk costs an analyst: the simulated analyst of ``kcgraph review
simulate`` played with each queue order, on a gold file (default: the development gold).

    .venv/bin/python bench/bench_simulate.py [--gold FILE] [--actions 400]

Prints recall after 25/50/100/200/400 actions of review by statement with 0, 10 % and 20 % of
screens spent on exploration. (The pair queue, measured against it in docs/review.md, was
retired with the pair workbench.)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kcgraph.review.session.simulate import simulate
from kcgraph.settings import Settings
from kcgraph.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
DEV_GOLD = ROOT.parent / "shared" / "eval" / "crosswalk-dev.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=DEV_GOLD)
    parser.add_argument("--actions", type=int, default=400)
    parser.add_argument("--exploration", type=float, nargs="*", default=[0.0, 0.1, 0.2])
    args = parser.parse_args()
    ws = Workspace(Settings.from_options())
    for exploration in args.exploration:
        started = time.perf_counter()
        result = simulate(ws, args.gold, max_actions=args.actions, exploration=exploration)
        print(f"== exploration {exploration:g} ({time.perf_counter() - started:.0f} s)")
        for line in result.lines():
            print(line, flush=True)


if __name__ == "__main__":
    main()
