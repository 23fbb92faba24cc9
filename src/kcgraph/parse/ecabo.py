"""Parser of the ECABO beroepscompetentieprofiel format (kerntaken and werkprocessen).

Layout: title, the word "beroepscompetentieprofiel" and a date; numbered chapters; chapter 2
is the overview table of core tasks (``Kerntaak N Titel``) and their work processes
(``<TAB>N.M Titel``); chapter 3 describes each work process in table rows: a description
cell, then a cell opening with ``N.M Titel`` followed by "Competenties", then "Resultaat" and
"Vakkennis en vakvaardigheden" ("Kennis van:" and "Vaardigheden:" lists). Cells break across
physical lines wherever the PDF broke a page.
"""

from __future__ import annotations

import re

from ..errors import InputError
from ._table import Heading, Row, is_separator, read_rows, row_blocks
from .model import Kind, Occurrence, Profile, ProfileBuilder, SourceInfo
from .sources import read_lines
from .text import clean, clean_item, html_blocks, split_dash_items

__all__ = ["parse_ecabo_bcp"]

#: Markers of the work-process detail cells and the kind of the list items they introduce
#: (None: a marker that opens no list of its own).
MARKERS: dict[str, Kind | None] = {
    "Beschrijving werkproces": None,
    "Competenties": Kind.COMPETENCY,
    "Resultaat": Kind.RESULT,
    "Vakkennis en vakvaardigheden": None,
    "Kennis van": Kind.KNOWLEDGE,
    "Vaardigheden": Kind.SKILL,
}

#: Every work process of a complete profile lists items of each of these kinds.
REQUIRED_PER_WORK_PROCESS = (Kind.COMPETENCY, Kind.RESULT, Kind.KNOWLEDGE, Kind.SKILL)

#: Rows of "Beschrijving van het beroep" whose list items are attitudes.
ATTITUDE_ROWS = frozenset({"Typende beroepshouding"})

_CHAPTER = re.compile(r"^(\d+(?:\.\d+)*)\s+(\S.*)$")
_CORE_TASK = re.compile(r"^Kerntaak\s+(\d+)\s+(\S.*)$")
_WORK_PROCESS = re.compile(r"^(\d+\.\d+)\s+(\S.*)$")
_MIN_WORDS = 3  # shorter row values ("Nee") are kept as notes, not statements


def parse_ecabo_bcp(source: SourceInfo) -> Profile:
    """Parse an ECABO kerntaak/werkproces BCP into a :class:`Profile`."""
    source, lines = read_lines(source)
    path = source.path
    head = [(i + 1, line.strip()) for i, line in enumerate(lines) if line.strip()][:3]
    if len(head) < 2 or head[1][1].lower() != "beroepscompetentieprofiel":
        raise InputError(
            "not an ECABO BCP: expected the title followed by 'beroepscompetentieprofiel'",
            path=path,
            line=head[1][0] if len(head) > 1 else 1,
        )
    builder = ProfileBuilder(path)
    occupation = builder.add(
        Kind.OCCUPATION, clean(head[0][1]), section=(), lines=(head[0][0], head[0][0])
    )

    # Chapters start at un-tabbed numbered headings; the table of contents has page-number tabs.
    chapters: list[tuple[str, int]] = [
        (line.strip(), i)
        for i, line in enumerate(lines)
        if "\t" not in line and _CHAPTER.match(line.strip())
    ]
    bounds = [
        (text, start, chapters[n + 1][1] if n + 1 < len(chapters) else len(lines))
        for n, (text, start) in enumerate(chapters)
    ]
    work_processes: dict[str, tuple[str, int]] = {}
    for text, start, stop in bounds:
        number = _CHAPTER.match(text).group(1)  # type: ignore[union-attr]
        section = (text,)
        if number == "1.1":
            for i in range(start + 1, stop):
                item = clean_item(lines[i])
                if lines[i].lstrip().startswith("-") and item:
                    builder.statements[occupation].alt_labels.append(item)
        elif number == "1.2":
            _profession_rows(builder, lines, start + 1, stop, section)
        elif number == "2":
            work_processes = _overview(builder, lines, start + 1, stop, section, path)
        elif number == "3":
            continue  # its sub-chapters 3.N carry the detail
        elif number.startswith("3.") and work_processes:
            _details(builder, lines, start + 1, stop, section, work_processes, path)
        else:
            for event in read_rows(lines, start + 1, stop):
                if isinstance(event, Row):
                    label, text = event.label, clean(" ".join(v for _, v in event.parts))
                    builder.note((*section, label), text, event.line)
                else:
                    builder.note(section, clean(event.text), event.line)

    if not work_processes:
        raise InputError(
            "document truncated (or not an ECABO BCP): no overview table of kerntaken and "
            "werkprocessen",
            path=path,
            line=len(lines),
        )
    for number, (key, line) in sorted(work_processes.items()):
        has = {
            builder.statements[c].kind
            for c in builder.statements
            if key in builder.statements[c].parents
        }
        missing = [k.value for k in REQUIRED_PER_WORK_PROCESS if k not in has]
        if missing:
            raise InputError(
                f"work process {number} has no {', '.join(missing)} items (document truncated?)",
                path=path,
                line=line,
            )
    return builder.build(source)


