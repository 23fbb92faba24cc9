"""A generic profile format: a table (CSV or XLSX) with one row per place of a statement.

For a profile that comes in no known extraction format, e.g. from a spreadsheet or a Word
table. The manifest entry says ``parser = "table"``; ``data/templates/profile-table.csv``
is a template, and ``data/templates/README.md`` documents the columns:

``id``, ``kind``, ``text`` (required); ``parent``, ``section``, ``line``, ``line_end``,
``language``, ``notation``, ``definition``, ``alt_labels``, ``hidden_labels``,
``scope_notes``, ``isco_codes`` (optional; lists separated by `` | ``).

A statement that stands in several places has one row per place, with the same ``id``; a
row of kind ``Note`` is a narrative note on the profile. Kinds are the ontology's classes.
Every problem is one :class:`~kcgraph.errors.InputError` naming the file and the row. The
statements and their IRIs are those any parser makes of the same content: an IRI follows the
statement's text, never the table's ``id``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from .model import UNIT_KINDS, Kind, Note, Occurrence, Profile, SourceInfo, Statement
from .sheets import read_sheet

__all__ = [
    "COLUMNS",
    "LIST_SEPARATOR",
    "NOTE",
    "SECTION_SEPARATOR",
    "parse_table",
    "profile_rows",
    "write_table",
]

#: The columns of the format, required ones first.
COLUMNS = (
    "id",
    "kind",
    "text",
    "parent",
    "section",
    "line",
    "line_end",
    "language",
    "notation",
    "definition",
    "alt_labels",
    "hidden_labels",
    "scope_notes",
    "isco_codes",
)
_REQUIRED = COLUMNS[:3]
_LISTS = ("alt_labels", "hidden_labels", "scope_notes", "isco_codes")
#: The kind of a row that is a note on the profile, not a statement.
NOTE = "Note"
SECTION_SEPARATOR = " > "
LIST_SEPARATOR = " | "
_KINDS = {kind.value: kind for kind in Kind}
#: The kinds as a Dutch or Flemish table may name them (any case), and the note.
DUTCH_KINDS = {
    "beroep": Kind.OCCUPATION,
    "rol": Kind.ROLE,
    "kerntaak": Kind.CORE_TASK,
    "werkproces": Kind.WORK_PROCESS,
    "competentie": Kind.COMPETENCY,
    "gedragsindicator": Kind.INDICATOR,
    "activiteit": Kind.ACTIVITY,
    "kennis": Kind.KNOWLEDGE,
    "vaardigheid": Kind.SKILL,
    "houding": Kind.ATTITUDE,
    "resultaat": Kind.RESULT,
    "werkcontext": Kind.WORK_CONTEXT,
    "niveaubeschrijving": Kind.LEVEL_DESCRIPTOR,
}
_DUTCH_NOTE = "notitie"
_ANY_CASE = {name.casefold(): kind for name, kind in (*_KINDS.items(), *DUTCH_KINDS.items())}


@dataclass(frozen=True)
class _Row:
    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def _read_rows(path: Path) -> tuple[list[_Row], bytes]:
    """The table's rows, all or nothing (:func:`~kcgraph.parse.sheets.read_sheet`)."""
    sheet = read_sheet(path, what="profile table")
    unknown = [name for name in sheet.header if name and name not in COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}",
            path=path,
            line=1,
        )
    missing = [name for name in _REQUIRED if name not in sheet.header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path=path, line=1)
    if not sheet.rows:
        raise InputError("no statements: the table has a header only", path=path, line=1)
    return [_Row(number, cells) for number, cells in sheet.rows], path.read_bytes()


def _kind(path: Path, row: _Row) -> Kind | None:
    """A row's kind: the ontology's name or its Dutch one, in any case; None for a note."""
    value = (row.get("kind") or "").strip()
    if value.casefold() in (NOTE.casefold(), _DUTCH_NOTE):
        return None
    if value.casefold() not in _ANY_CASE:
        known = ", ".join([*_KINDS, NOTE])
        dutch = ", ".join([*DUTCH_KINDS, _DUTCH_NOTE])
        message = f"unknown kind {value!r}; known: {known} (or in Dutch: {dutch})"
        raise InputError(message, path=path, line=row.number)
    return _ANY_CASE[value.casefold()]


def _lines(path: Path, row: _Row) -> tuple[int, int]:
    try:
        start = int(row.get("line") or row.number)
        end = int(row.get("line_end") or start)
    except ValueError:
        message = "line and line_end must be whole numbers"
        raise InputError(message, path=path, line=row.number) from None
    if start < 1 or end < start:
        raise InputError(f"lines {start}-{end} are not a range", path=path, line=row.number)
    return start, end


