"""Parser of the KCH role-based beroepscompetentieprofiel (BCP) format.

Layout: a two-column table of ``label<TAB>value`` rows with HTML fragments in the values;
numbered chapters; in chapter "Rollen en competenties" an overview of the roles and, per role,
rows "Beschrijving van de rol", "Competenties" (an italic competency name followed by its
behavioural indicators, often run together on one line), "Benodigde kennis en vaardigheden"
and "Afbreukrisico".
"""

from __future__ import annotations

import re

from ..errors import InputError
from ._table import Heading, Row, read_rows, row_blocks
from .model import Kind, Profile, ProfileBuilder, SourceInfo
from .sources import read_lines
from .text import clean, clean_item, html_blocks, split_run_together

__all__ = ["parse_kch_bcp"]

#: Rows of chapter 2 whose paragraphs and bullets are statements, with the kind they get.
CONTEXT_ROWS = {
    "Werkomgeving (NLQF)": Kind.WORK_CONTEXT,
    "Verantwoordelijkheid en Zelfstandigheid (NLQF)": Kind.WORK_CONTEXT,
    "Complexiteit (NLQF)": Kind.WORK_CONTEXT,
    "Kennis en vaardigheden (NLQF)": Kind.LEVEL_DESCRIPTOR,
    "Attitude": Kind.ATTITUDE,
}

#: An item of "Benodigde kennis en vaardigheden" is knowledge when one of its first two words
#: is one of these; otherwise ("Kan ...") it is a skill.
KNOWLEDGE_HEADS = frozenset({"kennis", "basiskennis"})

_NAME_ROW = "Naam BCP:"
_ROLE_OVERVIEW = "Overzicht rollen"
_JOB_TITLES = "Mogelijke functiebenamingen"
_LEVEL = re.compile(r"\s*\(niveau (\d+)\)\s*$")


def parse_kch_bcp(source: SourceInfo) -> Profile:
    """Parse a KCH role-based BCP into a :class:`Profile`."""
    source, lines = read_lines(source)
    events = list(read_rows(lines))
    path = source.path
    name_index = next(
        (i for i, e in enumerate(events) if isinstance(e, Row) and e.label == _NAME_ROW), None
    )
    if name_index is None or name_index + 1 >= len(events):
        raise InputError(f"not a KCH BCP: no {_NAME_ROW!r} table", path=path)
    name_row = events[name_index + 1]
    assert isinstance(name_row, (Row, Heading))
    name = clean(name_row.label if isinstance(name_row, Row) else name_row.text)
    builder = ProfileBuilder(path)
    occupation = builder.add(
        Kind.OCCUPATION, _LEVEL.sub("", name), section=(), lines=(name_row.line, name_row.line)
    )

    chapter: tuple[str, ...] = ()
    role: str | None = None
    role_section: tuple[str, ...] = ()
    overview: list[str] = []
    roles: list[tuple[str, int]] = []
    role_rows: dict[str, set[str]] = {}
    for event in events[name_index + 2 :]:
        if isinstance(event, Heading):
            if overview and re.match(r"^\d+\.\s", event.text):
                label = re.sub(r"^\d+\.\s*", "", event.text)
                role = builder.add(Kind.ROLE, label, section=chapter, lines=(event.line,) * 2)
                roles.append((role, event.line))
                role_rows[role] = set()
                role_section = (*chapter, event.text)
                alt = overview[len(roles) - 1] if len(roles) <= len(overview) else None
                statement = builder.statements[role]
                if alt and alt not in statement.alt_labels:
                    statement.alt_labels.append(alt)
            elif re.match(r"^\d+\.\s", event.text):
                chapter, role = (event.text,), None
            continue
        row = event
        if row.label == _JOB_TITLES:
            builder.statements[occupation].alt_labels.extend(_job_titles(row))
        elif row.label == _ROLE_OVERVIEW:
            text = clean(" ".join(value for _, value in row.parts))
            overview = [t.strip() for t in re.split(r"(?:^|\s)\d+\.\s", text) if t.strip()]
        elif role is not None:
            role_rows[role].add(row.label)
            _role_row(builder, row, role, (*role_section, row.label), path)
        elif row.label in CONTEXT_ROWS:
            _context_row(builder, row, CONTEXT_ROWS[row.label], (*chapter, row.label))
        else:
            text = clean(" ".join(value for _, value in row.parts))
            builder.note((*chapter, row.label), text, row.line)

    if not overview:
        raise InputError(
            f"document truncated (or not a KCH BCP): no {_ROLE_OVERVIEW!r} row",
            path=path,
            line=len(lines),
        )
    if len(roles) != len(overview):
        raise InputError(
            f"document truncated: the role overview lists {len(overview)} roles, "
            f"found {len(roles)}",
            path=path,
            line=len(lines),
        )
    for role_key, line in roles:
        for needed in ("Competenties", "Benodigde kennis en vaardigheden"):
            if needed not in role_rows[role_key]:
                raise InputError(
                    f"role {builder.statements[role_key].label!r} has no {needed!r} row "
                    "(document truncated?)",
                    path=path,
                    line=line,
                )
    return builder.build(source)


