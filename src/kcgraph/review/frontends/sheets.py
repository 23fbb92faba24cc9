"""A spreadsheet round trip for reviewers who never open Jupyter.

``kcgraph review export -o FILE.xlsx`` writes the screens with the highest expected yield to
a workbook: one row per candidate (the statement and the candidate with their context, the
relation proposed, the model's probability), a *choice* and a *relation* column whose cells
offer their values in a drop-down list (openpyxl's data validation), and a sheet of
instructions in Dutch and English. ``kcgraph review import-sheet FILE.xlsx --reviewer ORCID``
records each answered screen as the desk records one (the candidates marked yes accepted with
their relation, every other candidate of the screen rejected), after checking every row: a
value outside the lists, or a screen whose candidates changed since the export, is reported
with its sheet, row and column, and then nothing is recorded.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import InputError, KcgraphError
from ...files import write_atomic
from ...terms import MAPPING_PREDICATES
from ..session.context import Contexts, StatementContext
from ..session.screens import Screen

if TYPE_CHECKING:
    from ..session.loop import ReviewLoop

__all__ = ["CHOICES", "COLUMNS", "SHEET", "export_screens", "import_answers", "screen_key"]

#: The sheet of the screens, and its columns (the last one, the screen's key, is hidden).
SHEET = "Screens"
COLUMNS = (
    "screen",
    "statement_id",
    "statement",
    "statement_context",
    "towards",
    "rank",
    "candidate_id",
    "candidate",
    "candidate_context",
    "proposed",
    "probability",
    "choice",
    "relation",
    "comment",
    "key",
)
#: What the choice column accepts: the candidate is a link, or it is not.
CHOICES = ("ja / yes", "nee / no")
#: Screens exported by default.
DEFAULT_SCREENS = 50

_INSTRUCTIONS = (
    "Beoordeling van voorgestelde koppelingen / Review of proposed links",
    "",
    "NL: Elk scherm is één uitspraak (kolom 'statement') met haar beste kandidaten, één per rij.",
    "NL: Kies in kolom 'choice' 'ja / yes' bij elke kandidaat die een koppeling is. De andere",
    "NL: kandidaten van een scherm met een keuze gelden als afgewezen; 'nee / no' overal: geen.",
    "NL: Kolom 'relation': het soort koppeling (leeg: de voorgestelde, kolom 'proposed').",
    "NL: Laat een scherm zonder keuze leeg om het over te slaan. Verander geen andere kolommen.",
    "",
    "EN: Each screen is one statement (column 'statement') with its best candidates, one per row.",
    "EN: In column 'choice', pick 'ja / yes' for every candidate that is a link. The other",
    "EN: candidates of a screen with a choice count as rejected; 'nee / no' on all: none is.",
    "EN: Column 'relation': the kind of link (empty: the one proposed, column 'proposed').",
    "EN: Leave a screen without any choice to skip it. Do not change the other columns.",
    "",
    "kcgraph review import-sheet FILE.xlsx --reviewer ORCID",
)


def screen_key(screen: Screen) -> str:
    """A screen's identity: its statement, scheme and candidates, in order."""
    text = "\n".join([screen.statement, screen.scheme, *(c.other for c in screen.candidates)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _context(ctx: StatementContext) -> str:
    parts = [ctx.profile, ctx.kind, " > ".join(ctx.path)]
    return " | ".join(p for p in parts if p)


def _rows(loop: ReviewLoop, screens: Sequence[Screen]) -> list[list[Any]]:
    contexts = Contexts(loop.workspace)
    rows: list[list[Any]] = []
    for number, screen in enumerate(screens, start=1):
        key, statement = screen_key(screen), contexts.of(screen.statement)
        for rank, shown in enumerate(screen.candidates, start=1):
            m = shown.mapping
            other = contexts.of(shown.other, shown.name)
            rows.append(
                [
                    number,
                    screen.statement,
                    statement.label,
                    _context(statement),
                    screen.scheme,
                    rank,
                    shown.other,
                    other.label,
                    _context(other),
                    m.predicate.curie,
                    round(shown.probability, 3),
                    None,
                    None,
                    None,
                    key,
                ]
            )
    return rows


def export_screens(loop: ReviewLoop, path: Path, *, screens: int = DEFAULT_SCREENS) -> int:
    """Write the ``screens`` screens of highest expected yield to ``path``; their number."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    chosen = sorted(loop.screens(), key=lambda s: (-s.expected_yield, s.key))[:screens]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for row in _rows(loop, chosen):
        sheet.append(row)
    last = sheet.max_row
    for column, values in (("L", CHOICES), ("M", MAPPING_PREDICATES)):
        check = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True)
        check.error = f"choose one of: {', '.join(values)}"
        sheet.add_data_validation(check)
        check.add(f"{column}2:{column}{max(last, 2)}")
    sheet.column_dimensions["O"].hidden = True
    sheet.freeze_panes = "A2"
    widths = (7, 28, 48, 40, 12, 5, 28, 48, 40, 16, 10, 10, 18, 30)
    for column, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("Instructies - Instructions", 0)
    for line in _INSTRUCTIONS:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return len(chosen)


@dataclass
class _Answer:
    screen: Screen
    accepted: dict[str, str]


def _read(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The rows of the screens sheet (with their row numbers), by column name."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a file that is no workbook
        raise InputError(f"not an XLSX workbook ({type(exc).__name__})", path=path) from None
    if SHEET not in book.sheetnames:
        raise InputError(f"no sheet {SHEET!r}: not a sheet of kcgraph review export", path=path)
    rows = list(book[SHEET].iter_rows(values_only=True))
    header = [str(c) if c is not None else "" for c in (rows[0] if rows else ())]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"sheet {SHEET!r} lacks the columns {', '.join(missing)}", path=path)
    return [
        (number, dict(zip(header, row, strict=False)))
        for number, row in enumerate(rows[1:], start=2)
        if any(cell is not None for cell in row)
    ]


def _where(path: Path, row: int, column: str) -> str:
    return (
        f"{path}: sheet {SHEET!r}, row {row}, column {column!r} ({chr(65 + COLUMNS.index(column))})"
    )


def _answers(loop: ReviewLoop, path: Path) -> tuple[list[_Answer], list[str]]:
    """The answered screens of the sheet, and every problem found (nothing recorded yet)."""
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, row in _read(path):
        groups.setdefault(str(row["key"]), []).append((number, row))
    current = {screen_key(s): s for s in loop.screens()}
    answers, problems = [], []
    for key, rows in groups.items():
        chosen = [(n, r) for n, r in rows if r["choice"] not in (None, "")]
        if not chosen:
            continue
        for n, r in rows:
            for column, allowed in (("choice", CHOICES), ("relation", MAPPING_PREDICATES)):
                if r[column] not in (None, "", *allowed):
                    wrong = f"{r[column]!r} is not one of {', '.join(allowed)}"
                    problems.append(f"{_where(path, n, column)}: {wrong}")
        screen = current.get(key)
        if screen is None:
            first = rows[0][0]
            problems.append(
                f"{_where(path, first, 'candidate_id')}: the candidates of the screen of "
                f"{rows[0][1]['statement_id']} changed since the export (or it was answered): "
                "export it again"
            )
            continue
        accepted = {
            str(r["candidate_id"]): str(r["relation"] or r["proposed"])
            for _, r in chosen
            if r["choice"] == CHOICES[0]
        }
        answers.append(_Answer(screen, accepted))
    return answers, problems


def import_answers(loop: ReviewLoop, path: Path) -> list[str]:
    """Record the answered screens of a sheet ``kcgraph review export`` wrote; every problem
    is one line and then nothing is recorded."""
    answers, problems = _answers(loop, path)
    if problems:
        raise KcgraphError("\n".join(problems))
    links = 0
    for answer in answers:
        loop.answer(answer.screen, answer.accepted, comment="answered in a spreadsheet")
        links += len(answer.accepted)
    return [f"{len(answers)} screens answered from {path}: {links} links accepted"]
