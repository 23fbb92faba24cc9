"""Reading a table a person made (CSV, TSV or an XLSX workbook's first sheet) all or
nothing: a header row and the rows under it, or one error naming the file, row and column.

What spreadsheets write is accepted as it comes: a byte-order mark, ``;`` as the separator
(Dutch- and Flemish-locale Excel), tabs in a ``.tsv``. What would silently lose or merge
rows is refused: a quote left open, a cell over :data:`MAX_CELL` characters, a column named
twice, an empty header. An XLSX sheet is read in full whatever its stated dimension.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..files import read_text

__all__ = ["MAX_CELL", "Sheet", "read_sheet"]

#: The longest cell read (characters): more is refused, never cut.
MAX_CELL = 100_000


@dataclass(frozen=True)
class Sheet:
    """A table's header (lower-cased names) and its non-empty rows as (row number, cells by
    column name)."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_sheet(path: str | Path, *, what: str = "table") -> Sheet:
    """The table at ``path`` (by its suffix: ``.xlsx``, ``.tsv``, else CSV)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found", path=path)
    if path.suffix.lower() == ".xlsx":
        grid = _xlsx(path)
    else:
        grid = _delimited(path, what)
    if not grid or not any(cell.strip() for cell in grid[0]):
        raise InputError("empty table: expected a header row", path=path, line=1)
    header = [cell.strip().lower() for cell in grid[0]]
    seen: dict[str, int] = {}
    for column, name in enumerate(header, start=1):
        if name in seen and name:
            raise InputError(
                f"column {name!r} named twice (columns {seen[name]} and {column})",
                path=path,
                line=1,
            )
        seen[name] = column
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        extra = [c for c in cells[len(header) :] if c.strip()]
        if extra:
            raise InputError(
                f"column {len(header) + 1}: a value beyond the header's {len(header)} columns",
                path=path,
                line=number,
            )
        rows.append((number, dict(zip(header, (c.strip() for c in cells), strict=False))))
    return Sheet(path, header, rows)


def _delimited(path: Path, what: str) -> list[list[str]]:
    text = read_text(path, what=what).removeprefix("\ufeff")
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    grid: list[list[str]] = []
    previous = csv.field_size_limit(MAX_CELL)
    try:
        for row in reader:
            grid.append(row)
    except csv.Error as exc:
        message, line = str(exc), reader.line_num
        if "field larger than field limit" in message:
            message = f"a cell over {MAX_CELL:,} characters"
        elif "EOF" in message or "unexpected end of data" in message:
            message, line = 'a quote (") opened in this row is never closed', _next_line(grid)
        raise InputError(message, path=path, line=line) from None
    finally:
        csv.field_size_limit(previous)
    return grid


def _next_line(grid: list[list[str]]) -> int:
    """The physical line where the row after ``grid``'s rows begins."""
    return 1 + sum(1 + sum(cell.count("\n") for cell in row) for row in grid)


def _xlsx(path: Path) -> list[list[str]]:
    import openpyxl

    try:
        # not read-only: a read-only sheet trusts the stated <dimension>, which may be short
        book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl's own errors: all mean unreadable
        raise InputError(f"not a readable XLSX workbook ({exc})", path=path) from None
    sheet = book.worksheets[0]
    grid = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return grid
