"""Time each command the documentation quotes, as whole processes, against the committed
decisions.

The commands and the quoted figures come from the table "Command times" of
``docs/crosswalk.md`` (between its ``bench_commands`` markers), so it quotes only what this
prints. Caches are
warmed first (one untimed run of each); then each command runs ``--runs`` times and the
median wall time and the peak memory of the process are printed beside the README's figure,
with their ratio, and the start-up of a bare Python process as the baseline of this machine.

    python bench/bench_commands.py [--runs 3] [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "docs" / "crosswalk.md"  # where the table "Command times" is
MARKERS = ("<!-- bench_commands: begin -->", "<!-- bench_commands: end -->")
KCGRAPH = [sys.executable, "-m", "kcgraph"]


def readme_rows() -> list[tuple[str, str]]:
    """(command line, the README's figure) of each row of the README's table."""
    text = README.read_text(encoding="utf-8")
    start, end = (text.index(m) for m in MARKERS)
    rows = []
    for line in text[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`kcgraph"):
            rows.append((cells[0].strip("`"), cells[1]))
    return rows


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{shlex.join(argv)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss // 1024


def _argv(command: str, out: Path) -> list[str]:
    """A README command line as the argv this bench runs (its out/ in a temporary folder)."""
    words = shlex.split(re.sub(r"\s*\(.*\)$", "", command))[1:]
    return [*KCGRAPH, *(w.replace("out/", f"{out}/") for w in words)]


def _seconds(figure: str) -> float | None:
    found = re.match(r"([\d.]+)\s*s", figure)
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache-dir", help="embedding cache [default: the user's]")
    args = parser.parse_args()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764720000", HF_HUB_OFFLINE="1")
    if args.cache_dir:
        env["KCGRAPH_CACHE"] = args.cache_dir
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        rows = readme_rows()
        print(f"warming caches in {out} (one untimed run of each command) ...", flush=True)
        for setup in ("kcgraph build -o out/", "kcgraph match -o out/proposals.sssom.tsv"):
            run(_argv(setup, out), env)
        for command, _ in rows:
            run(_argv(command, out), env)
        bare = statistics.median(run([sys.executable, "-c", "pass"], env)[0] for _ in range(5))
        print(f"baseline: a bare Python process starts in {bare:.2f} s\n")
        print(f"| {'command':<58} | README | measured | ratio | peak RSS |")
        print(f"|{'-' * 60}|-------:|---------:|------:|---------:|")
        for command, figure in rows:
            times, peaks = zip(
                *(run(_argv(command, out), env) for _ in range(args.runs)), strict=True
            )
            median = statistics.median(times)
            quoted = _seconds(figure)
            ratio = f"{median / quoted:.2f}x" if quoted else "-"
            cell = f"`{command}`"
            print(
                f"| {cell:<58} | {figure:>6} | {median:>6.2f} s | {ratio:>5} | "
                f"{max(peaks):>4} MiB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
