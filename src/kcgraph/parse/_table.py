"""Reading the tab-separated table rows that PDF extractions of BCPs are made of."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .text import html_blocks

__all__ = ["Heading", "Row", "is_separator", "read_rows", "row_blocks"]

_SEPARATOR = re.compile(r"^[-\s]*-[-\s]*$")


def is_separator(line: str) -> bool:
    """A table-border line of the extraction (``-----<TAB>--``), not content."""
    return bool(_SEPARATOR.match(line))


@dataclass
class Heading:
    text: str
    line: int


@dataclass
class Row:
    """A table row: its label cell and the value cells of each physical line it spans."""

    label: str
    line: int
    parts: list[tuple[int, str]] = field(default_factory=list)

    @property
    def last_line(self) -> int:
        return self.parts[-1][0] if self.parts else self.line


def read_rows(lines: list[str], start: int = 0, stop: int | None = None) -> Iterator[Heading | Row]:
    """Headings (lines without a tab) and rows (``label<TAB>value``, continued by ``<TAB>value``).

    Separator lines (``-----<TAB>--``) and blank lines are skipped; a row whose value is empty
    and whose label is numbered (``3. Titel<TAB>``) is a heading.
    """
    row: Row | None = None
    for index in range(start, len(lines) if stop is None else stop):
        number, line = index + 1, lines[index]
        if not line.strip() or is_separator(line):
            continue
        if "\t" not in line:
            if row:
                yield row
                row = None
            yield Heading(line.strip(), number)
            continue
        label, value = line.split("\t", 1)
        if not label.strip():
            if row is not None:
                row.parts.append((number, value))
                continue
            label = ""
        elif not value.strip() and re.match(r"^\d+\.\s", label.strip()):
            if row:
                yield row
                row = None
            yield Heading(label.strip(), number)
            continue
        if row:
            yield row
        row = Row(label.strip(), number, [(number, value)])
    if row:
        yield row


def row_blocks(parts: list[tuple[int, str]]) -> list[tuple[int, int, bool, str]]:
    """The text blocks of a row's cells as ``(first line, last line, italic, text)``.

    A paragraph that a page break cut in two (the first part ends without a full stop, the
    second starts in lower case) is joined again.
    """
    blocks: list[tuple[int, int, bool, str]] = []
    for number, value in parts:
        for italic, text in html_blocks(value):
            if blocks and not italic and _continues(blocks[-1], text):
                first, _, was_italic, previous = blocks[-1]
                blocks[-1] = (first, number, was_italic, f"{previous} {text}")
            else:
                blocks.append((number, number, italic, text))
    return blocks


def _continues(block: tuple[int, int, bool, str], text: str) -> bool:
    _, _, italic, previous = block
    return not italic and not re.search(r"[.!?:;]$", previous) and text[:1].islower()
