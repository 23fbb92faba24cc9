"""The Reconciliation API's warm latency, as OpenRefine meets it: a real ``kcgraph serve`` of
the build in ``out/`` (run ``make run`` first), batches of 10 Dutch competences POSTed to
``/reconcile`` per type, after the server made itself ready; against the same batches ranked
in this process the way ``kcgraph link`` ranks a list (everything made afresh per call).

    .venv/bin/python bench/bench_reconcile.py [--batches 20]

Prints, per type, the median and 90th percentile of a batch over HTTP, the in-process
``link`` baseline's median, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

from kcgraph.match import matchable_items
from kcgraph.match.items import Item
from kcgraph.match.link import rank_candidates
from kcgraph.match.reconcile import entity_types
from kcgraph.terms import SKOS_CONCEPT
from kcgraph.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
BATCH = 10


def competences(ws: Workspace, n: int) -> list[str]:
    """``n`` distinct Dutch statements of the profiles (deterministic order)."""
    return list(dict.fromkeys(i.label for i in matchable_items(ws.profiles, ws.minter)))[:n]


def start_server() -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "kcgraph", "serve", "--port", "0"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("serving "):
        process.kill()
        raise SystemExit(f"kcgraph serve did not start (run make run first): {line}")
    return process, line.split()[1].rstrip("/")


def over_http(url: str, kind: str, texts: list[str], batches: int) -> list[float]:
    session = requests.Session()
    seconds = []
    for b in range(batches + 1):  # the first one waits for the server to be ready
        chosen = texts[(b * BATCH) % len(texts) :][:BATCH]
        queries = {f"q{n}": {"query": t, "type": kind, "limit": 5} for n, t in enumerate(chosen)}
        started = time.perf_counter()
        answer = session.post(
            f"{url}/reconcile", data={"queries": json.dumps(queries)}, timeout=600
        )
        answer.raise_for_status()
        if b:
            seconds.append(time.perf_counter() - started)
    return seconds


def in_process(ws: Workspace, target: str, profile: str | None, texts: list[str]) -> list[float]:
    seconds = []
    for b in range(3):
        chosen = texts[b * BATCH :][:BATCH]
        items = [Item("q", f"urn:q:{n}", t, SKOS_CONCEPT, "urn:q") for n, t in enumerate(chosen)]
        started = time.perf_counter()
        rank_candidates(
            ws, items, ["nl"] * len(items), target, top_k=5, progress=False, profile=profile
        )
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=20)
    args = parser.parse_args()
    ws = Workspace()
    texts = competences(ws, 200)
    process, url = start_server()
    try:
        print(f"batches of {BATCH} over HTTP ({url}), {args.batches} per type, warm:")
        for kind in entity_types(ws):
            http = over_http(url, kind.id, texts, args.batches)
            base = in_process(ws, kind.target, kind.profile, texts)
            median, p90 = statistics.median(http), statistics.quantiles(http, n=10)[-1]
            print(
                f"  {kind.id:16} median {median * 1000:6.0f} ms  p90 {p90 * 1000:6.0f} ms;  "
                f"link in-process {statistics.median(base) * 1000:6.0f} ms "
                f"({statistics.median(base) / median:4.1f}x the service)",
                flush=True,
            )
    finally:
        process.terminate()
        process.wait(30)


if __name__ == "__main__":
    main()
