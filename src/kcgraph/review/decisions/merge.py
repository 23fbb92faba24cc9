"""Combining two reviewers' (or two branches') decisions, and their agreement.

A three-way merge of decision tables (the common ancestor, ours, theirs), row by row:

- a decision only one side made since the ancestor is kept; one the ancestor had and one side
  removed (undone or changed) is removed;
- the same decision on both sides (same pair, verdict and predicate, either orientation) is
  kept once, with the reviewers of both;
- different decisions on one pair are both kept: a conflict that ``kcgraph review status``
  lists with both reviewers (a clash) until a reviewer decides the pair again. Nothing is
  resolved silently.

Agreement is Cohen's kappa over the pairs both sides judged since the ancestor, by verdict
(and, for accepted pairs, predicate).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from curies import Reference
from sssom_pydantic import SemanticMapping

from ...errors import KcgraphError
from ...files import write_atomic
from ...mappings import pair_key, read_mappings
from ...terms import BROAD_MATCH, NARROW_MATCH
from .decision import VERDICTS, Verdict
from .reviewers import REVIEWERS_FILE, read_register, read_reviewers, render_reviewers
from .store import ReviewStore, Tables, render_decision_file

if TYPE_CHECKING:
    import curies

__all__ = [
    "Agreement",
    "Disagreement",
    "MergeResult",
    "cohen_kappa",
    "merge_decision_file",
    "merge_file",
    "merge_folders",
    "merge_tables",
    "summary",
]

_FLIPPED = {BROAD_MATCH: NARROW_MATCH, NARROW_MATCH: BROAD_MATCH}
_EPOCH = dt.date.min
_Key = tuple[Verdict, frozenset[str], str]


@dataclass(frozen=True)
class Disagreement:
    """One pair decided differently on the two sides: each side's verdict and reviewers."""

    pair: tuple[str, str]
    ours: tuple[str, ...]
    theirs: tuple[str, ...]

    def line(self) -> str:
        return f"{' and '.join(self.pair)}: ours {'; '.join(self.ours)}, theirs {'; '.join(self.theirs)}"  # noqa: E501


@dataclass(frozen=True)
class Agreement:
    """Cohen's kappa between the two sides over the pairs both judged."""

    pairs: int
    observed: float
    kappa: float | None

    def line(self) -> str:
        if not self.pairs:
            return "agreement: no pair was judged on both sides"
        kappa = "undefined (one category only)" if self.kappa is None else f"{self.kappa:.3f}"
        return (
            f"agreement on the {self.pairs} pairs judged on both sides: "
            f"{self.observed:.1%} the same, Cohen's kappa {kappa}"
        )


@dataclass
class MergeResult:
    tables: Tables
    kept_once: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    agreement: Agreement = field(default_factory=lambda: Agreement(0, 0.0, None))


def _key(verdict: Verdict, m: SemanticMapping) -> _Key:
    predicate = m.predicate.curie
    if m.subject.curie > m.object.curie:
        predicate = _FLIPPED.get(predicate, predicate)
    return verdict, pair_key(m), predicate


def _rows(tables: Tables) -> dict[_Key, SemanticMapping]:
    return {_key(v, m): m for v, rows in tables.items() for m in rows}


def _judgement(key: _Key) -> str:
    verdict, _, predicate = key
    return f"{verdict} {predicate}" if verdict == "accept" else verdict


def _with_reviewers(row: SemanticMapping, other: SemanticMapping) -> SemanticMapping:
    names = sorted({r.curie for r in [*(row.reviewers or ()), *(other.reviewers or ())]})
    return row.model_copy(update={"reviewers": [Reference.from_curie(c) for c in names]})


