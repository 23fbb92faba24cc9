"""Reading and writing SSSOM TSV: a YAML metadata block (``#`` lines), then a TSV table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from .errors import InputError
from .export import write_atomic

__all__ = ["MAPPING_COLUMNS", "read_sssom", "render_sssom", "write_sssom"]

#: Column order of kcgraph's SSSOM files (columns without a value in any row are left out).
MAPPING_COLUMNS = (
    "subject_id",
    "subject_label",
    "subject_category",
    "subject_source",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "object_category",
    "object_source",
    "mapping_justification",
    "similarity_score",
    "similarity_measure",
    "confidence",
    "mapping_tool",
    "mapping_tool_version",
    "author_id",
    "reviewer_id",
    "mapping_date",
    "comment",
    "other",
)


def render_sssom(
    metadata: dict, rows: Iterable[dict], columns: Sequence[str] = MAPPING_COLUMNS
) -> str:
    """The SSSOM TSV text: sorted YAML metadata, then the rows in the given order."""
    rows = list(rows)
    used = [c for c in columns if any(row.get(c) not in (None, "") for row in rows)]
    if not used:
        used = [
            c
            for c in columns
            if c in ("subject_id", "predicate_id", "object_id", "mapping_justification")
        ]
    header = yaml.safe_dump(metadata, sort_keys=True, allow_unicode=True, width=1000)
    out = io.StringIO()
    for line in header.splitlines():
        out.write(f"#{line}\n")
    writer = csv.DictWriter(
        out,
        fieldnames=used,
        delimiter="\t",
        lineterminator="\n",
        extrasaction="ignore",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _cell(row.get(c)) for c in used})
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def write_sssom(
    path: str | Path, metadata: dict, rows: Iterable[dict], columns: Sequence[str] = MAPPING_COLUMNS
) -> None:
    """Write an SSSOM TSV file atomically (temporary file, then rename)."""
    write_atomic(path, render_sssom(metadata, rows, columns))


def read_sssom(path: str | Path) -> tuple[dict, list[dict]]:
    """Metadata and rows of an SSSOM TSV file; malformed files raise :class:`InputError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("SSSOM file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            "not UTF-8 text", path=path, line=text_line(path.read_bytes(), exc.start)
        ) from None
    lines = text.splitlines()
    meta_lines = [line[1:] for line in lines if line.startswith("#")]
    try:
        metadata = yaml.safe_load("\n".join(meta_lines)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"metadata block is not valid YAML ({getattr(exc, 'problem', exc)})",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from None
    body = [line for line in lines if not line.startswith("#")]
    if not body:
        raise InputError("no table header", path=path)
    reader = csv.DictReader(io.StringIO("\n".join(body)), delimiter="\t")
    header_line = len(meta_lines) + 1
    required = {"subject_id", "predicate_id", "object_id"}
    if not required <= set(reader.fieldnames or ()):
        raise InputError(
            f"table lacks columns {', '.join(sorted(required))}", path=path, line=header_line
        )
    rows = []
    for offset, row in enumerate(reader, start=1):
        if None in row or any(v is None for v in row.values()):
            raise InputError(
                "row has a different number of cells than the header",
                path=path,
                line=header_line + offset,
            )
        rows.append(dict(row))
    return metadata, rows


def text_line(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1
