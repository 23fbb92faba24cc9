"""The spreadsheet round trip: screens exported to XLSX with drop-down lists, answered in the
workbook (as a reviewer would in Excel, here with openpyxl), and imported; problems are
reported with sheet, row and column, and then nothing is recorded."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook

from kcgraph.review.frontends.sheets import CHOICES, COLUMNS, SHEET

from ..conftest import REVIEWER, read_table, run_cli


def _export(proposals, decisions, out, screens=3):
    env = {"KCGRAPH_MAPPINGS": str(decisions)}
    args = ("review", "export", "-o", out, "--screens", str(screens), "--proposals", proposals)
    return run_cli(*args, **env)


def _import(proposals, decisions, workbook):
    args = ("review", "import-sheet", workbook, "--proposals", proposals, "--reviewer", REVIEWER)
    return run_cli(*args, KCGRAPH_MAPPINGS=str(decisions))


def _column(name: str) -> int:
    return COLUMNS.index(name) + 1


def test_export_answer_in_the_workbook_and_import(proposals, tmp_path):
    decisions = tmp_path / "decisions"
    decisions.mkdir()
    book_path = tmp_path / "screens.xlsx"
    exported = _export(proposals, decisions, book_path)
    assert exported.returncode == 0, exported.stderr
    assert "wrote 3 screens" in exported.stdout
    book = load_workbook(book_path)
    assert book.sheetnames == ["Instructies - Instructions", SHEET]
    assert any("NL:" in str(c.value) for c in book["Instructies - Instructions"]["A"])
    sheet = book[SHEET]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any(CHOICES[0] in f for f in lists.values())
    assert any("skos:broadMatch" in f for f in lists.values())
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    first = [r for r in rows if r[0] == 1]
    assert len({r[0] for r in rows}) == 3 and len(first) >= 2
    # screen 1: its first candidate is a broader link; screen 2 left alone (skipped)
    sheet.cell(row=2, column=_column("choice"), value=CHOICES[0])
    sheet.cell(row=2, column=_column("relation"), value="skos:broadMatch")
    book.save(book_path)
    imported = _import(proposals, decisions, book_path)
    assert imported.returncode == 0, imported.stderr
    assert "1 screens answered" in imported.stdout and "1 links accepted" in imported.stdout
    positive = read_table(decisions / "positive.sssom.tsv")[1]
    negative = read_table(decisions / "negative.sssom.tsv")[1]
    assert len(positive) == 1 and positive[0]["predicate_id"] == "skos:broadMatch"
    assert {first[0][1], first[0][6]} == {positive[0]["subject_id"], positive[0]["object_id"]}
    assert len(negative) == len(first) - 1  # the others of that screen, rejected
    assert {r["reviewer_id"] for r in positive + negative} == {REVIEWER}
    # imported again: that screen has changed (answered), so the sheet is refused whole
    again = _import(proposals, decisions, book_path)
    assert again.returncode != 0 and "changed since the export" in again.stderr
    assert len(read_table(decisions / "positive.sssom.tsv")[1]) == 1


def test_every_problem_is_reported_with_sheet_row_and_column_and_nothing_recorded(
    proposals, tmp_path
):
    decisions = tmp_path / "decisions"
    decisions.mkdir()
    book_path = tmp_path / "screens.xlsx"
    assert _export(proposals, decisions, book_path).returncode == 0
    book = load_workbook(book_path)
    sheet = book[SHEET]
    sheet.cell(row=2, column=_column("choice"), value="misschien")
    sheet.cell(row=3, column=_column("choice"), value=CHOICES[0])
    sheet.cell(row=3, column=_column("relation"), value="sameAs")
    book.save(book_path)
    result = _import(proposals, decisions, book_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"sheet '{SHEET}', row 2, column 'choice' (L): 'misschien'" in result.stderr
    assert f"sheet '{SHEET}', row 3, column 'relation' (M): 'sameAs'" in result.stderr
    assert not (decisions / "positive.sssom.tsv").exists()
    not_a_book = tmp_path / "x.xlsx"
    not_a_book.write_text("no workbook", encoding="utf-8")
    bad = _import(proposals, decisions, not_a_book)
    assert bad.returncode == 2 and "not an XLSX workbook" in bad.stderr
    shutil.rmtree(decisions)