def _newer_first(
    mine: SemanticMapping, other: SemanticMapping, base: SemanticMapping | None
) -> tuple[SemanticMapping, SemanticMapping]:
    """The same decision on both sides: the row that changed since the ancestor (a new
    comment, a new date) first; where both changed, or neither had it, the later date (ours
    on a tie)."""
    if base is not None and mine == base and other != base:
        return other, mine
    if base is not None and other == base:
        return mine, other
    if (other.mapping_date or _EPOCH) > (mine.mapping_date or _EPOCH):
        return other, mine
    return mine, other


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> Agreement:
    """Cohen's kappa of two raters' categories on the same items.

    >>> cohen_kappa([("a", "a"), ("b", "b"), ("a", "b"), ("b", "b")]).kappa
    0.5
    """
    items = list(pairs)
    if not items:
        return Agreement(0, 0.0, None)
    observed = sum(a == b for a, b in items) / len(items)
    first, second = Counter(a for a, _ in items), Counter(b for _, b in items)
    expected = sum(first[c] * second[c] for c in first) / len(items) ** 2
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(len(items), observed, kappa)


def merge_tables(ancestor: Tables, ours: Tables, theirs: Tables) -> MergeResult:
    """The three-way merge of decision tables (see the module)."""
    base, mine, other = _rows(ancestor), _rows(ours), _rows(theirs)
    merged: dict[_Key, SemanticMapping] = {}
    kept_once = 0
    for key in sorted(set(mine) | set(other), key=lambda k: (sorted(k[1]), k[0], k[2])):
        if key in mine and key in other:
            first, second = _newer_first(mine[key], other[key], base.get(key))
            merged[key] = _with_reviewers(first, second)
            kept_once += key not in base
        elif key not in base:  # added on one side
            merged[key] = mine.get(key) or other[key]
    result = MergeResult({v: [] for v in VERDICTS}, kept_once)
    for (verdict, _, _), row in merged.items():
        result.tables[verdict].append(row)
    for verdict in result.tables:
        result.tables[verdict].sort()
    new_mine = {k for k in mine if k not in base}
    new_other = {k for k in other if k not in base}
    by_pair_mine = {k[1]: k for k in new_mine}
    by_pair_other = {k[1]: k for k in new_other}
    judged = sorted(set(by_pair_mine) & set(by_pair_other), key=sorted)
    result.agreement = cohen_kappa(
        (_judgement(by_pair_mine[p]), _judgement(by_pair_other[p])) for p in judged
    )
    for pair in judged:
        a, b = by_pair_mine[pair], by_pair_other[pair]
        if a != b:
            result.disagreements.append(
                Disagreement(
                    tuple(sorted(pair)),  # type: ignore[arg-type]
                    (_judgement(a), *[r.curie for r in mine[a].reviewers or ()]),
                    (_judgement(b), *[r.curie for r in other[b].reviewers or ()]),
                )
            )
    return result


def _tables(
    directory: Path | None, converter: curies.Converter, *, side: str, empty: bool = False
) -> Tables:
    """The decisions of a folder; a missing folder, or (unless ``empty``) one without any
    decision file, is refused: read as "nothing decided", it would delete every decision."""
    if directory is None:
        return {v: [] for v in VERDICTS}
    if not directory.is_dir():
        raise KcgraphError(f"{directory}: {side} decision folder not found; nothing merged")
    if not empty and not any((directory / name).is_file() for name in VERDICTS.values()):
        raise KcgraphError(
            f"{directory}: {side} folder holds no decision file "
            f"({', '.join(VERDICTS.values())}); nothing merged"
        )
    return ReviewStore(directory, converter=converter).read_tables()


def merge_folders(
    ours: Path,
    theirs: Path,
    *,
    ancestor: Path | None,
    target: Path,
    converter: curies.Converter,
    base: str,
) -> MergeResult:
    """Merge two decision folders (and their reviewer registers) into ``target``, in one
    atomic step; without an ancestor, every decision counts as made on its side."""
    result = merge_tables(
        _tables(ancestor, converter, side="ancestor", empty=True),
        _tables(ours, converter, side="ours"),
        _tables(theirs, converter, side="theirs"),
    )
    reviewers = {**read_reviewers(theirs), **read_reviewers(ours)}
    store = ReviewStore(target, converter=converter, base=base)
    store.replace_all(result.tables, dict(sorted(reviewers.items())))
    return result


