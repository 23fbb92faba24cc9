"""``bench_build.py --rows N``: ``kcgraph build`` of a generated N-row profile table, as whole
processes, with the peak memory of the process tree."""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from kcgraph import Settings

VERBS = ("Adviseert", "Informeert", "Registreert", "Verwerkt", "Beantwoordt", "Controleert")
NOUNS = ("klant", "klacht", "gegevens", "order", "afspraak", "dienst", "gesprek", "betaling")
KINDS = ("BehaviouralIndicator", "Knowledge", "Skill")


def write_table(folder: Path, rows: int) -> Path:
    """A table profile of ``rows`` rows and its manifest; returns the manifest."""
    rng = random.Random(0)
    with (folder / "groot.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "kind", "text", "parent", "section", "line"])
        out.writerow(["occ", "Occupation", "Klantcontactmedewerker groot", "", "", 1])
        line, competency = 1, 0
        while line < rows:
            competency += 1
            line += 1
            text = f"Competentie {competency}: {rng.choice(VERBS).lower()} {rng.choice(NOUNS)}"
            out.writerow(
                [f"c{competency}", "Competency", text, "", f"Deel {competency // 500}", line]
            )
            for i in range(9):
                if line >= rows:
                    break
                line += 1
                words = f"{rng.choice(VERBS)} {rng.choice(NOUNS)} en {rng.choice(NOUNS)}"
                row = [f"c{competency}i{i}", KINDS[i % 3], f"{words} ({competency}.{i})"]
                out.writerow([*row, f"c{competency}", f"Deel {competency // 500}", line])
    manifest = folder / "manifest.toml"
    manifest.write_text(
        '[[source]]\nid = "groot"\nfile = "groot.csv"\nparser = "table"\ntitle = "Groot"\n'
        'publisher = "Bench"\nregion = "NL"\nlanguage = "nl-NL"\nversion = "1.0"\n',
        encoding="utf-8",
    )
    return manifest


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak summed PSS (MiB) of the process tree, and the exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    root, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        total = 0
        try:
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for member in family:
            try:
                total += member.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        peak = max(peak, total)
        time.sleep(0.2)
    _, err = proc.communicate()
    if proc.returncode:
        print(err.decode("utf-8", "replace")[-2000:], file=sys.stderr)
    progress = [line for line in err.decode("utf-8", "replace").splitlines() if "/" in line]
    print(f"  ({len(progress)} progress lines on stderr)")
    return time.perf_counter() - start, peak / 2**20, proc.returncode


def fresh_cache_env(folder: Path) -> dict[str, str]:
    """The environment of a run with a cache folder of its own in ``folder`` (empty but for
    the user's cached vocabularies: ESCO is not parsed again)."""
    cache = folder / "cache"
    cache.mkdir()
    vocabularies = Settings().embedding_cache_dir / "vocabularies"
    if vocabularies.is_dir():
        (cache / "vocabularies").symlink_to(vocabularies)
    return {**os.environ, "KCGRAPH_CACHE_DIR": str(cache)}


def measure_big_table(rows: int) -> None:
    kcgraph = str(Path(sys.executable).with_name("kcgraph"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = fresh_cache_env(folder)
        (folder / "decisions").mkdir()
        manifest = write_table(folder, rows)
        common = ["--mappings", str(folder / "decisions")]
        print("bundled profiles (baseline):")
        base = run_measured([kcgraph, "build", "-o", str(folder / "o1"), *common], env)
        print(f"{rows:,} rows:")
        big = run_measured(
            [kcgraph, "build", "--manifest", str(manifest), "-o", str(folder / "o2"), *common],
            env,
        )
        triples = sum(1 for _ in (folder / "o2" / "kcgraph.nt").open(encoding="utf-8"))
    print(f"bundled profiles: {base[0]:6.1f} s, peak {base[1]:6.0f} MiB, exit {base[2]}")
    print(
        f"{rows:,} rows ({triples:,} triples): {big[0]:6.1f} s, peak {big[1]:6.0f} MiB, "
        f"exit {big[2]} (workers: KCGRAPH_BUILD_WORKERS, default {Settings().build_workers})"
    )
    print(
        f"ratio to the bundled build: time {big[0] / base[0]:.1f}x, memory {big[1] / base[1]:.1f}x"
    )
