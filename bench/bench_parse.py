"""Parsers run in linear time: each bundled document inflated to 1, 10 and 50 MB, then parsed.

Each document grows by many unique, well-formed items inserted where its format lists items
(indicators, skills, competencies), so the inflated document is still valid and every line
is really parsed. Prints seconds, MB/s and the time ratio against the 1 MB run (linear: about
10x and 50x). Run: ``python bench/bench_parse.py [--sizes 1,10,50]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from kcgraph import Settings, Workspace
from kcgraph.parse import parse_source

#: Per parser: the line after which items are inserted, and the item template.
INFLATE = {
    "vks-bk": (lambda s: s.startswith("· "), "· Gegenereerde indicator nummer {n} voor de meting"),
    "vdab-competentfiche": (
        lambda s: s.startswith("- "),
        "- Gegenereerde vaardigheid nummer {n} bij het klantcontact",
    ),
    "ecabo-bcp": (
        lambda s: s == "Vaardigheden:",
        "- gegenereerde vaardigheid nummer {n} toepassen",
    ),
    "kch-bcp": (
        lambda s: s.startswith("<p><i>Samenwerken</i>"),
        "\t<p><i>Gegenereerde competentie {n}</i> Toont gedrag nummer {n} in de praktijk</p>",
    ),
}


def inflate(text: str, parser: str, size: int) -> str:
    """``text`` with unique items inserted until it holds about ``size`` bytes."""
    lines = text.split("\n")
    where, template = INFLATE[parser]
    at = next(i for i, line in enumerate(lines) if where(line.strip()))
    need = size - len(text.encode("utf-8"))
    extra, n, total = [], 0, 0
    while total < need:
        line = template.format(n=n)
        extra.append(line)
        total += len(line.encode("utf-8")) + 1
        n += 1
    return "\n".join([*lines[: at + 1], *extra, *lines[at + 1 :]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,10,50", help="sizes in MB")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sources = Workspace(Settings()).sources
    print(f"{'parser':<22} {'MB':>4} {'statements':>10} {'seconds':>8} {'MB/s':>6} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for source in sources:
            text = Path(source.path).read_text(encoding="utf-8")
            base = None
            for mb in sizes:
                path = Path(tmp) / f"{source.id}-{mb}.txt"
                path.write_text(inflate(text, source.parser, mb * 1_000_000), encoding="utf-8")
                start = time.perf_counter()
                profile = parse_source(dataclasses.replace(source, path=str(path)))
                seconds = time.perf_counter() - start
                base = base or seconds
                print(
                    f"{source.parser:<22} {mb:>4} {len(profile.statements):>10} "
                    f"{seconds:>8.2f} {mb / seconds:>6.1f} {seconds / base:>5.1f}x"
                )
                path.unlink()


if __name__ == "__main__":
    main()
