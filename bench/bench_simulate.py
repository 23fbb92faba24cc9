"""What a complete crosswalk costs an analyst: the simulated analyst of ``kcgraph review
simulate`` played with each queue order, on a gold file (default: the development gold).

    .venv/bin/python bench/bench_simulate.py [--gold FILE] [--actions 400]

Prints recall after 25/50/100/200/400 actions for the pair queue (today's workbench order)
and for review by statement with 0, 10 % and 20 % of screens spent on exploration.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kcgraph.review.simulate import simulate
from kcgraph.settings import Settings
from kcgraph.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
DEV_GOLD = ROOT.parent / "shared" / "eval" / "crosswalk-dev.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=DEV_GOLD)
    parser.add_argument("--actions", type=int, default=400)
    parser.add_argument("--exploration", type=float, nargs="*", default=[0.0, 0.1, 0.2])
    parser.add_argument("--no-pairs", action="store_true", help="skip the pair-queue baseline")
    args = parser.parse_args()
    ws = Workspace(Settings.from_options())
    runs = [("pair", 0.0)] * (not args.no_pairs) + [("screen", e) for e in args.exploration]
    for mode, exploration in runs:
        started = time.perf_counter()
        result = simulate(
            ws, args.gold, mode=mode, max_actions=args.actions, exploration=exploration
        )
        print(f"== {mode}, exploration {exploration:g} ({time.perf_counter() - started:.0f} s)")
        for line in result.lines():
            print(line, flush=True)


if __name__ == "__main__":
    main()