def merge_file(
    ancestor: Path, ours: Path, theirs: Path, verdict: Verdict, converter: curies.Converter
) -> MergeResult:
    """Merge one decision file of a verdict (git's merge driver: ``%O %A %B``)."""

    def table(path: Path, side: str) -> Tables:
        if path.stat().st_size == 0 and side != "ancestor":  # git's ancestor may be empty
            raise KcgraphError(
                f"{path}: {side} is an empty file, not a decision file; nothing merged"
            )
        rows = read_mappings(path, converter=converter).mappings if path.stat().st_size else []
        return {v: (rows if v == verdict else []) for v in VERDICTS}

    return merge_tables(table(ancestor, "ancestor"), table(ours, "ours"), table(theirs, "theirs"))


def summary(result: MergeResult) -> list[str]:
    """What a merge did, for the command line."""
    rows = sum(len(r) for r in result.tables.values())
    lines = [
        f"merged: {rows} decisions; {result.kept_once} made the same way on both sides, "
        f"kept once; {len(result.disagreements)} pairs decided differently, kept both "
        "(`kcgraph review status` lists them until a reviewer decides the pair again)"
    ]
    lines += [f"  differ: {d.line()}" for d in result.disagreements]
    lines.append(result.agreement.line())
    return lines


def merge_decision_file(
    ancestor: Path,
    ours: Path,
    theirs: Path,
    name: str,
    converter: curies.Converter,
    *,
    base: str,
    path: str | None = None,
) -> list[str]:
    """git's merge driver: merge one file of a decision folder (a verdict's SSSOM file or
    the reviewer register, told apart by ``name``) into ``ours``; returns what it did, with
    the agreement over the whole folder when ``path`` (git's ``%P``) is in a merge."""
    if name == REVIEWERS_FILE:
        merged = {**read_register(ancestor), **read_register(theirs), **read_register(ours)}
        write_atomic(ours, render_reviewers(dict(sorted(merged.items()))), decisions=True)
        return [f"{name}: {len(merged)} reviewers"]
    verdict = next((v for v, file in VERDICTS.items() if file == name), None)
    if verdict is None:
        known = ", ".join([*VERDICTS.values(), REVIEWERS_FILE])
        raise KcgraphError(f"{name}: not a decision file ({known})")
    result = merge_file(ancestor, ours, theirs, verdict, converter)
    rendered = render_decision_file(verdict, result.tables[verdict], converter, base)
    write_atomic(ours, rendered, decisions=True)
    lines = summary(result)
    whole = folder_agreement(path, converter) if path else None
    if whole is not None:  # one file sees no pair accepted on one side and rejected on the other
        lines = [lines[0], *(f"  differ: {d.line()}" for d in whole.disagreements)]
        lines.append(f"the decision folder, every verdict: {whole.agreement.line()}")
    return [f"{name}: {line}" for line in lines]


def folder_agreement(path: str, converter: curies.Converter) -> MergeResult | None:
    """During a git merge: the merge of the whole decision folder that holds ``path`` (its
    files at the merge base, at ``HEAD`` and at the commit merged in), whose agreement and
    disagreements are those ``kcgraph review merge`` reports; None outside a merge."""
    import subprocess
    import tempfile

    def git(*args: str) -> str | None:
        run = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
        return run.stdout if run.returncode == 0 else None

    # git names the commit being merged in GITHEAD_<commit> for its merge drivers
    merging = sorted(k.removeprefix("GITHEAD_") for k in os.environ if k.startswith("GITHEAD_"))
    theirs = merging[0] if len(merging) == 1 else "MERGE_HEAD"
    if git("rev-parse", "-q", "--verify", f"{theirs}^{{commit}}") is None:
        return None
    base = (git("merge-base", "HEAD", theirs) or "").strip()
    if not base:
        return None
    folder = Path(path).parent

    def tables(revision: str) -> Tables:
        out: Tables = {}
        for verdict, file in VERDICTS.items():
            text = git("show", f"{revision}:{(folder / file).as_posix()}")
            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / file
                copy.write_text(text or "", encoding="utf-8")
                out[verdict] = read_mappings(copy, converter=converter).mappings if text else []
        return out

    return merge_tables(tables(base), tables("HEAD"), tables(theirs))