def _profession_rows(
    builder: ProfileBuilder, lines: list[str], start: int, stop: int, section: tuple[str, ...]
) -> None:
    for event in read_rows(lines, start, stop):
        if isinstance(event, Heading):
            builder.note(section, clean(event.text), event.line)
            continue
        for first, last, _, text in row_blocks(event.parts):
            if event.label in ATTITUDE_ROWS:
                if re.search(r"(^|\s)[-–]\s", text) or text.startswith("-"):
                    for item in split_dash_items(text):
                        builder.add(
                            Kind.ATTITUDE,
                            item,
                            section=(*section, event.label),
                            lines=(first, last),
                        )
                continue
            if len(text.split()) < _MIN_WORDS:
                builder.note((*section, event.label), text, first)
            else:
                builder.add(
                    Kind.WORK_CONTEXT, text, section=(*section, event.label), lines=(first, last)
                )


def _overview(
    builder: ProfileBuilder,
    lines: list[str],
    start: int,
    stop: int,
    section: tuple[str, ...],
    path: str,
) -> dict[str, tuple[str, int]]:
    """Core tasks and work processes from the overview table: number -> (key, line)."""
    work_processes: dict[str, tuple[str, int]] = {}
    core_task: str | None = None
    for i in range(start, stop):
        cells = [c.strip() for c in lines[i].split("\t")]
        number = i + 1
        if task := _CORE_TASK.match(cells[0]):
            core_task = builder.add(
                Kind.CORE_TASK, clean(task.group(2)), section=section, lines=(number, number)
            )
            builder.statements[core_task].notation = task.group(1)
        elif len(cells) > 1 and not cells[0] and (wp := _WORK_PROCESS.match(cells[1])):
            if core_task is None:
                raise InputError("work process before any kerntaak", path=path, line=number)
            key = builder.add(
                Kind.WORK_PROCESS,
                clean(wp.group(2)),
                section=section,
                lines=(number, number),
                parents=[core_task],
            )
            builder.statements[key].notation = wp.group(1)
            work_processes[wp.group(1)] = (key, number)
        elif lines[i].strip() and "\t" not in lines[i]:
            builder.note(section, clean(lines[i]), number)
    return work_processes


def _details(
    builder: ProfileBuilder,
    lines: list[str],
    start: int,
    stop: int,
    section: tuple[str, ...],
    work_processes: dict[str, tuple[str, int]],
    path: str,
) -> None:
    """Walk the detail rows of one core task: a small state machine over markers and lists.

    A work process's description may run on over rows the PDF broke; plain text in a row of
    its own after the work process's lists have begun is not part of the profile (a note or
    text appended after it) and is refused with its line. Linear in the input.
    """
    current: str | None = None
    current_title = ""
    kind: Kind | None = None
    listed = False  # the current work process has list items already
    descriptions: dict[str, list[str]] = {}
    for i in range(start, stop):
        number = i + 1
        structured = False
        pending: list[str] = []
        if is_separator(lines[i]):
            continue
        for cell in lines[i].split("\t"):
            if not cell.strip():
                continue
            plain = "<" not in cell
            for italic, text in html_blocks(cell):
                marker = text.rstrip(":").strip()
                if marker in MARKERS and (italic or plain or text.endswith(":")):
                    kind = MARKERS[marker]
                    structured = True
                    continue
                if (wp := _WORK_PROCESS.match(text)) and not text.startswith("-"):
                    if wp.group(1) not in work_processes:
                        raise InputError(
                            f"work process {wp.group(1)} is not in the overview",
                            path=path,
                            line=number,
                        )
                    current, _ = work_processes[wp.group(1)]
                    current_title = text
                    statement = builder.statements[current]
                    variant = clean(wp.group(2))
                    if variant != statement.label and variant not in statement.hidden_labels:
                        statement.hidden_labels.append(variant)  # the detail section's spelling
                    statement.occurrences.append(Occurrence((*section, text), number, number))
                    descriptions[current] = pending  # the description cell precedes the title
                    pending = []
                    structured = True
                    kind, listed = None, False
                    continue
                if text.startswith(("-", "–")):
                    if current is None or kind is None:
                        raise InputError(
                            "list item outside a work process section", path=path, line=number
                        )
                    items = [clean_item(text)] if plain else split_dash_items(text)
                    for item in items:
                        builder.add(
                            kind,
                            item,
                            section=(*section, current_title, kind.value),
                            lines=(number, number),
                            parents=[current],
                        )
                    listed = structured = True
                    continue
                pending.append(text)
        if pending and current is not None:
            if listed and not structured:
                raise InputError(
                    f"unexpected text after the lists of work process "
                    f"{builder.statements[current].notation} (text appended to the profile?)",
                    path=path,
                    line=number,
                )
            descriptions[current].extend(pending)
    for key, parts in descriptions.items():
        builder.statements[key].definition = clean(" ".join(parts)) or None
