"""ESCO decisions in a labelled sample: statements with the ESCO skills a reviewer accepts
for them.

A labelled sample is a TSV file with the columns ``doc, text, esco_uris`` (``#`` lines are
comments; ``esco_uris`` lists the accepted skills, space-separated, or is empty where ESCO
has no fitting skill). ``kcgraph review import`` records its links as accepted decisions,
like any analyst's; ``kcgraph evaluate`` measures ESCO ranking on it out of fold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import curies
from sssom_pydantic import SemanticMapping

from ...errors import InputError
from ...files import read_text
from ...mappings import manual_mapping
from ...match.items import Item
from ...parse.text import clean
from ...settings import is_http_iri
from ...terms import CLOSE_MATCH

__all__ = [
    "ESCO_SAMPLE_COLUMNS",
    "EscoLabel",
    "esco_decisions",
    "is_esco_sample",
    "read_esco_sample",
]

ESCO_SAMPLE_COLUMNS = ("doc", "text", "esco_uris")


@dataclass(frozen=True)
class EscoLabel:
    """One labelled statement: the ESCO concepts a reviewer accepts for it."""

    doc: str
    text: str
    uris: tuple[str, ...]
    line: int


def _table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
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
                    CLOSE_MATCH,
                    (uri, concepts[uri]),
                    converter,
                    reviewer=reviewer,
                )
            )
    return found, missing
