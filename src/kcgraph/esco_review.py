"""ESCO decisions: statements labelled with the ESCO skills a reviewer accepts for them.

A labelled sample is a TSV file with the columns ``doc, text, esco_uris`` (``#`` lines are
comments; ``esco_uris`` lists the accepted skills, space-separated, or is empty where ESCO
has no fitting skill). ``kcgraph review import`` records its links as accepted decisions, like
any analyst's; ``kcgraph evaluate`` measures ESCO ranking on it out of fold: the statements
of one fold are hidden from training, ranked against every ESCO skill, and the rank of their
first accepted skill is kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import curies
import numpy as np
from sssom_pydantic import SemanticMapping

from .errors import InputError
from .files import read_text
from .mappings import manual_mapping
from .match.scoring import Item
from .reviewers import IN_MEMORY_REVIEWER
from .text import clean, is_http_iri
from .workspace import Workspace

if TYPE_CHECKING:
    from .match.target import TargetMatcher

__all__ = [
    "ESCO_SAMPLE_COLUMNS",
    "EscoLabel",
    "TargetReport",
    "esco_decisions",
    "evaluate_esco_sample",
    "evaluate_target_folds",
    "import_esco_sample",
    "is_esco_sample",
    "read_esco_sample",
]

ESCO_SAMPLE_COLUMNS = ("doc", "text", "esco_uris")
#: The cut-offs reported (Hits@K) and the depth of the reciprocal rank (MRR@10).
HITS = (1, 5, 10)
MRR_DEPTH = 10


@dataclass(frozen=True)
class EscoLabel:
    """One labelled statement: the ESCO concepts a reviewer accepts for it."""

    doc: str
    text: str
    uris: tuple[str, ...]
    line: int


def _table(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    text = read_text(path, what="labelled sample")
    lines = text.splitlines(keepends=True)
    body = [(n, line) for n, line in enumerate(lines, start=1) if not line.startswith("#")]
    if not body:
        raise InputError("no header line", path=path, line=1)
    reader = csv.DictReader(io.StringIO("".join(line for _, line in body)), delimiter="\t")
    header = list(reader.fieldnames or ())
    rows = [(body[i + 1][0], row) for i, row in enumerate(reader)]
    return header, rows


def is_esco_sample(path: str | Path) -> bool:
    """Whether a TSV file has the columns of an ESCO labelled sample."""
    header, _ = _table(Path(path))
    return tuple(header[:3]) == ESCO_SAMPLE_COLUMNS


def read_esco_sample(path: str | Path) -> list[EscoLabel]:
    """Read a labelled sample (``doc, text, esco_uris``); rows with no skill are kept."""
    path = Path(path)
    header, rows = _table(path)
    if tuple(header[:3]) != ESCO_SAMPLE_COLUMNS:
        raise InputError(f"expected columns {', '.join(ESCO_SAMPLE_COLUMNS)}", path=path, line=1)
    labels = []
    for number, row in rows:
        if None in row or any(row.get(c) is None for c in ESCO_SAMPLE_COLUMNS):
            raise InputError(
                "row has a different number of cells than the header", path=path, line=number
            )
        if not row["doc"].strip() or not row["text"].strip():
            raise InputError("row lacks a doc or text", path=path, line=number)
        uris = tuple(row["esco_uris"].split())
        for uri in uris:
            if not is_http_iri(uri):
                raise InputError(f"{uri[:80]!r} is not an IRI", path=path, line=number)
        labels.append(EscoLabel(row["doc"].strip(), clean(row["text"]), uris, number))
    return labels


def esco_decisions(
    labels: Sequence[EscoLabel],
    statements: Sequence[Item],
    concepts: dict[str, str],
    converter: curies.Converter,
    *,
    reviewer: str,
) -> tuple[list[SemanticMapping], list[str]]:
    """The accepted links of the labels as decisions of ``reviewer`` (``concepts``: IRI ->
    label of the ESCO concepts known), and a line for each label that names no statement or
    no known concept."""
    index = {(s.profile, s.label): s for s in statements}
    found, missing = [], []
    for label in labels:
        statement = index.get((label.doc, label.text))
        if statement is None:
            missing.append(f"line {label.line}: {label.doc}:{label.text!r} names no statement")
            continue
        for uri in label.uris:
            if uri not in concepts:
                missing.append(f"line {label.line}: {uri} is not a known ESCO concept")
                continue
            found.append(
                manual_mapping(
                    (statement.iri, statement.label),
                    "skos:closeMatch",
                    (uri, concepts[uri]),
                    converter,
                    reviewer=reviewer,
                )
            )
    return found, missing


def import_esco_sample(
    ws: Workspace, path: str | Path, *, reviewer: str, name: str = ""
) -> Iterator[str]:
    """``kcgraph review import`` of a labelled sample: its links as accepted decisions of
    ``reviewer``; what names no statement or concept is reported; a second import changes
    nothing."""
    from .match.scoring import matchable_items
    from .reviewers import check_reviewer

    check_reviewer(reviewer, ws.converter)
    labels = read_esco_sample(path)
    concepts = {c.uri: c.pref_label for c in (*ws.esco.skills, *ws.esco.occupations)}
    statements = matchable_items(ws.profiles, ws.minter)
    found, missing = esco_decisions(labels, statements, concepts, ws.converter, reviewer=reviewer)
    store = ws.store()
    recorded, unchanged = store.record_many([("accept", m) for m in found], reviewer_name=name)
    yield f"{recorded} decisions recorded, {unchanged} already recorded, in {store.directory}"
    for line in missing:
        yield f"{path}:{line.removeprefix('line ')}: not imported"


def evaluate_esco_sample(ws: Workspace, path: str | Path, *, folds: int) -> Iterator[str]:
    """``kcgraph evaluate`` of a labelled sample: Hits@1/5/10 and MRR@10 of the fused cosine
    and (``folds`` >= 2) of the ranker learnt out of fold from the committed decisions and
    the other folds' labels."""
    from .match import EmbeddingCache, esco_skill_matcher, load_encoder

    labels = read_esco_sample(path)
    settings = ws.settings
    cache = EmbeddingCache(settings.embedding_cache_dir)
    try:
        matcher = esco_skill_matcher(
            ws.profiles,
            settings,
            ws.esco,
            encoders=[load_encoder(m) for m in settings.models],
            cache=cache,
        )
    finally:
        cache.close()
    decisions = [d.mapping for d in ws.store(check_ids=False).decisions()]
    report = evaluate_target_folds(matcher, labels, ws.converter, decisions=decisions, folds=folds)
    methods = [m for m in ("fused", "learned") if report.ranks[m]]
    n = report.metrics("fused")["n"]
    skills = len(matcher.targets.items)
    yield f"{path}: {n} labelled statements with an ESCO skill, ranked against {skills:,} skills"
    yield f"{'method':<26}" + "".join(f"{k:>8}" for k in ("hits@1", "hits@5", "hits@10", "mrr@10"))
    for method in methods:
        figures = report.metrics(method)
        name = method if method == "fused" else f"learned, {folds} folds"
        yield f"{name:<26}" + "".join(
            f"{figures[k]:8.3f}" for k in ("hits@1", "hits@5", "hits@10", "mrr@10")
        )