class _Reader:
    """Two passes: the statements (ids, kinds, texts, keys), then every row's place."""

    def __init__(self, path: Path, source: SourceInfo) -> None:
        self.path, self.source = path, source
        self.statements: dict[str, Statement] = {}
        self.keys: dict[str, str] = {}  # table id -> statement key
        self.texts: dict[tuple[Kind, str], str] = {}  # (kind, text) -> table id
        self.notes: list[Note] = []

    def fail(self, row: _Row, message: str) -> InputError:
        return InputError(message, path=self.path, line=row.number)

    def declare(self, row: _Row, kind: Kind) -> None:
        local, text = row.get("id"), row.get("text")
        if not local or not text:
            raise self.fail(row, "every statement needs an id and a text")
        language = row.get("language")
        if language and language != self.source.language:
            said = self.source.language
            raise self.fail(row, f"language {language!r}, but the manifest says {said!r}")
        if local in self.keys:
            known = self.statements[self.keys[local]]
            if (known.kind, known.label) != (kind, text):
                raise self.fail(row, f"id {local!r} names another statement above")
            return
        if (kind, text) in self.texts:
            first = self.texts[kind, text]
            raise self.fail(row, f"the same {kind.value} as id {first!r}; use that id")
        key = text
        other = self.statements.get(key)
        if other is not None and (kind in UNIT_KINDS or other.kind in UNIT_KINDS):
            key = f"{kind.value}:{text}"
        elif other is not None:
            raise self.fail(row, f"{text[:60]!r} stands above as {other.kind.value}")
        self.keys[local], self.texts[kind, text] = key, local
        self.statements[key] = _statement(key, kind, text, row)

    def place(self, row: _Row, kind: Kind | None) -> None:
        parts = row.get("section").split(SECTION_SEPARATOR)
        section = tuple(p.strip() for p in parts if p.strip())
        start, end = _lines(self.path, row)
        if kind is None:
            self.notes.append(Note(section, row.get("text"), start))
            return
        statement = self.statements[self.keys[row.get("id")]]
        parent = row.get("parent")
        if parent and parent not in self.keys:
            raise self.fail(row, f"parent {parent!r} is no id of this table")
        key = self.keys[parent] if parent else None
        if key == statement.key:
            raise self.fail(row, "a statement cannot be its own parent")
        statement.occurrences.append(Occurrence(section, start, end, key))
        if key and key not in statement.parents:
            statement.parents.append(key)


def _statement(key: str, kind: Kind, text: str, row: _Row) -> Statement:
    def items(name: str) -> list[str]:
        return [v.strip() for v in row.get(name).split("|") if v.strip()]

    return Statement(
        key=key,
        kind=kind,
        label=text,
        definition=row.get("definition") or None,
        notation=row.get("notation") or None,
        alt_labels=items("alt_labels"),
        hidden_labels=items("hidden_labels"),
        scope_notes=items("scope_notes"),
        isco_codes=items("isco_codes"),
    )


def parse_table(source: SourceInfo) -> Profile:
    """Parse a profile table (CSV, or XLSX by its suffix) named by a manifest entry."""
    path = Path(source.path)
    rows, raw = _read_rows(path)
    source = replace(source, sha256=hashlib.sha256(raw).hexdigest())
    reader = _Reader(path, source)
    kinds = [_kind(path, row) for row in rows]
    for row, kind in zip(rows, kinds, strict=True):
        if kind is not None:
            reader.declare(row, kind)
    for row, kind in zip(rows, kinds, strict=True):
        reader.place(row, kind)
    if not any(s.kind is Kind.OCCUPATION for s in reader.statements.values()):
        raise InputError("no statement of kind Occupation (the profile's occupation)", path=path)
    return Profile(source=source, statements=reader.statements, notes=reader.notes)


def profile_rows(profile: Profile) -> list[dict[str, str]]:
    """A parsed profile as rows of the table format (``parse_table`` reads them back as the
    same statements): a statement's places in order, statements in the order they first
    stand, then the notes."""
    ids = {key: f"s{number}" for number, key in enumerate(profile.statements, start=1)}
    rows = []
    for key, statement in profile.statements.items():
        for index, place in enumerate(statement.occurrences or [Occurrence((), 1, 1)]):
            row = {
                "id": ids[key],
                "kind": statement.kind.value,
                "text": statement.label,
                "parent": ids[place.parent] if place.parent else "",
                "section": SECTION_SEPARATOR.join(place.section),
                "line": str(place.line_start),
                "line_end": str(place.line_end),
            }
            if index == 0:
                row |= {
                    "notation": statement.notation or "",
                    "definition": statement.definition or "",
                    **{name: LIST_SEPARATOR.join(getattr(statement, name)) for name in _LISTS},
                }
            rows.append(row)
    for note in profile.notes:
        section = SECTION_SEPARATOR.join(note.section)
        rows.append({"kind": NOTE, "text": note.text, "line": str(note.line), "section": section})
    return rows


def write_table(profile: Profile, path: Path) -> int:
    """Write :func:`profile_rows` as CSV, or as XLSX by the suffix, atomically; returns the
    rows written. The CSV is byte-identical for the same profile (a workbook carries its
    save time)."""
    from ..files import write_atomic

    rows = profile_rows(profile)
    cells = [[row.get(column, "") for column in COLUMNS] for row in rows]
    if path.suffix.lower() != ".xlsx":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(cells)
        write_atomic(path, out.getvalue())
        return len(rows)
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for line in cells:
        sheet.append(line)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:  # text, never a formula (a text may start with =)
            if isinstance(cell.value, str) and cell.value:
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return len(rows)