def _job_titles(row: Row) -> list[str]:
    """Alternative job titles: one per line in the PDF, run together in the extraction.

    Each title after the first starts at the head noun "medewerker" (Dutch job titles in this
    list are written "medewerker <domain>"); that is the only boundary the text still shows.
    """
    text = clean(" ".join(value for _, value in row.parts))
    return [t.strip() for t in re.split(r"\s(?=medewerker\b)", text) if t.strip()]


def _role_row(
    builder: ProfileBuilder, row: Row, role: str, section: tuple[str, ...], path: str
) -> None:
    statement = builder.statements[role]
    if row.label == "Beschrijving van de rol":
        statement.definition = clean(" ".join(v for _, v in row.parts))
    elif row.label == "Afbreukrisico":
        statement.scope_notes.append(clean(" ".join(v for _, v in row.parts)))
    elif row.label == "Competenties":
        competency: str | None = None
        for number, value in row.parts:
            for italic, text in html_blocks(value):
                if italic:
                    name = text.rstrip(":").strip()
                    competency = builder.add(
                        Kind.COMPETENCY,
                        name,
                        section=section,
                        lines=(number, number),
                        parents=[role],
                    )
                    continue
                if competency is None:
                    raise InputError(
                        "behavioural indicator before any competency name", path=path, line=number
                    )
                for item in split_run_together(text):
                    builder.add(
                        Kind.INDICATOR,
                        clean_item(item),
                        section=(*section, builder.statements[competency].label),
                        lines=(number, number),
                        parents=[competency],
                    )
    elif row.label == "Benodigde kennis en vaardigheden":
        for number, value in row.parts:
            for _, text in html_blocks(value):
                for item in split_run_together(text):
                    item = clean_item(item)
                    heads = {w.lower() for w in item.split()[:2]}
                    kind = Kind.KNOWLEDGE if heads & KNOWLEDGE_HEADS else Kind.SKILL
                    builder.add(kind, item, section=section, lines=(number, number), parents=[role])
    else:
        builder.note(section, clean(" ".join(v for _, v in row.parts)), row.line)


def _context_row(builder: ProfileBuilder, row: Row, kind: Kind, section: tuple[str, ...]) -> None:
    """Paragraphs and bullets of a descriptive row; a lead-in ending in ':' heads its bullets."""
    sub: tuple[str, ...] = ()
    for first, last, italic, text in row_blocks(row.parts):
        if italic:
            sub = (text.rstrip(":").strip(),)
            continue
        bullets = text.split("•")
        lead = bullets[0].strip()
        if lead.endswith(":"):
            if len(bullets) == 1:
                sub = (lead.rstrip(":"),)
                continue
        elif lead:
            builder.add(kind, clean(lead), section=(*section, *sub), lines=(first, last))
        for bullet in bullets[1:]:
            if item := clean_item(bullet):
                builder.add(kind, item, section=(*section, *sub), lines=(first, last))