@dataclass
class TargetReport:
    """Ranks of the first accepted concept of each labelled statement, per method."""

    ranks: dict[str, list[int]] = field(default_factory=dict)

    def metrics(self, method: str) -> dict[str, float]:
        ranks = np.asarray(self.ranks[method], dtype=float)
        figures = {f"hits@{k}": float(np.mean(ranks <= k)) for k in HITS}
        figures["mrr@10"] = float(np.mean(np.where(ranks <= MRR_DEPTH, 1.0 / ranks, 0.0)))
        return {"n": int(ranks.size), **figures}


def evaluate_target_folds(
    matcher: TargetMatcher,
    labels: Sequence[EscoLabel],
    converter: curies.Converter,
    *,
    decisions: Sequence[SemanticMapping] = (),
    folds: int = 5,
    seed: int = 0,
) -> TargetReport:
    """Out-of-fold ranks of the labelled statements against every target of ``matcher``: the
    fused cosine, and (``folds`` >= 2) the ranker trained on ``decisions`` plus the labels of
    the other folds, minus every decision on a held-out statement."""
    from .match.target_ranker import TargetRanker

    rows = {(q.profile, q.label): i for i, q in enumerate(matcher.queries)}
    targets = {t.iri: j for j, t in enumerate(matcher.targets.items)}
    labelled = [
        (rows[(lb.doc, lb.text)], [targets[u] for u in lb.uris if u in targets])
        for lb in labels
        if (lb.doc, lb.text) in rows and any(u in targets for u in lb.uris)
    ]
    concepts = {t.iri: t.label for t in matcher.targets.items}
    own, _ = esco_decisions(
        labels, matcher.queries, concepts, converter, reviewer=IN_MEMORY_REVIEWER
    )
    order = np.random.default_rng(seed).permutation(len(labelled))
    fold_of = {labelled[i][0]: rank % max(folds, 1) for rank, i in enumerate(order.tolist())}
    iri_row = {q.iri: i for i, q in enumerate(matcher.queries)}

    def row_of(m: SemanticMapping) -> int:
        sides = (converter.expand(m.subject.curie), converter.expand(m.object.curie))
        return next((iri_row[s] for s in sides if s in iri_row), -1)

    fused = TargetRanker(matcher.names)
    report = TargetReport(ranks={"fused": [], "learned": []})
    for k in range(max(folds, 1)):
        held = [(r, right) for r, right in labelled if fold_of[r] == k]
        hidden = {r for r, _ in held}
        rankers = {"fused": fused}
        if folds >= 2:
            training = [m for m in (*decisions, *own) if row_of(m) not in hidden]
            rankers["learned"] = matcher.train(training, converter)
        for r, right in held:
            block = matcher.block(slice(r, r + 1))
            for method, ranker in rankers.items():
                score = ranker.score(block, matcher.structure)[0]
                best = max(score[j] for j in right)
                report.ranks[method].append(int(np.sum(score > best)) + 1)
    return report
