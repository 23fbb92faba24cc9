"""The table format: every bundled profile written as a table (CSV and XLSX) reads back as
the same statements and the same graph; a manifest with ``parser = "table"`` builds
byte-identically; the template builds; every problem is one line naming the file and row."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import pytest

from kcgraph.graph.namespaces import KCG
from kcgraph.graph.profiles import build_graph
from kcgraph.parse import parse_table
from kcgraph.parse.table import COLUMNS, write_table
from kcgraph.resources import default_manifest

from ..conftest import PROFILE_IDS, run_cli, workspace

TEMPLATES = default_manifest().parents[1] / "templates"


def _as_table(profile, path: Path):
    write_table(profile, path)
    return parse_table(dataclasses.replace(profile.source, path=str(path), parser="table"))


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_a_profile_as_a_table_is_the_same_profile_and_graph(profiles, profile_id, tmp_path):
    original = profiles[profile_id]
    again = _as_table(original, tmp_path / f"{profile_id}.csv")
    assert again.statements == original.statements and again.notes == original.notes
    minter = workspace().minter
    before, after = build_graph([original], minter=minter), build_graph([again], minter=minter)
    differ = {(s, p) for s, p, _ in set(before) ^ set(after)}
    # the same graph but for the checksum of the source document (now the table)
    assert len(before) > 500 and differ == {(minter.document(profile_id), KCG.sha256)}


def test_an_xlsx_workbook_reads_the_same(profiles, tmp_path):
    original = profiles["cci"]
    result = run_cli("table", "cci", "-o", tmp_path / "cci.xlsx")
    assert result.returncode == 0 and "rows" in result.stdout
    source = dataclasses.replace(original.source, path=str(tmp_path / "cci.xlsx"), parser="table")
    assert parse_table(source).statements == original.statements


def _manifest(folder: Path, file: str) -> Path:
    manifest = folder / "manifest.toml"
    manifest.write_text(
        f'[[source]]\nid = "mijn"\nfile = "{file}"\nparser = "table"\n'
        'title = "Voorbeeld"\npublisher = "Test"\nregion = "NL"\nlanguage = "nl-NL"\n'
        'version = "1.0"\n',
        encoding="utf-8",
    )
    return manifest


def test_the_template_builds_byte_identically_with_stable_iris(tmp_path):
    shutil.copy(TEMPLATES / "profile-table.csv", tmp_path / "mijn.csv")
    manifest = _manifest(tmp_path, "mijn.csv")
    first = run_cli("build", "--manifest", manifest, "-o", tmp_path / "a")
    second = run_cli("build", "--manifest", manifest, "-o", tmp_path / "b")
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    for name in ("kcgraph.ttl", "kcgraph.jsonld", "kcgraph.nt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    turtle = (tmp_path / "a" / "kcgraph.ttl").read_text(encoding="utf-8")
    assert "id/mijn/klantgericht-handelen-" in turtle and "Klantgericht handelen" in turtle


_GOOD = ["occ", "Occupation", "Medewerker", "", "", "", "", "", "", "", "", "", "", ""]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["id", "kind"], ["a", "Occupation"]], ":1: missing column(s) text"),
        ([["id", "kind", "text", "colour"]], ":1: unknown column(s) colour"),
        ([list(COLUMNS)], ":1: no statements"),
        ([list(COLUMNS), _GOOD, ["x", "Skil", "Luisteren"]], ":3: unknown kind 'Skil'"),
        ([list(COLUMNS), _GOOD, ["x", "Skill", "Luisteren", "nope"]], ":3: parent 'nope' is no id"),
        ([list(COLUMNS), _GOOD, ["occ", "Skill", "Luisteren"]], ":3: id 'occ' names another"),
        (
            [list(COLUMNS), _GOOD, ["y", "Occupation", "Medewerker"]],
            ":3: the same Occupation as id 'occ'",
        ),
        (
            [list(COLUMNS), _GOOD, ["x", "Skill", "", "occ"]],
            ":3: every statement needs an id and a text",
        ),
        (
            [list(COLUMNS), _GOOD, ["x", "Skill", "L", "", "", "zes"]],
            ":3: line and line_end must be whole",
        ),
        (
            [list(COLUMNS), _GOOD, ["x", "Skill", "L", "", "", "", "", "nl-BE"]],
            ":3: language 'nl-BE', but",
        ),
        ([list(COLUMNS), ["x", "Skill", "Luisteren"]], "no statement of kind Occupation"),
    ],
)
def test_every_problem_is_one_line_with_its_row(tmp_path, rows, message):
    with (tmp_path / "mijn.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    result = run_cli("build", "--manifest", _manifest(tmp_path, "mijn.csv"), "-o", tmp_path / "o")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "mijn.csv" in lines[0] and message in lines[0], lines
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('id,kind,text\nocc,Occupation,"Medewerker\nx,Skill,Luisteren\n', ":2: a quote"),
        ("id,kind,text,text\nocc,Occupation,Medewerker,Ander\n", ":1: column 'text' named twice"),
        (f"id,kind,text\nocc,Occupation,{'x' * 100_001}\n", ":2: a cell over 100,000 characters"),
        ("id,kind,text\nocc,Occupation,Medewerker,extra\n", ":2: column 4: a value beyond"),
    ],
)
def test_a_malformed_table_is_refused_whole(tmp_path, content, message):
    """Unbalanced quotes, a column named twice, an oversized cell, a value beyond the
    header: refused with file, row (and column), never read in part."""
    (tmp_path / "mijn.csv").write_text(content, encoding="utf-8")
    result = run_cli("build", "--manifest", _manifest(tmp_path, "mijn.csv"), "-o", tmp_path / "o")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "mijn.csv" in lines[0] and message in lines[0], lines
    assert not (tmp_path / "o").exists()


def test_dutch_locale_csv_with_a_bom_and_semicolons_reads(tmp_path):
    rows = ["id;kind;text", "occ;Occupation;Klantcontactmedewerker", "s1;Skill;Luisteren"]
    (tmp_path / "mijn.csv").write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode())
    result = run_cli("build", "--manifest", _manifest(tmp_path, "mijn.csv"), "-o", tmp_path / "o")
    assert result.returncode == 0, result.stderr


def test_an_xlsx_with_an_understated_dimension_reads_every_row(tmp_path):
    """A workbook whose <dimension> says A1:C2 while it holds five rows (as some writers
    leave it) is read in full."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "kind", "text"])
    sheet.append(["occ", "Occupation", "Medewerker"])
    for i in range(3):
        sheet.append([f"s{i}", "Skill", f"Vaardigheid {i}"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    short = tmp_path / "mijn.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(short, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:C5"/>', b'<dimension ref="A1:C2"/>')
                assert b'ref="A1:C2"' in data
            dst.writestr(item, data)
    source = dataclasses.replace(
        workspace().profiles[0].source, path=str(short), parser="table", language="nl-NL"
    )
    profile = parse_table(source)
    assert sorted(s.label for s in profile.statements.values()) == [
        "Medewerker",
        "Vaardigheid 0",
        "Vaardigheid 1",
        "Vaardigheid 2",
    ]


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_xlsx_holds_text_cells_only_and_reads_back(profiles, profile_id, tmp_path):
    """Every bundled profile, with hostile texts that begin = + - @ (a formula to a
    spreadsheet), round-trips through XLSX: every cell is text, none a formula."""
    import openpyxl

    original = profiles[profile_id]
    hostile = ['=HYPERLINK("http://x/","klik")', "+31 20 123", "-Luisteren", "@SUM(A1)"]
    statements = dict(original.statements)
    keys = [k for k, s in statements.items() if s.kind.value != "Occupation"][: len(hostile)]
    for key, text in zip(keys, hostile, strict=False):
        statements[key] = dataclasses.replace(statements[key], label=text)
    changed = dataclasses.replace(original, statements=statements)
    again = _as_table(changed, tmp_path / f"{profile_id}.xlsx")

    def texts(profile):  # keys follow the texts: compare what each statement says
        return sorted(
            (s.kind.value, s.label, len(s.occurrences)) for s in profile.statements.values()
        )

    assert texts(again) == texts(changed) and set(hostile) <= {
        s.label for s in again.statements.values()
    }
    book = openpyxl.load_workbook(tmp_path / f"{profile_id}.xlsx")
    kinds = {cell.data_type for row in book.active.iter_rows() for cell in row if cell.value}
    assert kinds == {"s"}


def test_a_flemish_locale_csv_with_dutch_kinds_is_the_same_profile(profiles, tmp_path):
    """What Excel saves in a Dutch or Flemish locale (a byte-order mark, ``;`` between the
    cells) with the kinds named in Dutch, in any case, reads as the English table does."""
    from kcgraph.parse.table import DUTCH_KINDS

    original = profiles["kcm"]
    english = tmp_path / "kcm.csv"
    write_table(original, english)
    dutch_of = {kind.value: name for name, kind in DUTCH_KINDS.items()}
    with english.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for n, row in enumerate(rows):
        name = dutch_of.get(row["kind"], "Notitie" if row["kind"] == "Note" else row["kind"])
        row["kind"] = name.capitalize() if n % 2 else name.upper()
    flemish = tmp_path / "kcm-vl.csv"
    with flemish.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    assert flemish.read_bytes().startswith(b"\xef\xbb\xbf")
    source = dataclasses.replace(original.source, path=str(flemish), parser="table")
    again = parse_table(source)
    assert again.statements == original.statements and again.notes == original.notes
