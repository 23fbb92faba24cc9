"""``kcgraph link`` of a long list of Dutch job titles to ESCO occupations, as a user runs it:
whole processes, wall time and peak memory (summed PSS of the process tree), first with the
titles never seen (they are encoded) and then warm (the same list again, a new output file),
against the link of the 328 titles of MELO's development list run the same way.

The titles are ESCO v1.2.0's own Dutch *alternative* labels of its occupations (never the
preferred one; the vendored Dutch file), a deterministic sample of ``--titles`` of them (by a
hash of the text): real Dutch job titles whose number a national classification has, not a
quality figure (ESCO's own labels are easy to find). The run uses a cache folder of its own
beside the user's ESCO cache, so every title is new to it.

    python bench/bench_link.py [--titles 2605] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import os
import sys
import tempfile
from pathlib import Path

from big_table import fresh_cache_env, run_measured

from kcgraph.resources import resource_dir

ROOT = Path(__file__).resolve().parents[1]


def dutch_titles(count: int) -> list[str]:
    """``count`` of ESCO's Dutch alternative occupation labels (distinct, by a hash)."""
    path = resource_dir("data") / "esco-v1.2.0-nl" / "occupations_nl.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles = {t.strip() for r in rows for t in r["altLabels"].splitlines() if t.strip()}
    ordered = sorted(titles, key=lambda t: hashlib.sha256(t.encode("utf-8")).hexdigest())
    return ordered[:count]


def write_list(path: Path, titles: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "language"])
        for i, title in enumerate(titles, start=1):
            writer.writerow([f"T{i:05d}", title, "nl"])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--titles", type=int, default=2605)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    kcgraph = str(Path(sys.executable).with_name("kcgraph"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = fresh_cache_env(folder)
        titles = write_list(folder / "titels.csv", dutch_titles(args.titles))
        runs = {}
        melo = args.shared / "eval" / "melo-bel-nl.tsv"
        if melo.is_file():
            with melo.open(encoding="utf-8", newline="") as handle:
                melo_titles = [r["title"] for r in csv.DictReader(handle, delimiter="\t")]
            small = write_list(folder / "melo.csv", melo_titles)
            for label in ("first", "warm"):
                out = folder / f"melo-{label}.sssom.tsv"
                link = [kcgraph, "link", str(small), "--target", "esco-occupations", "-o", str(out)]
                runs[f"MELO dev, {len(melo_titles)} titles, {label}"] = run_measured(link, env)
        for label in ("first", "warm"):
            out = folder / f"titles-{label}.sssom.tsv"
            link = [kcgraph, "link", str(titles), "--target", "esco-occupations", "-o", str(out)]
            runs[f"{args.titles:,} titles, {label}"] = run_measured(link, env)
    for name, (seconds, mib, code) in runs.items():
        print(f"  {name:<36} {seconds:7.1f} s  peak {mib:6.0f} MiB  exit {code}")
    base = next((v for k, v in runs.items() if k.startswith("MELO") and k.endswith("warm")), None)
    warm = runs[f"{args.titles:,} titles, warm"]
    if base:
        print(f"  ratio warm, {args.titles:,} titles to MELO's: time {warm[0] / base[0]:.1f}x")
    print(f"  cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
