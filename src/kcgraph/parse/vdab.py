"""Parser of the VDAB Competentfiche format (web page extraction, ROME v3 based).

Layout: a code line (``D140801  Info block``), the title, "Andere benamingen" (one title a
line), "Definitie", then "Basis ActiviteitenCompetenties" and "Specifieke
ActiviteitenCompetenties". In both, each web-page cell ends with "Info block": an activity cell
(one or more activity lines) is followed by a cell of ``- `` lines (what one must *kunnen*) and
by one cell per *kennen* item; a line ending in ':' heads a group of activity options.
"Werkorganisatie", "Werkomgeving", "Opleidingen en certificaten" and "Classificatie" (with the
ISCO-08 codes) close the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from .model import Kind, Profile, ProfileBuilder, SourceInfo
from .sources import read_lines
from .text import clean, clean_item

__all__ = ["parse_vdab_competentfiche"]

#: Page headings, in order; each must be present (a missing one means the page is truncated).
HEADINGS = (
    "Andere benamingen",
    "Definitie",
    "Basis ActiviteitenCompetenties",
    "Specifieke ActiviteitenCompetenties",
    "Werkorganisatie",
    "Werkomgeving",
    "Classificatie",
)

#: Section names used in section paths for the two activity blocks.
ACTIVITY_SECTIONS = {
    "Basis ActiviteitenCompetenties": "Basisactiviteiten",
    "Specifieke ActiviteitenCompetenties": "Specifieke activiteiten",
}

_CELL_END = "Info block"
_CODE = re.compile(r"^([A-Z]\d{6})\b")
_ISCO = re.compile(r"ISCO-08-code\s*:\s*([\d,\s]+)")
_COLUMN_HEADERS = frozenset(
    {"KunnenKennen", "Soort bedrijf/organisatieSectorenArbeidsomstandigheden"}
)


@dataclass
class _Cell:
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def is_skills(self) -> bool:
        return all(text.startswith("- ") or text == "-" for _, text in self.lines)


def parse_vdab_competentfiche(source: SourceInfo) -> Profile:
    """Parse a VDAB Competentfiche into a :class:`Profile`."""
    source, lines = read_lines(source)
    path = source.path
    stripped = [line.strip() for line in lines]
    if not any(s == "Competentfiche" for s in stripped[:10]):
        raise InputError("not a VDAB Competentfiche: no 'Competentfiche' heading", path=path)
    at: dict[str, int] = {}
    for heading in HEADINGS:
        start = max(at.values(), default=0)
        found = next((i for i in range(start, len(stripped)) if stripped[i] == heading), None)
        if found is None:
            raise InputError(
                f"document truncated: heading {heading!r} not found", path=path, line=len(lines)
            )
        at[heading] = found
    code_at = next((i for i in range(at["Andere benamingen"]) if _CODE.match(stripped[i])), None)
    if code_at is None:
        raise InputError("no Competentfiche code (such as D140801)", path=path)
    builder = ProfileBuilder(path)
    title_at = code_at + 1
    occupation_key = builder.add(
        Kind.OCCUPATION, clean(stripped[title_at]), section=(), lines=(title_at + 1, title_at + 1)
    )
    occupation = builder.statements[occupation_key]
    occupation.notation = _CODE.match(stripped[code_at]).group(1)  # type: ignore[union-attr]
    for i in range(at["Andere benamingen"] + 1, at["Definitie"]):
        if title := clean(stripped[i]):
            occupation.alt_labels.append(title)
    occupation.definition = clean(" ".join(stripped[at["Definitie"] + 1 : at[HEADINGS[2]]]))

    for heading, stop in ((HEADINGS[2], HEADINGS[3]), (HEADINGS[3], HEADINGS[4])):
        section = (ACTIVITY_SECTIONS[heading],)
        _activities(builder, lines, at[heading] + 1, at[stop], section, path)

    for i in range(at["Werkorganisatie"] + 1, at["Werkomgeving"]):
        text = clean(stripped[i])
        if text and stripped[i] not in _COLUMN_HEADERS:
            builder.add(Kind.WORK_CONTEXT, text, section=("Werkorganisatie",), lines=(i + 1, i + 1))
    closing = [i for i in range(at["Werkomgeving"] + 1, len(stripped)) if stripped[i]]
    section = ("Werkomgeving",)
    for i in closing:
        if stripped[i] in ("Opleidingen en certificaten", "Classificatie"):
            section = (stripped[i],)
        elif section == ("Werkomgeving",):
            builder.add(
                Kind.WORK_CONTEXT, clean(stripped[i]), section=section, lines=(i + 1, i + 1)
            )
        elif match := _ISCO.search(stripped[i]):
            occupation.isco_codes.extend(c.strip() for c in match.group(1).split(",") if c.strip())
        else:
            builder.note(section, clean(stripped[i]), i + 1)
    if not occupation.isco_codes:
        raise InputError(
            "no ISCO-08 codes under 'Classificatie'", path=path, line=at["Classificatie"] + 1
        )
    return builder.build(source)


def _activities(
    builder: ProfileBuilder,
    lines: list[str],
    start: int,
    stop: int,
    section: tuple[str, ...],
    path: str,
) -> None:
    """Group the cells of one activity block and add activities, skills and knowledge."""
    cells: list[_Cell] = []
    cell = _Cell()
    for i in range(start, stop):
        text = lines[i].strip()
        if not text or text in _COLUMN_HEADERS:
            continue
        ends = text.endswith(_CELL_END)
        cell.lines.append((i + 1, clean(text) if not text.startswith("-") else text))
        if ends:
            cells.append(cell)
            cell = _Cell()
    if cell.lines:
        raise InputError(
            "cell without its closing 'Info block' (page truncated?)",
            path=path,
            line=cell.lines[-1][0],
        )

    activities: list[str] = []  # the current activity group, which skills and knowledge follow
    heading: str | None = None  # a "Behandelt:" line heading a group of activity options
    after_skills = False
    for index, cell in enumerate(cells):
        if cell.is_skills:
            if not activities:
                raise InputError(
                    "skills ('Kunnen') before any activity", path=path, line=cell.lines[0][0]
                )
            for number, text in cell.lines:
                builder.add(
                    Kind.SKILL,
                    clean_item(text),
                    section=(*section, "Kunnen"),
                    lines=(number, number),
                    parents=activities,
                )
            after_skills = True
            continue
        next_is_skills = index + 1 < len(cells) and cells[index + 1].is_skills
        if next_is_skills:
            activities = []
            for number, text in cell.lines:
                activities.append(
                    builder.add(
                        Kind.ACTIVITY, clean_item(text), section=section, lines=(number, number)
                    )
                )
            heading, after_skills = None, False
        elif cell.lines[0][1].endswith(":") or heading:
            first = 0
            if cell.lines[0][1].endswith(":"):
                heading = builder.add(
                    Kind.ACTIVITY,
                    cell.lines[0][1].rstrip(":"),
                    section=section,
                    lines=(cell.lines[0][0],) * 2,
                )
                first = 1
            for number, text in cell.lines[first:]:
                builder.add(
                    Kind.ACTIVITY,
                    clean_item(text),
                    section=section,
                    lines=(number, number),
                    parents=[heading] if heading is not None else [],
                )
        elif after_skills:
            for number, text in cell.lines:
                builder.add(
                    Kind.KNOWLEDGE,
                    clean_item(text),
                    section=(*section, "Kennen"),
                    lines=(number, number),
                    parents=activities,
                )
        else:
            raise InputError(
                "cell that is neither an activity nor knowledge", path=path, line=cell.lines[0][0]
            )
